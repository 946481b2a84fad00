import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesByteSource } from '../data/byteSource.ts';
import { openTableFile } from '../data/openTableFile.ts';
import { isAbortError } from '../data/abort.ts';
import type { TensorInfo } from '../contracts/tables.ts';
import { defaultCrossWeight, fieldsFromCross, interactionCollapseOfFile } from './interactionCollapse.ts';

/** Written by scripts/interactionFixtures.py: Multi-Embedding's DCNv2 state dicts, numpy float64 matrices. */
const dir = new URL('../../test/interaction/', import.meta.url);
interface Expected {
  field_dims: number[];
  ia: number[][];
  rawIa: number[];
}
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as { tensor: string; weight: string; files: Record<string, Expected> };
const open = (name: string) => openTableFile(bytesByteSource(new Uint8Array(readFileSync(new URL(name, dir))), name));

describe('interaction collapse of a DCNv2 checkpoint', () => {
  for (const [name, want] of Object.entries(expected.files)) {
    it(`${name}: the F x F matrix and raw IA match numpy's float64 SVD within 1e-9`, async () => {
      const file = await open(name);
      const got = await interactionCollapseOfFile(file, { tensor: expected.tensor, weight: expected.weight, fieldDims: want.field_dims }, { chunkRows: 5 });
      expect(got.fields).toEqual(want.field_dims.map((_, i) => `field_${i}`));
      expect(got.ia.length).toBe(want.field_dims.length);
      got.ia.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - want.ia[i][j]), `ia[${i}][${j}]`).toBeLessThan(1e-9)));
      got.rawIa.forEach((v, i) => expect(Math.abs(v - want.rawIa[i]), `rawIa[${i}]`).toBeLessThan(1e-9));
    });
  }

  it('the matrix is not symmetric and differs from the raw IA (field i seen by j is its own table)', () => {
    const { ia, rawIa } = expected.files['dcnv2_step120.pt'];
    expect(Math.abs(ia[0][1] - ia[1][0])).toBeGreaterThan(1e-3);
    expect(Math.abs(ia[2][2] - rawIa[2])).toBeGreaterThan(1e-3);
  });

  it('finds cn.W.0 for the table, and says F from the cross layer', async () => {
    const file = await open('dcnv2_step0.pt');
    const table = file.tensors.find((t) => t.name === 'embedding.embedding.weight')!;
    expect(defaultCrossWeight(file.tensors, table)).toBe('cn.W.0');
    expect(fieldsFromCross(16, 4)).toBe(4);
    expect(fieldsFromCross(16, 16)).toBeUndefined();
    expect(fieldsFromCross(15, 4)).toBeUndefined();
  });

  it("pairs a multi-embedding set's table with its own cross network", () => {
    const t = (name: string, shape: number[]): TensorInfo => ({ name, shape, dtype: 'float32', analysable: true });
    const tensors = [
      t('embeddings.0.embedding.weight', [42, 4]),
      t('embeddings.1.embedding.weight', [42, 4]),
      t('cns.0.0.W.0', [16, 16]),
      t('cns.1.0.W.0', [16, 16]),
      t('cns.1.0.W.1', [16, 16]),
    ];
    expect(defaultCrossWeight(tensors, tensors[1])).toBe('cns.1.0.W.0');
    expect(defaultCrossWeight(tensors, tensors[0])).toBe('cns.0.0.W.0');
    const shared = [tensors[0], t('cn.0.W.0', [16, 16]), t('mlp.mlp.0.weight', [16, 16])];
    expect(defaultCrossWeight(shared, shared[0])).toBe('cn.0.W.0');
    expect(defaultCrossWeight([tensors[0], t('mlp.mlp.0.weight', [16, 16])], tensors[0])).toBeUndefined();
  });

  it('refuses field sizes that do not fit the cross layer, naming both shapes', async () => {
    const file = await open('dcnv2_step0.pt');
    await expect(interactionCollapseOfFile(file, { tensor: expected.tensor, weight: 'cn.W.0', fieldDims: [10, 32] })).rejects.toThrow(
      /16 x 16, but 2 fields of dim 4 need 8 x 8\. It fits 4 fields of dim 4/,
    );
    await expect(interactionCollapseOfFile(file, { tensor: expected.tensor, weight: 'linear.weight', fieldDims: [3, 12, 7, 20] })).rejects.toThrow(
      /not square/,
    );
    await expect(interactionCollapseOfFile(file, { tensor: expected.tensor, weight: 'cn.W.0', fieldDims: [3, 12, 7, 21] })).rejects.toThrow(
      /sum to 43 but the table has 42 rows/,
    );
  });

  it('a cross layer holding NaN is refused by name, not read as IA 0', async () => {
    const file = await open('dcnv2_step0.pt');
    const poisoned = {
      ...file,
      async *readRows(name: string, opts?: Parameters<typeof file.readRows>[1]) {
        for await (const block of file.readRows(name, opts)) {
          if (name !== 'cn.W.0') yield block;
          else {
            const data = Float64Array.from(block.data);
            data[5] = Number.NaN;
            yield { ...block, data };
          }
        }
      },
    };
    await expect(interactionCollapseOfFile(poisoned, { tensor: expected.tensor, weight: 'cn.W.0', fieldDims: [3, 12, 7, 20] })).rejects.toThrow(
      /"cn\.W\.0" holds NaN at \[0, 5\]: a cross layer must be finite/,
    );
  });

  it('stops with an AbortError when cancelled', async () => {
    const file = await open('dcnv2_step0.pt');
    const ctl = new AbortController();
    ctl.abort();
    const run = interactionCollapseOfFile(file, { tensor: expected.tensor, weight: 'cn.W.0', fieldDims: [3, 12, 7, 20] }, { signal: ctl.signal });
    await expect(run).rejects.toSatisfy(isAbortError);
  });
});
