import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesByteSource } from '../data/byteSource.ts';
import { ImportError } from '../data/importError.ts';
import { openTableFile } from '../data/openTableFile.ts';
import { shardedTableFile } from '../data/shardedTable.ts';
import type { TableFile } from '../data/tableFile.ts';
import type { PartialGram } from '../contracts/partialGram.ts';
import type { AnalysisResult, SpectrumMode } from '../contracts/tables.ts';
import { analyzeTableFile } from './analyzeTable.ts';
import { analyzePartialGram, mergePartialGrams, partialGramOfTable } from './partialGram.ts';

const MODES: SpectrumMode[] = ['recscope', 'raw', 'centered'];
/** merge(gram(shards)) against analyze(whole): the sums differ only in the order float64 additions are made. */
const TOLERANCE = 1e-12;

const open = (path: string) => openTableFile(bytesByteSource(new Uint8Array(readFileSync(path)), path.split('/').pop()!));

/**
 * How far apart two results of the same rows are. Row, dim and excluded-row counts must be equal.
 * `ofTop`: the singular values' differences relative to s_1, with the normalised spectrum's and
 * the relative differences of IA and effective rank (the figure held to 1e-12). `perValue`: each
 * singular value's difference relative to itself. `conditioned`: that divided by (s_1 / s_i)^2,
 * the factor by which a rounding change of the Gram (relative to its norm) grows in s_i.
 */
export function resultDifference(a: AnalysisResult, b: AnalysisResult): { ofTop: number; perValue: number; conditioned: number } {
  expect(a.fields.map((f) => [f.name, f.rows, f.dim, f.excluded_rows])).toEqual(b.fields.map((f) => [f.name, f.rows, f.dim, f.excluded_rows]));
  const rel = (x: number, y: number) => (x === y ? 0 : Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y)));
  let ofTop = 0;
  let perValue = 0;
  let conditioned = 0;
  a.fields.forEach((f, i) => {
    const g = b.fields[i];
    expect(f.singular_values.length).toBe(g.singular_values.length);
    const top = g.singular_values[0];
    f.singular_values.forEach((s, j) => {
      const t = g.singular_values[j];
      ofTop = Math.max(ofTop, Math.abs(s - t) / top);
      perValue = Math.max(perValue, rel(s, t));
      if (t > 0) conditioned = Math.max(conditioned, rel(s, t) / (top / t) ** 2);
    });
    f.normalized_spectrum.forEach((s, j) => (ofTop = Math.max(ofTop, Math.abs(s - g.normalized_spectrum[j]))));
    ofTop = Math.max(ofTop, rel(f.information_abundance, g.information_abundance), rel(f.effective_rank, g.effective_rank));
  });
  return { ofTop, perValue, conditioned };
}

/** Holds a comparison to 1e-12 (relative to s_1, and per value once the Gram's conditioning is taken out) and logs its figures. */
function expectClose(a: AnalysisResult, b: AnalysisResult, label: string): void {
  const d = resultDifference(a, b);
  console.log(
    `${label}: relative to s_1 ${d.ofTop.toExponential(2)}, per value ${d.perValue.toExponential(2)}, per value / (s_1/s_i)^2 ${d.conditioned.toExponential(2)}`,
  );
  expect(d.ofTop, label).toBeLessThanOrEqual(TOLERANCE);
  expect(d.conditioned, label).toBeLessThanOrEqual(TOLERANCE);
}

async function gramsOf(paths: string[], tensors: string[], field_dims?: number[]): Promise<PartialGram[]> {
  return Promise.all(paths.map(async (p) => partialGramOfTable(await open(p), { tensors, field_dims })));
}

