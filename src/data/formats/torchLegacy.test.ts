import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeTableFile } from '../../analysis/analyzeTable.ts';
import { bytesByteSource } from '../byteSource.ts';
import { openTableFile } from '../openTableFile.ts';
import { isAbortError } from '../abort.ts';
import { importFailure, readAll } from '../../../test/support/testFixtures.ts';

/** Written by scripts/torchLegacyFixtures.py with Debian's torch 1.13 (_use_new_zipfile_serialization=False), with numpy's values. */
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../test/torch/${name}`, import.meta.url)));
type Expected = Record<string, { shape: number[]; dtype: string; values: number[]; recscope_ia?: number }>;
const expected = JSON.parse(readFileSync(new URL('../../../test/torch/legacy_expected.json', import.meta.url), 'utf8')) as {
  files: Record<string, Expected>;
};
const open = (name: string, bytes = fixture(name)) => openTableFile(bytesByteSource(bytes, name));

describe("PyTorch's format from before 1.6", () => {
  it('a state_dict: every tensor by its key, values exact, IA as numpy computes it', async () => {
    const table = await open('legacy_state_dict.pt');
    expect(table.format).toBe('torch');
    const want = expected.files['legacy_state_dict.pt'];
    expect(table.tensors.map((t) => t.name)).toEqual(Object.keys(want));
    for (const [name, w] of Object.entries(want)) {
      const info = table.tensors.find((t) => t.name === name)!;
      expect(info.shape, name).toEqual(w.shape);
      expect(info.analysable, name).toBe(w.shape.length === 2);
      if (w.shape.length === 2) expect((await readAll(table, name, { chunkRows: 7 })).values, name).toEqual(w.values.map(Math.fround));
    }
    const names = ['user_embedding.weight', 'item_embedding.weight'];
    const result = await analyzeTableFile(table, { tensors: names, mode: 'recscope' });
    result.fields.forEach((f, i) => expect(Math.abs(f.information_abundance - want[names[i]].recscope_ia!)).toBeLessThan(1e-6));
    expect(result.fields[1].information_abundance).toBeLessThan(result.fields[0].information_abundance / 2);
  });

  it('a training checkpoint: the model under its key, the optimiser moments listed', async () => {
    const table = await open('legacy_checkpoint.pt');
    const names = table.tensors.map((t) => t.name);
    for (const [name, w] of Object.entries(expected.files['legacy_checkpoint.pt'])) {
      expect(names).toContain(name);
      if (w.shape.length === 2) expect((await readAll(table, name)).values).toEqual(w.values.map(Math.fround));
    }
    expect(names).toContain('optimizer.state.0.exp_avg_sq');
  });

  it('views into a shared float64 storage, half precision, int64; a transposed view named as such', async () => {
    const table = await open('legacy_views.pt');
    const want = expected.files['legacy_views.pt'];
    for (const name of ['rows', 'half', 'ids']) expect((await readAll(table, name)).values, name).toEqual(want[name].values);
    expect(table.tensors.find((t) => t.name === 'rows')!.dtype).toBe('float64');
    expect(table.tensors.find((t) => t.name === 'transposed')!.reason).toMatch(/non-contiguous view \(stride \(1, 4\)\)/);
  });

  it('a cut file and a cut pickle name their problem', async () => {
    const bytes = fixture('legacy_state_dict.pt');
    const cut = await importFailure(open('cut.pt', bytes.subarray(0, bytes.length - 100)));
    expect(cut.code).toBe('truncated');
    expect(cut.message).toMatch(/^cut\.pt is truncated: storage \d+ declares \d+ elements, past the end of the file/);
    const cutPickle = await importFailure(open('short.pt', bytes.subarray(0, 300)));
    expect(cutPickle.code).toBe('truncated');
    expect(cutPickle.message).toMatch(/^short\.pt has a checkpoint RecLens cannot read: the pickle ends inside/);
  });

  it('a storage whose element count disagrees with its tensors is refused', async () => {
    const bytes = fixture('legacy_state_dict.pt').slice();
    const table = await open('legacy_state_dict.pt');
    const first = table.rowLayout!('user_embedding.weight')!;
    // The count sits in the 8 bytes before the first storage's data (the keys are sorted, so find it from the layout).
    new DataView(bytes.buffer).setUint32(first.dataOffset - 8, 7, true);
    const error = await importFailure(open('lying.pt', bytes));
    expect(error.message).toMatch(/storage \d+ holds 7 elements but its tensors were saved with 240|declares 7 elements/);
  });

  it('stops with an AbortError once cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const failure = await openTableFile(bytesByteSource(fixture('legacy_checkpoint.pt'), 'x.pt'), { signal: controller.signal }).catch((e: unknown) => e);
    expect(isAbortError(failure)).toBe(true);
  });
});
