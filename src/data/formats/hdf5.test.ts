import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeTableFile } from '../../analysis/analyzeTable.ts';
import { bytesByteSource } from '../byteSource.ts';
import { isAbortError } from '../abort.ts';
import { openTableFile } from '../openTableFile.ts';
import { importFailure, readAll } from '../../../test/support/testFixtures.ts';

/** Written by scripts/kerasFixtures.py with Debian's h5py in the layouts Keras writes, with numpy's values. */
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../test/keras/${name}`, import.meta.url)));
type Expected = Record<string, { shape: number[]; dtype: string; values: number[]; recscope_ia?: number }>;
const expected = JSON.parse(readFileSync(new URL('../../../test/keras/expected.json', import.meta.url), 'utf8')) as { files: Record<string, Expected> };
const open = (name: string, bytes = fixture(name)) => openTableFile(bytesByteSource(bytes, name));

describe('HDF5 and Keras weights (h5wasm)', () => {
  for (const [name, format, user, item] of [
    ['legacy.h5', 'hdf5', 'user_embedding/user_embedding/embeddings:0', 'item_embedding/item_embedding/embeddings:0'],
    ['model.keras', 'keras', 'layers/user_embedding/vars/0', 'layers/item_embedding/vars/0'],
  ] as const) {
    it(`${name}: every dataset by its path, values exact, IA as numpy computes it`, async () => {
      const table = await open(name);
      expect(table.format).toBe(format);
      const want = expected.files[name];
      expect(table.tensors.map((t) => t.name).sort()).toEqual(Object.keys(want).sort());
      for (const [tensor, w] of Object.entries(want)) {
        const info = table.tensors.find((t) => t.name === tensor)!;
        expect(info, tensor).toMatchObject({ shape: w.shape, dtype: w.dtype, analysable: w.shape.length === 2 });
        if (w.shape.length === 2) expect((await readAll(table, tensor, { chunkRows: 7 })).values, tensor).toEqual(w.values.map(Math.fround));
      }
      const result = await analyzeTableFile(table, { tensors: [user, item], mode: 'recscope' });
      [user, item].forEach((t, i) => expect(Math.abs(result.fields[i].information_abundance - want[t].recscope_ia!)).toBeLessThan(1e-6));
      expect(result.fields[1].information_abundance).toBeLessThan(result.fields[0].information_abundance / 2);
    });
  }

  it('int64 read exactly; float16 and 3-D datasets listed with why they cannot be analysed', async () => {
    const table = await open('half.h5');
    expect((await readAll(table, 'ids')).values).toEqual(expected.files['half.h5'].ids.values);
    expect(table.tensors.find((t) => t.name === 'half')).toMatchObject({ analysable: false, reason: expect.stringMatching(/float16/) });
    expect(table.tensors.find((t) => t.name === 'cube')).toMatchObject({ analysable: false, reason: expect.stringMatching(/3-D array/) });
  });

  it('damaged files name their problem', async () => {
    const notHdf5 = await importFailure(open('weights.h5', new TextEncoder().encode('not an hdf5 file at all')));
    expect(notHdf5.message).toBe('weights.h5 is not a valid HDF5 file: it does not start with the HDF5 signature');
    const bytes = fixture('legacy.h5');
    const cut = await importFailure(open('cut.h5', bytes.subarray(0, 3000)));
    expect(cut.message).toMatch(/^cut\.h5 is not a valid HDF5 file: the HDF5 library could not (open|read)/);
    const zip = await importFailure(open('other.keras', fixture('model.keras').subarray(0, 0 + fixture('model.keras').length - 30)));
    expect(zip.message).toMatch(/^other\.keras is truncated|^other\.keras is not a valid zip/);
  });

  it('stops with an AbortError once cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const failure = await openTableFile(bytesByteSource(fixture('legacy.h5'), 'x.h5'), { signal: controller.signal }).catch((e: unknown) => e);
    expect(isAbortError(failure)).toBe(true);
  });
});
