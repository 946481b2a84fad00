import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeTableFile } from '../analysis/analyzeTable.ts';
import { bytesByteSource } from './byteSource.ts';
import { readCheckpointLayout } from './checkpointLayout.ts';
import { fieldSizesFromTensor, readFieldSizesTensor } from './fieldSizesTensor.ts';
import { openTableFile } from './openTableFile.ts';

/** Written by scripts/fieldSizesTensorFixtures.py with Debian's torch: models that registered their field sizes as a buffer. */
const dir = new URL('../../test/torch/field-sizes/', import.meta.url);
const open = (name: string) => openTableFile(bytesByteSource(new Uint8Array(readFileSync(new URL(name, dir))), name));
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as {
  field_dims: number[];
  files: Record<string, { table: string; sizes_tensor: Record<string, number[]>; recscope_ia: number[] }>;
};

describe('field sizes kept in a checkpoint tensor', () => {
  for (const [name, want] of Object.entries(expected.files)) {
    it(`${name}: ${Object.keys(want.sizes_tensor)[0]} gives the sizes torch saved, and the split matches numpy within 1e-9`, async () => {
      const file = await open(name);
      const [tensor, values] = Object.entries(want.sizes_tensor)[0];
      expect(await file.readVector?.(tensor)).toEqual(values);
      // An embedding table is not a 1-D integer list: no vector for it.
      expect(await file.readVector?.(want.table)).toBeUndefined();
      const rows = file.tensors.find((t) => t.name === want.table)!.shape[0];
      expect(await readFieldSizesTensor(file, rows)).toEqual({ dims: expected.field_dims, tensor });
      expect(readCheckpointLayout(file.tensors).fieldCount?.fields).toBe(expected.field_dims.length);
      const result = await analyzeTableFile(file, { tensors: [want.table], field_dims: expected.field_dims, mode: 'recscope' });
      result.fields.forEach((f, i) => expect(Math.abs(f.information_abundance - want.recscope_ia[i])).toBeLessThan(1e-9));
    });
  }

  it('a sizes tensor of another table (its sum is not this one) is passed over, not applied', async () => {
    expect(await readFieldSizesTensor(await open('field_dims_buffer.pth'), 92)).toBeUndefined();
    // Offsets cannot say where the last field ends, only that it starts inside the table.
    expect(await readFieldSizesTensor(await open('offsets_buffer.pth'), 43)).toBeUndefined();
  });

  it('offsets become the sizes between them, the last field running to the end', () => {
    expect(fieldSizesFromTensor('embedding.offsets', [0, 4, 34, 43], 93)).toEqual([4, 30, 9, 50]);
    expect(fieldSizesFromTensor('field_dims', [4, 30, 9, 50], 93)).toEqual([4, 30, 9, 50]);
  });

  it('says what is wrong with values that do not partition the table', () => {
    expect(() => fieldSizesFromTensor('offsets', [1, 4], 10)).toThrow('offsets starts at 1, not 0');
    expect(() => fieldSizesFromTensor('offsets', [0, 6, 4], 10)).toThrow('offsets does not rise at entry 2 (6 then 4)');
    expect(() => fieldSizesFromTensor('offsets', [0, 4, 12], 10)).toThrow('does not rise at entry 3 (12 then 10)');
    expect(() => fieldSizesFromTensor('field_dims', [4, 0, 6], 10)).toThrow('field_dims has entry 2 = 0, not a positive size');
    expect(() => fieldSizesFromTensor('field_dims', [4, 5], 10)).toThrow('field_dims sums to 9 rows but the table has 10');
    expect(() => fieldSizesFromTensor('field_dims', [], 10)).toThrow('field_dims is empty');
  });
});
