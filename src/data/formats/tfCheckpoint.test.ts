import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeTableFile } from '../../analysis/analyzeTable.ts';
import { bytesByteSource, type ByteSource } from '../byteSource.ts';
import { isAbortError } from '../abort.ts';
import { openTableFile } from '../openTableFile.ts';
import { importFailure, readAll } from '../../../test/support/testFixtures.ts';

/**
 * real.ckpt.*: written by tf.train.Saver (MattChubb/tensorflow-houseprices); written.ckpt.*: two
 * shards written byte for byte per TensorFlow's table_builder and tensor_bundle by
 * scripts/tfCheckpointFixtures.py, which also read every value with numpy into expected.json.
 */
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../test/tfcheckpoint/${name}`, import.meta.url)));
type Expected = Record<string, { shards: number; tensors: Record<string, { dtype_code: number; shape: number[]; values?: number[]; recscope_ia?: number }> }>;
const expected = JSON.parse(readFileSync(new URL('../../../test/tfcheckpoint/expected.json', import.meta.url), 'utf8')) as Expected;
const DTYPES: Record<number, string> = { 1: 'float32', 2: 'float64', 9: 'int64', 19: 'float16', 7: 'unsupported' };

/** The checkpoint's index, with its data shards found by name among `files` (as a picker or the CLI gives them). */
function open(prefix: string, files = shardNames(prefix), index = fixture(`${prefix}.index`)) {
  const given = new Map<string, ByteSource>(files.map((f) => [f, bytesByteSource(fixture(f), f)]));
  return openTableFile(bytesByteSource(index, `${prefix}.index`), { companion: async (name) => given.get(name) });
}
const shardNames = (prefix: string) =>
  Array.from(
    { length: expected[prefix].shards },
    (_, i) => `${prefix}.data-${String(i).padStart(5, '0')}-of-${String(expected[prefix].shards).padStart(5, '0')}`,
  );

describe('TensorFlow checkpoints', () => {
  for (const prefix of ['real.ckpt', 'written.ckpt']) {
    it(`${prefix}: every tensor by name, dtype and shape; 2-D values exactly as numpy reads them`, async () => {
      const table = await open(prefix);
      expect(table.format).toBe('tfcheckpoint');
      const want = expected[prefix].tensors;
      expect(table.tensors.map((t) => t.name)).toEqual(Object.keys(want));
      for (const [name, w] of Object.entries(want)) {
        const info = table.tensors.find((t) => t.name === name)!;
        expect(info.shape, name).toEqual(w.shape);
        expect(info.dtype, name).toBe(DTYPES[w.dtype_code]);
        expect(info.analysable, name).toBe(w.values !== undefined);
        if (w.values) expect((await readAll(table, name, { chunkRows: 3 })).values, name).toEqual(w.values);
      }
    });
  }

  it('reads the shards apart: IA as numpy computes it; the collapsed item table has far less than the user table', async () => {
    const table = await open('written.ckpt');
    const names = ['model/user_embedding/.ATTRIBUTES/VARIABLE_VALUE', 'model/item_embedding/.ATTRIBUTES/VARIABLE_VALUE'];
    const result = await analyzeTableFile(table, { tensors: names, mode: 'recscope' });
    result.fields.forEach((f, i) => expect(Math.abs(f.information_abundance - expected['written.ckpt'].tensors[names[i]].recscope_ia!)).toBeLessThan(1e-6));
    expect(result.fields[1].information_abundance).toBeLessThan(result.fields[0].information_abundance / 2);
    expect(table.tensors.find((t) => t.name === '_CHECKPOINTABLE_OBJECT_GRAPH')!.reason).toMatch(/strings/);
  });

  it('a lone index or a lone data shard names the file to add', async () => {
    const lone = await importFailure(open('written.ckpt', ['written.ckpt.data-00000-of-00002']));
    expect(lone.message).toBe('written.ckpt.index lists the tensors, but their values are in written.ckpt.data-00001-of-00002, which was not given with it');
    expect(lone.fix).toMatch(/together with written\.ckpt\.data-00001-of-00002 and the other 1 data shard/);
    const shard = await importFailure(openTableFile(bytesByteSource(fixture('real.ckpt.data-00000-of-00001'), 'model.ckpt.data-00000-of-00001')));
    expect(shard.message).toMatch(/values, but their names and shapes are in model\.ckpt\.index$/);
  });

  it('damaged files name their problem', async () => {
    const index = fixture('real.ckpt.index');
    const cut = await importFailure(open('real.ckpt', undefined, index.subarray(0, index.length - 20)));
    expect(cut.message).toMatch(/^real\.ckpt\.index is not a valid TensorFlow checkpoint index: it does not end with the table magic number/);
    const snappy = index.slice();
    snappy[974 + 15] = 1; // the index block's compression byte (footer: index block at 974, 15 bytes)
    expect((await importFailure(open('real.ckpt', undefined, snappy))).message).toMatch(/Snappy-compressed/);
    // A shard cut short (Variable_2's entry: offset 10808, size 2000): tensors past its end are listed, unreadable, with why.
    const given = new Map([
      ['real.ckpt.data-00000-of-00001', bytesByteSource(fixture('real.ckpt.data-00000-of-00001').subarray(0, 10000), 'real.ckpt.data-00000-of-00001')],
    ]);
    const short = await openTableFile(bytesByteSource(index, 'real.ckpt.index'), { companion: async (n) => given.get(n) });
    expect(short.tensors.find((t) => t.name === 'Variable')!.analysable).toBe(true);
    expect(short.tensors.find((t) => t.name === 'Variable_2')!.reason).toMatch(
      /^lies at bytes 10808\.\.12808 of real\.ckpt\.data-00000-of-00001, which has only 10000$/,
    );
    const text = await importFailure(openTableFile(bytesByteSource(new TextEncoder().encode('not a table, just words '.repeat(4)), 'notes.index')));
    expect(text.message).toMatch(/^notes\.index is not a valid TensorFlow checkpoint index/);
  });

  it('checksums: a changed byte in an index block or in a tensor is named as damage', async () => {
    const index = fixture('real.ckpt.index');
    const renamed = index.slice();
    renamed[0x10] ^= 0x01; // inside the first data block ("Variable")
    expect((await importFailure(open('real.ckpt', undefined, renamed))).message).toBe(
      'real.ckpt.index is not a valid TensorFlow checkpoint index: its data block at byte 0 does not match its checksum (CRC32C): the file is damaged',
    );
    const shard = fixture('real.ckpt.data-00000-of-00001').slice();
    shard[10808 + 7] ^= 0x40; // inside Variable_2 (offset 10808, 2000 bytes)
    const given = new Map([['real.ckpt.data-00000-of-00001', bytesByteSource(shard, 'real.ckpt.data-00000-of-00001')]]);
    const table = await openTableFile(bytesByteSource(index, 'real.ckpt.index'), { companion: async (n) => given.get(n) });
    expect((await readAll(table, 'Variable', { chunkRows: 3 })).values).toEqual(expected['real.ckpt'].tensors.Variable.values);
    const damaged = await importFailure(readAll(table, 'Variable_2', { chunkRows: 7 }));
    expect(damaged.message).toBe('tensor Variable_2 in real.ckpt.index does not match its checksum (CRC32C): real.ckpt.data-00000-of-00001 is damaged');
  });

  it('stops with an AbortError once cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const failure = await openTableFile(bytesByteSource(fixture('real.ckpt.index'), 'real.ckpt.index'), { signal: controller.signal }).catch((e: unknown) => e);
    expect(isAbortError(failure)).toBe(true);
  });
});
