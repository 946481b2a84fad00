import { GramAccumulator } from '../analysis/gramAccumulator.ts';
import { fieldResult } from '../analysis/spectrum.ts';
import type { AnalysisResult, LoadedTable } from '../contracts/tables.ts';
import { createRng } from '../data/ctr/prng.ts';

/** Six fields of a CTR model, small to huge cardinality, shared by both examples so they compare. */
export const EXAMPLE_FIELDS: { name: string; rows: number }[] = [
  { name: 'gender', rows: 2 },
  { name: 'age_bucket', rows: 8 },
  { name: 'city', rows: 40 },
  { name: 'category', rows: 250 },
  { name: 'item_id', rows: 600 },
  { name: 'user_id', rows: 1500 },
];
export const EXAMPLE_DIM = 32;

function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * Rows x K Gaussian rows whose dimension j is scaled by (j+1)^-decay: decay 0 is isotropic
 * (healthy), larger decays concentrate the energy in a few directions (collapsed).
 */
export function decayingRows(rows: number, dim: number, decay: number, seed: number): Float32Array {
  // The examples are identical on every load: a seeded mulberry32.
  const normal = gaussian(createRng(seed).next);
  const scale = Array.from({ length: dim }, (_, j) => (j + 1) ** -decay);
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) out[r * dim + j] = normal() * scale[j];
  return out;
}

/** Analyses generated rows with the same accumulator and spectrum code as uploaded files. */
function analyseExample(source: string, decayOf: (fieldIndex: number) => number, seed: number): AnalysisResult {
  const fields = EXAMPLE_FIELDS.map((f, i) => {
    const acc = new GramAccumulator(EXAMPLE_DIM, 'recscope');
    acc.add(decayingRows(f.rows, EXAMPLE_DIM, decayOf(i), seed + i), f.rows);
    return fieldResult(f.name, acc);
  });
  return { source, options: { mode: 'recscope', field_dims: EXAMPLE_FIELDS.map((f) => f.rows) }, fields };
}

export type ExampleTable = Omit<LoadedTable, 'id'>;

function exampleTable(source: string, decayOf: (i: number) => number, seed: number): ExampleTable {
  const t0 = performance.now();
  const result = analyseExample(source, decayOf, seed);
  const rows = EXAMPLE_FIELDS.reduce((s, f) => s + f.rows, 0);
  return {
    source,
    format: 'generated',
    bytes: rows * EXAMPLE_DIM * 4,
    tensors: [{ name: 'embedding', shape: [rows, EXAMPLE_DIM], dtype: 'float32', analysable: true }],
    result,
    elapsedMs: performance.now() - t0,
    origin: 'example',
    gramEngine: 'float64-js',
  };
}

export const HEALTHY_SOURCE = 'Example: healthy model';
export const COLLAPSED_SOURCE = 'Example: collapsed model';

/** The two built-in examples: near-isotropic rows, and rows whose spectrum decays faster the larger the field. */
export function buildExampleTables(): ExampleTable[] {
  return [exampleTable(HEALTHY_SOURCE, () => 0.05, 1001), exampleTable(COLLAPSED_SOURCE, (i) => [0.2, 0.3, 0.4, 0.6, 0.9, 1.2][i], 2002)];
}
