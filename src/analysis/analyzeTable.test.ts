import { describe, expect, it } from 'vitest';
import { bytesByteSource } from '../data/byteSource.ts';
import { ImportError } from '../data/importError.ts';
import type { RowBlock, TableFile } from '../data/tableFile.ts';
import type { AnalysisProgress, FieldResult, TensorInfo } from '../contracts/tables.ts';
import { analyzeTableFile } from './analyzeTable.ts';
import { GramAccumulator } from './gramAccumulator.ts';
import { fieldResult } from './spectrum.ts';
import { seededRandom, tableWithSingularValues } from '../../test/support/testMatrices.ts';

interface MemoryTensor {
  name: string;
  data: Float32Array | Float64Array;
  dim: number;
  /** Simulate a text table, whose row count is unknown until read. */
  rowsUnknown?: boolean;
  info?: Partial<TensorInfo>;
}

/** A TableFile over arrays in memory, streaming in chunkRows blocks like the parsers do. */
function memoryFile(tensors: MemoryTensor[]): TableFile {
  return {
    format: 'npz',
    source: bytesByteSource(new Uint8Array(1000), 'memory.npz'),
    tensors: tensors.map((t) => ({
      name: t.name,
      shape: [t.rowsUnknown ? -1 : t.data.length / t.dim, t.dim],
      dtype: t.data instanceof Float32Array ? 'float32' : 'float64',
      analysable: true,
      ...t.info,
    })),
    async *readRows(name, opts = {}): AsyncIterable<RowBlock> {
      const t = tensors.find((x) => x.name === name)!;
      const rows = t.data.length / t.dim;
      const chunk = opts.chunkRows ?? 1000;
      for (let r = 0; r < rows; r += chunk) {
        const n = Math.min(chunk, rows - r);
        yield { data: t.data.subarray(r * t.dim, (r + n) * t.dim), rows: n, dim: t.dim, startRow: r, bytesDone: 0 };
      }
    },
  };
}

function direct(name: string, data: Float32Array | Float64Array, dim: number, mode: 'raw' | 'recscope' | 'centered'): FieldResult {
  const acc = new GramAccumulator(dim, mode);
  acc.add(data, data.length / dim);
  return fieldResult(name, acc);
}

function expectFieldClose(actual: FieldResult, expected: FieldResult): void {
  expect(actual.name).toBe(expected.name);
  expect(actual.rows).toBe(expected.rows);
  expect(actual.dim).toBe(expected.dim);
  expect(actual.excluded_rows).toBe(expected.excluded_rows);
  expect(actual.singular_values).toHaveLength(expected.singular_values.length);
  const top = expected.singular_values[0];
  actual.singular_values.forEach((s, i) => expect(Math.abs(s - expected.singular_values[i])).toBeLessThan(1e-12 * top));
  expect(actual.information_abundance).toBeCloseTo(expected.information_abundance, 10);
}

const rand = seededRandom(42);
const a = Float32Array.from({ length: 40 * 6 }, () => rand() - 0.5);
const b = Float32Array.from({ length: 25 * 6 }, () => rand() - 0.2);

