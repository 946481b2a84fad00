import { describe, expect, it } from 'vitest';
import { GramAccumulator, type GramState } from '../analysis/gramAccumulator.ts';
import { dtypeOf } from '../data/formats/dtype.ts';
import type { RowLayout } from '../data/tableFile.ts';
import { ImportError } from '../data/importError.ts';
import { rowRangeGram, splitRows } from './rowRangeGram.ts';

/** rows x dim values behind a 64-byte header in a Blob, as an .npy lays them out. */
function table(rows: number, dim: number, bigEndian = false) {
  const values = Float64Array.from({ length: rows * dim }, (_, i) => Math.sin(i * 12.9898) * ((i % dim) + 1));
  values[5 * dim + 1] = NaN;
  const bytes = new Uint8Array(64 + values.length * 4);
  const view = new DataView(bytes.buffer, 64);
  values.forEach((v, i) => view.setFloat32(i * 4, v, !bigEndian));
  const layout: RowLayout = { rows, dim, dtype: dtypeOf('float32', !bigEndian), fortran: false, dataOffset: 64 };
  return { blob: new Blob([bytes]), layout, values: Float32Array.from(values) };
}

function expectSameGram(got: GramState, want: GramAccumulator): void {
  expect(got.rows).toBe(want.rows);
  expect(got.excludedRows).toBe(want.excludedRows);
  const ref = want.state();
  const scale = Math.max(...ref.upper.map(Math.abs));
  const k = ref.dim;
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) expect(Math.abs(got.upper[i * k + j] - ref.upper[i * k + j])).toBeLessThan(1e-12 * scale);
  }
  ref.colSum.forEach((s, j) => expect(got.colSum[j]).toBeCloseTo(s, 9));
}

describe('splitRows', () => {
  it('cuts rows into contiguous near-equal ranges covering them once', () => {
    expect(splitRows(10, 3)).toEqual([
      [0, 3],
      [3, 6],
      [6, 10],
    ]);
    expect(splitRows(2, 4)).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(splitRows(0, 2)).toEqual([]);
  });
});

describe('rowRangeGram', () => {
  // 40_000 rows x 33 float32 = 5.3 MB: more than one 4 MiB block, odd dim.
  const rows = 40_000;
  const dim = 33;
  for (const bigEndian of [false, true]) {
    it(`sums exactly the rows of its range (${bigEndian ? 'big-endian, decoded from a copy' : 'viewed in place'}), NaN rows excluded`, async () => {
      const { blob, layout, values } = table(rows, dim, bigEndian);
      for (const [from, to] of [
        [0, rows],
        [3, 20_011],
      ]) {
        const want = new GramAccumulator(dim, 'centered');
        want.add(values.subarray(from * dim, to * dim), to - from);
        const seen: number[] = [];
        const got = await rowRangeGram(blob, { layout, from, to, mode: 'centered' }, undefined, (n) => seen.push(n));
        expectSameGram(got, want);
        expect(seen.at(-1)).toBe(to - from);
        expect(got.excludedRows).toBe(from <= 5 ? 1 : 0);
      }
    });
  }

  it('a file shorter than its rows is an ImportError naming the row', async () => {
    const { blob, layout } = table(100, 4);
    const cut = blob.slice(0, 64 + 50 * 16 + 3);
    const err = await rowRangeGram(cut, { layout, from: 10, to: 100, mode: 'raw' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err).toMatchObject({ code: 'truncated', message: expect.stringContaining('row 51') });
  });

  it('stops with an AbortError when the signal fires', async () => {
    const { blob, layout } = table(100, 4);
    const controller = new AbortController();
    controller.abort();
    await expect(rowRangeGram(blob, { layout, from: 0, to: 100, mode: 'raw' }, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
