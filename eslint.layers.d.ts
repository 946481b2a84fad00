import type { Linter } from 'eslint';

/** src/ folder -> the folders it may import at run time, and those it may import only as types. */
export declare const LAYERS: Readonly<Record<string, { imports: readonly string[]; types: readonly string[] }>>;
export declare function layerRules(): Linter.Config[];