describe('analyzeTableFile', () => {
  it('several tensors: one field each, named after the tensor', async () => {
    const file = memoryFile([
      { name: 'user', data: a, dim: 6 },
      { name: 'item', data: b, dim: 6 },
    ]);
    const result = await analyzeTableFile(file, { tensors: ['item', 'user'], mode: 'recscope' }, { chunkRows: 7 });
    expect(result.source).toBe('memory.npz');
    expect(result.options).toEqual({ mode: 'recscope', tensors: ['item', 'user'] });
    expectFieldClose(result.fields[0], direct('item', b, 6, 'recscope'));
    expectFieldClose(result.fields[1], direct('user', a, 6, 'recscope'));
  });

  it('one tensor + field_dims: contiguous row blocks, split where a block straddles a boundary', async () => {
    const all = new Float32Array([...a, ...b]);
    const file = memoryFile([{ name: 'emb', data: all, dim: 6 }]);
    const fieldDims = [3, 37, 25];
    for (const chunkRows of [1, 7, 1000]) {
      const result = await analyzeTableFile(file, { tensors: ['emb'], field_dims: fieldDims, mode: 'raw' }, { chunkRows });
      expect(result.options).toEqual({ mode: 'raw', field_dims: fieldDims, tensors: ['emb'] });
      expect(result.fields.map((f) => f.rows)).toEqual(fieldDims);
      expectFieldClose(result.fields[0], direct('field_0', a.subarray(0, 18), 6, 'raw'));
      expectFieldClose(result.fields[1], direct('field_1', a.subarray(18), 6, 'raw'));
      expectFieldClose(result.fields[2], direct('field_2', b, 6, 'raw'));
    }
  });

  it('uses fieldNames when given', async () => {
    const file = memoryFile([{ name: 'emb', data: a, dim: 6 }]);
    const result = await analyzeTableFile(file, { tensors: ['emb'], field_dims: [10, 30], mode: 'raw', fieldNames: ['user_id', 'city'] });
    expect(result.fields.map((f) => f.name)).toEqual(['user_id', 'city']);
  });

  it('field_dims that do not sum to the rows are rejected before reading (binary) or after (text)', async () => {
    for (const rowsUnknown of [false, true]) {
      const file = memoryFile([{ name: 'emb', data: a, dim: 6, rowsUnknown }]);
      const run = analyzeTableFile(file, { tensors: ['emb'], field_dims: [10, 31], mode: 'raw' });
      await expect(run).rejects.toBeInstanceOf(ImportError);
      await expect(run).rejects.toMatchObject({ code: 'field-dims-mismatch' });
      const short = analyzeTableFile(file, { tensors: ['emb'], field_dims: [10, 20], mode: 'raw' });
      await expect(short).rejects.toMatchObject({ code: 'field-dims-mismatch' });
    }
  });

  it('text tables with matching field_dims are split the same way', async () => {
    const file = memoryFile([{ name: 'emb', data: a, dim: 6, rowsUnknown: true }]);
    const result = await analyzeTableFile(file, { tensors: ['emb'], field_dims: [15, 25], mode: 'raw' }, { chunkRows: 4 });
    expectFieldClose(result.fields[1], direct('field_1', a.subarray(15 * 6), 6, 'raw'));
  });

  it('rejects an empty selection, unknown or non-analysable tensors, and field_dims over several tensors', async () => {
    const file = memoryFile([
      { name: 'emb', data: a, dim: 6 },
      { name: 'bias', data: b, dim: 6, info: { shape: [150], analysable: false, reason: '1-D' } },
    ]);
    await expect(analyzeTableFile(file, { tensors: [], mode: 'raw' })).rejects.toMatchObject({ code: 'no-tensor-selected' });
    await expect(analyzeTableFile(file, { tensors: ['nope'], mode: 'raw' })).rejects.toMatchObject({
      code: 'no-tensor-selected',
      message: expect.stringContaining('emb, bias'),
    });
    await expect(analyzeTableFile(file, { tensors: ['bias'], mode: 'raw' })).rejects.toMatchObject({
      code: 'not-2d',
      message: expect.stringContaining('1-D'),
    });
    const two = memoryFile([
      { name: 'x', data: a, dim: 6 },
      { name: 'y', data: b, dim: 6 },
    ]);
    await expect(analyzeTableFile(two, { tensors: ['x', 'y'], field_dims: [40, 25], mode: 'raw' })).rejects.toMatchObject({
      code: 'bad-field-dims',
    });
  });

  it('excludes NaN/Inf rows: counted, and the values equal those of the table without them', async () => {
    const dirty = new Float32Array(43 * 6);
    dirty.set(a.subarray(0, 60), 0);
    dirty.set([1, NaN, 0, 0, 0, 0], 60);
    dirty.set(a.subarray(60, 120), 66);
    dirty.set([Infinity, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -Infinity], 126);
    dirty.set(a.subarray(120), 138);
    const clean = await analyzeTableFile(memoryFile([{ name: 't', data: a, dim: 6 }]), { tensors: ['t'], mode: 'recscope' });
    const got = await analyzeTableFile(memoryFile([{ name: 't', data: dirty, dim: 6 }]), { tensors: ['t'], mode: 'recscope' });
    expect(got.fields[0].excluded_rows).toBe(3);
    expect(got.fields[0].rows).toBe(40);
    expect(got.fields[0].singular_values).toEqual(clean.fields[0].singular_values);
    expect(got.fields[0].information_abundance).toBe(clean.fields[0].information_abundance);
  });

  it('a field with no finite rows is an ImportError naming the field and the count', async () => {
    const data = new Float32Array(10 * 2);
    data.fill(NaN, 0, 6); // rows 0..2 of field_0
    const file = memoryFile([{ name: 'emb', data, dim: 2 }]);
    const run = analyzeTableFile(file, { tensors: ['emb'], field_dims: [3, 7], mode: 'recscope' });
    await expect(run).rejects.toMatchObject({ code: 'no-finite-rows', message: expect.stringMatching(/field_0.*all 3 rows/) });
  });

  it('centered mode: the singular values of the mean-centred table', async () => {
    const sv = [2, 1, 0.5, 0.125];
    const e = tableWithSingularValues(50, 5, sv, seededRandom(7), [3, -1, 4, 1, -5]);
    const result = await analyzeTableFile(memoryFile([{ name: 't', data: e, dim: 5 }]), { tensors: ['t'], mode: 'centered' }, { chunkRows: 9 });
    sv.forEach((s, i) => expect(Math.abs(result.fields[0].singular_values[i] - s)).toBeLessThan(1e-10));
    // the null direction comes out at sqrt(rounding of G - s s^T / n), about 1e-6 here
    expect(result.fields[0].singular_values[4]).toBeLessThan(1e-5);
    expect(result.fields[0].information_abundance).toBeCloseTo((2 + 1 + 0.5 + 0.125) / 2, 5);
  });

  it('reports progress, throttled, ending at the total', async () => {
    const reports: AnalysisProgress[] = [];
    const file = memoryFile([
      { name: 'x', data: a, dim: 6 },
      { name: 'y', data: b, dim: 6 },
    ]);
    await analyzeTableFile(file, { tensors: ['x', 'y'], mode: 'raw' }, { chunkRows: 1, onProgress: (p) => reports.push(p) });
    expect(reports.length).toBeGreaterThanOrEqual(1);
    expect(reports.length).toBeLessThan(65); // 65 blocks, reports at most every 100 ms
    const last = reports[reports.length - 1];
    expect(last).toMatchObject({ rowsDone: 65, rowsTotal: 65, bytesTotal: 1000 });
    expect(last.rowsPerSecond).toBeGreaterThan(0);
  });

  it('takes a tensor Gram from the tensorGram hook when it offers one, and streams the others', async () => {
    const file = memoryFile([
      { name: 'x', data: a, dim: 6 },
      { name: 'y', data: b, dim: 6 },
    ]);
    const reports: AnalysisProgress[] = [];
    const offered: string[] = [];
    const result = await analyzeTableFile(
      file,
      { tensors: ['x', 'y'], mode: 'raw' },
      {
        onProgress: (p) => reports.push(p),
        tensorGram: (tensor, mode, onRows) => {
          offered.push(`${tensor.name}/${mode}`);
          if (tensor.name !== 'y') return null;
          onRows(25);
          const acc = new GramAccumulator(6, mode);
          acc.add(b, 25);
          return Promise.resolve(acc);
        },
      },
    );
    expect(offered).toEqual(['x/raw', 'y/raw']);
    expectFieldClose(result.fields[0], direct('x', a, 6, 'raw'));
    expectFieldClose(result.fields[1], direct('y', b, 6, 'raw'));
    expect(reports.at(-1)).toMatchObject({ rowsDone: 65, rowsTotal: 65 });
  });

  it('stops with an AbortError when the signal fires', async () => {
    const controller = new AbortController();
    controller.abort();
    const file = memoryFile([{ name: 'x', data: a, dim: 6 }]);
    await expect(analyzeTableFile(file, { tensors: ['x'], mode: 'raw' }, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});
