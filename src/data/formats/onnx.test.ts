import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeTableFile } from '../../analysis/analyzeTable.ts';
import { bytesByteSource } from '../byteSource.ts';
import { isAbortError } from '../abort.ts';
import { openTableFile } from '../openTableFile.ts';
import { importFailure, readAll } from '../../../test/support/testFixtures.ts';

/** Written by scripts/onnxFixtures.py (torch.onnx.export and onnx.helper from Debian's packages), with numpy's values. */
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../test/onnx/${name}`, import.meta.url)));
type Expected = Record<string, { shape: number[]; dtype: string; external: boolean; values?: number[]; recscope_ia?: number }>;
const expected = JSON.parse(readFileSync(new URL('../../../test/onnx/expected.json', import.meta.url), 'utf8')) as { files: Record<string, Expected> };
const open = (name: string, bytes = fixture(name)) => openTableFile(bytesByteSource(bytes, name));

describe('ONNX initializers', () => {
  it('a model torch.onnx.export wrote: every initializer by name, values exact, IA as numpy computes it', async () => {
    const table = await open('exported.onnx');
    expect(table.format).toBe('onnx');
    const want = expected.files['exported.onnx'];
    expect(table.tensors.map((t) => t.name)).toEqual(Object.keys(want));
    for (const [name, w] of Object.entries(want)) {
      const info = table.tensors.find((t) => t.name === name)!;
      expect(info.shape, name).toEqual(w.shape);
      expect(info.dtype, name).toBe(w.dtype);
      expect(info.analysable, name).toBe(w.shape.length === 2);
      if (w.shape.length === 2) expect((await readAll(table, name, { chunkRows: 7 })).values, name).toEqual(w.values!.map(Math.fround));
    }
    const names = ['user_embedding.weight', 'item_embedding.weight'];
    const result = await analyzeTableFile(table, { tensors: names, mode: 'recscope' });
    result.fields.forEach((f, i) => expect(Math.abs(f.information_abundance - want[names[i]].recscope_ia!)).toBeLessThan(1e-6));
    expect(result.fields[1].information_abundance).toBeLessThan(result.fields[0].information_abundance / 2);
  });

  it('typed fields (float_data, double_data, int32_data float16, int64_data) and raw float16 decode as numpy does', async () => {
    const table = await open('typed.onnx');
    const want = expected.files['typed.onnx'];
    for (const name of ['table_float_data', 'table_double_data', 'half_int32_data', 'ids_int64_data', 'half_raw']) {
      const info = table.tensors.find((t) => t.name === name)!;
      expect(info, name).toMatchObject({ shape: want[name].shape, dtype: want[name].dtype, analysable: true });
      const values = (await readAll(table, name, { chunkRows: 2 })).values;
      const exact = want[name].dtype === 'float32' ? want[name].values!.map(Math.fround) : want[name].values!;
      expect(values, name).toEqual(exact);
    }
    expect(table.tensors.find((t) => t.name === 'bias')).toMatchObject({ shape: [7], analysable: false });
    expect(table.tensors.find((t) => t.name === 'outside')).toMatchObject({ analysable: false, reason: expect.stringMatching(/external data file/) });
  });

  it('damaged models name their problem; a file that is not protobuf is refused', async () => {
    const bytes = fixture('exported.onnx');
    const cut = await importFailure(open('cut.onnx', bytes.subarray(0, bytes.length - 50)));
    expect(cut.code).toBe('bad-header');
    expect(cut.message).toMatch(/^cut\.onnx is not a valid ONNX model: field \d+ at byte \d+ claims \d+ bytes, past the end/);
    const text = await importFailure(open('notes.onnx', new TextEncoder().encode('this is not a model\n')));
    expect(text.message).toMatch(/^notes\.onnx is not a valid ONNX model/);
    // A raw_data length that disagrees with the shape: the tensor is listed, unreadable, with why.
    const table = await open('exported.onnx');
    const layout = table.rowLayout!('user_embedding.weight')!;
    const lying = bytes.slice();
    // dims are written before raw_data: the first dim (50, varint 0x32) becomes 49 (0x31).
    const dimAt = lying.lastIndexOf(0x32, layout.dataOffset);
    lying[dimAt] = 0x31;
    const bad = await open('lying.onnx', lying);
    expect(bad.tensors.find((t) => t.name === 'user_embedding.weight')!.reason).toMatch(/holds 1600 bytes of data but shape \(49, 8\) of float32 needs 1568/);
  });

  it('stops with an AbortError once cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const failure = await openTableFile(bytesByteSource(fixture('exported.onnx'), 'x.onnx'), { signal: controller.signal }).catch((e: unknown) => e);
    expect(isAbortError(failure)).toBe(true);
  });
});
