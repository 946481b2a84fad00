import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The page's first chunk must not pull in tfjs (1 MB of the 300 KB gzip budget): tfjs loads lazily,
 * inside the workers. This walks the static, non-type imports from src/main.tsx (dynamic import()
 * and `import type` are left out, as the bundler does) and lists what reaches a tfjs package.
 */
const SRC = dirname(fileURLToPath(import.meta.url));
const STATIC_IMPORT = /^import\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(STATIC_IMPORT)].map((m) => m[1]);
}

function tfjsPaths(entry: string): string[] {
  const seen = new Set<string>();
  const offending: string[] = [];
  const walk = (file: string, path: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('@tensorflow/')) offending.push([...path, file, spec].map((p) => p.replace(`${SRC}/`, '')).join(' -> '));
      else if (spec.startsWith('.') && /\.tsx?$/.test(spec)) walk(resolve(dirname(file), spec), [...path, file]);
    }
  };
  walk(entry, []);
  return offending;
}

describe('initial chunk', () => {
  it('no module statically imported from main.tsx imports tfjs', () => {
    expect(tfjsPaths(resolve(SRC, 'main.tsx'))).toEqual([]);
  });

  it('the check finds tfjs where it is imported (it could fail)', () => {
    expect(tfjsPaths(resolve(SRC, 'models/scalingExperiment.ts')).length).toBeGreaterThan(0);
  });
});
