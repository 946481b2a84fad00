import type { StudioState } from './studioStore.ts';
import { formatUrlHash, parseUrlHash, type UrlMigration, type UrlParseResult, type UrlSchema, type UrlValues } from './urlState.ts';

/** A view's share of the URL: its keys, how to read them from the store and how to apply them. */
export interface UrlBinding<S extends UrlSchema> {
  /** Names the binding in errors ("core", "training", ...). */
  name: string;
  schema: S;
  read(state: StudioState): UrlValues<S>;
  apply(values: UrlValues<S>, state: StudioState): void;
}

interface ErasedBinding {
  name: string;
  schema: UrlSchema;
  read(state: StudioState): Record<string, unknown>;
  apply(values: Record<string, unknown>, state: StudioState): void;
}

/** Every view's URL keys, one link version, and the migrations from older versions. */
export class UrlRegistry {
  private readonly bindings: ErasedBinding[] = [];
  readonly migrations: Record<number, UrlMigration> = {};

  /** Adds a view's keys; a key another view already owns is a programming error. */
  register<S extends UrlSchema>(binding: UrlBinding<S>): void {
    const owned = new Set(this.bindings.flatMap((b) => Object.keys(b.schema)));
    const clash = Object.keys(binding.schema).find((k) => owned.has(k) || k === 'v');
    if (clash) throw new Error(`URL key "${clash}" of ${binding.name} is already used`);
    this.bindings.push(binding as unknown as ErasedBinding);
  }

  /** Registers the conversion of links of version `from` to `from + 1` (bump URL_VERSION with it). */
  addMigration(from: number, migrate: UrlMigration): void {
    this.migrations[from] = migrate;
  }

  schema(): UrlSchema {
    return Object.assign({}, ...this.bindings.map((b) => b.schema)) as UrlSchema;
  }

  parse(hash: string): UrlParseResult {
    return parseUrlHash(hash, this.schema(), this.migrations);
  }

  read(state: StudioState): Record<string, unknown> {
    return Object.assign({}, ...this.bindings.map((b) => b.read(state))) as Record<string, unknown>;
  }

  format(state: StudioState): string {
    return formatUrlHash(this.read(state), this.schema());
  }

  /** Applies some keys (a lesson step's preset), keeping the others as they are. */
  patch(values: Record<string, unknown>, state: StudioState): void {
    this.apply({ ...this.read(state), ...values }, state);
  }

  apply(values: Record<string, unknown>, state: StudioState): void {
    for (const b of this.bindings) {
      b.apply(Object.fromEntries(Object.keys(b.schema).map((k) => [k, values[k]])), state);
    }
  }
}