describe('partial Grams', () => {
  it('merge(gram(shards)) of a split .npy equals analyze(whole) to 1e-12 for every recipe', async () => {
    const whole = await open('test/reference/healthy_f32.npy');
    const shards = [0, 1, 2].map((i) => `test/shards/healthy_f32.shard-${i}.npy`);
    const parts = await Promise.all(shards.map(async (p) => partialGramOfTable(await open(p), { tensors: [(await open(p)).tensors[0].name] })));
    // One tensor per file, named after it: the parts are of one table, named for what the names share.
    const merged = mergePartialGrams(parts);
    expect([merged.tensors, merged.fields[0].name, merged.fields[0].rows]).toEqual([['healthy_f32.shard'], 'healthy_f32.shard', 1200]);
    for (const mode of MODES) {
      const direct = await analyzeTableFile(whole, { tensors: ['healthy_f32'], mode });
      const fromGrams = analyzePartialGram(merged, mode);
      const named = { ...fromGrams, fields: fromGrams.fields.map((f) => ({ ...f, name: 'healthy_f32' })) };
      expectClose(named, direct, `healthy_f32, 3 shards, ${mode}`);
      expect(fromGrams.options).toEqual({ ...direct.options, tensors: ['healthy_f32.shard'] });
    }
  });

  it('merges the shards of a state dict (row-wise sharded tables) to the whole file’s analysis', async () => {
    const tensors = ['embedding_bags.user.weight', 'embedding_bags.item.weight'];
    const parts = await gramsOf(
      [2, 0, 1].map((r) => `test/shards/ebc_rank${r}.pt`),
      tensors,
    );
    const merged = mergePartialGrams(parts);
    expect(merged.sources).toEqual(['ebc_rank0.pt', 'ebc_rank1.pt', 'ebc_rank2.pt']);
    expect(merged.fields.map((f) => f.rows)).toEqual([700, 450]);
    const whole = await open('test/shards/ebc_whole.pt');
    const expected = JSON.parse(readFileSync('test/shards/expected.json', 'utf8')).ebc.recscope_ia as Record<string, number>;
    for (const mode of MODES) {
      const direct = await analyzeTableFile(whole, { tensors, mode });
      const fromGrams = analyzePartialGram(merged, mode);
      expectClose(fromGrams, direct, `state dict, 3 ranks, ${mode}`);
      expect(fromGrams.source).toBe('ebc_rank0.pt … ebc_rank2.pt (3 shards)');
    }
    // And numpy's float64 SVD of the whole tables (the science contract's 1e-4 of s_1 is loose; IA agrees far closer).
    const recscope = analyzePartialGram(merged, 'recscope');
    for (const f of recscope.fields) expect(f.information_abundance).toBeCloseTo(expected[f.name], 9);
  });

  it('splits a concatenated table by field_dims across shards (a field cut in two) as the whole table', async () => {
    const field_dims = [2, 7, 24, 60, 150, 300];
    const sharded = shardedTableFile(await Promise.all([1, 0].map((i) => open(`test/shards/fields_concat.shard-${i}.npy`))));
    const whole = await open('test/reference/fields_concat.npy');
    const partial = await partialGramOfTable(sharded, { tensors: [sharded.tensors[0].name], field_dims });
    expect(partial.fields.map((f) => f.rows)).toEqual(field_dims);
    for (const mode of MODES) {
      const direct = await analyzeTableFile(whole, { tensors: ['fields_concat'], field_dims, mode });
      const viaShards = await analyzeTableFile(sharded, { tensors: [sharded.tensors[0].name], field_dims, mode });
      expectClose(viaShards, direct, `fields_concat, sharded table, ${mode}`);
      expectClose(analyzePartialGram(partial, mode), direct, `fields_concat, gram of the sharded table, ${mode}`);
    }
  });

  it('keeps the excluded (NaN / Inf) rows of every part', async () => {
    const values = new Float32Array(6 * 2).map((_, i) => Math.sin(i + 1));
    values[2] = NaN; // row 1
    values[9] = Infinity; // row 4
    const file = (rows: [number, number], name: string): TableFile => ({
      format: 'npy',
      source: bytesByteSource(new Uint8Array(8), name),
      tensors: [{ name: 't', shape: [rows[1] - rows[0], 2], dtype: 'float32', analysable: true }],
      async *readRows() {
        yield { data: values.subarray(rows[0] * 2, rows[1] * 2), rows: rows[1] - rows[0], dim: 2, startRow: 0, bytesDone: 8 };
      },
    });
    const a = await partialGramOfTable(file([0, 3], 'a'), { tensors: ['t'] });
    const b = await partialGramOfTable(file([3, 6], 'b'), { tensors: ['t'] });
    const merged = mergePartialGrams([a, b]);
    expect([merged.fields[0].rows, merged.fields[0].excluded_rows]).toEqual([4, 2]);
    const whole = await analyzeTableFile(file([0, 6], 'whole'), { tensors: ['t'], mode: 'centered' });
    expectClose(analyzePartialGram(merged, 'centered'), whole, 'NaN / Inf rows, centered');
  });

  it('refuses parts of different tables, and a part given twice, naming them', async () => {
    const [a] = await gramsOf(['test/shards/ebc_rank0.pt'], ['embedding_bags.user.weight', 'embedding_bags.item.weight']);
    const [renamed] = await gramsOf(['test/shards/bad/ebc_rank1_renamed.pt'], ['embedding_bags.users.weight', 'embedding_bags.item.weight']);
    expect(() => mergePartialGrams([a, renamed], ['p0.json', 'p1.json'])).toThrow(/p1\.json is not a part of the same table as p0\.json: its tensors are/);
    const narrow = { ...a, sources: ['other.pt'], fields: a.fields.map((f, i) => (i === 0 ? { ...f, dim: 8 } : f)) };
    expect(() => mergePartialGrams([a, narrow], ['p0.json', 'p1.json'])).toThrow(/field "embedding_bags.user.weight" is K = 8, not 16/);
    expect(() => mergePartialGrams([a, a], ['p0.json', 'copy.json'])).toThrow(/both hold the sums of ebc_rank0\.pt/);
    expect(() => mergePartialGrams([])).toThrow(ImportError);
  });

  it('says which field has no rows, and which name is not a field', async () => {
    const [a] = await gramsOf(['test/shards/ebc_rank0.pt'], ['embedding_bags.user.weight']);
    const empty = { ...a, fields: a.fields.map((f) => ({ ...f, rows: 0 })) };
    expect(() => analyzePartialGram(empty, 'recscope')).toThrow(/Field "embedding_bags.user.weight" has no rows/);
    expect(() => analyzePartialGram(a, 'recscope', ['nope'])).toThrow(/no field named "nope"/);
  });
});
