import { describe, expect, it } from 'vitest';
import { bytesByteSource } from '../byteSource.ts';
import { openTableFile } from '../openTableFile.ts';
import { npyBytes, npzBytes, readAll, recordingByteSource, sampleValues, importFailure } from '../../../test/support/testFixtures.ts';
import { inflateRange } from './inflateRange.ts';
import { MAX_WHOLE_INFLATE_BYTES } from './npz.ts';
import { readZipDirectory } from './zipDirectory.ts';

const open = (bytes: Uint8Array, name = 'tables.npz') => openTableFile(bytesByteSource(bytes, name));

const userValues = sampleValues(10 * 4, 5);
const itemValues = sampleValues(6 * 3, 6);
function members() {
  return {
    user: npyBytes(userValues, [10, 4]),
    item: npyBytes(itemValues, [6, 3], { dtype: 'f8', fortran: true }),
    counts: npyBytes([1, 2, 3], [3], { dtype: 'i8' }),
    cube: npyBytes(new Array(8).fill(0), [2, 2, 2], { dtype: 'f2' }),
  };
}

describe('.npz', () => {
  for (const variant of [{}, { deflate: true }, { zip64: true }, { zip64: true, deflate: true }]) {
    it(`lists and reads every member (${JSON.stringify(variant)})`, async () => {
      const table = await open(npzBytes(members(), variant));
      expect(table.format).toBe('npz');
      expect(table.tensors).toEqual([
        { name: 'user', shape: [10, 4], dtype: 'float32', analysable: true },
        { name: 'item', shape: [6, 3], dtype: 'float64', analysable: true },
        {
          name: 'counts',
          shape: [3],
          dtype: 'int64',
          analysable: false,
          reason: '1-D array of shape (3,): an embedding table is 2-D (rows x dim)',
        },
        {
          name: 'cube',
          shape: [2, 2, 2],
          dtype: 'float16',
          analysable: false,
          reason: '3-D array of shape (2, 2, 2): an embedding table is 2-D (rows x dim)',
        },
      ]);
      const user = await readAll(table, 'user', { chunkRows: 3 });
      expect(user.values).toEqual(userValues.map(Math.fround));
      expect(user.blocks.map((b) => b.startRow)).toEqual([0, 3, 6, 9]);
      expect((await readAll(table, 'item', { chunkRows: 4 })).values).toEqual(itemValues);
      const error = await importFailure(readAll(table, 'cube'));
      expect(error).toMatchObject({
        code: 'not-2d',
        message: 'cube.npy in tables.npz is a 3-D array of shape (2, 2, 2): an embedding table is 2-D (rows x dim)',
      });
    });
  }

  it('refuses a directory claiming more members or bytes than the limits before reading it', async () => {
    // ZIP64 end record: total entries at +32, directory size at +40.
    const patched = (at: number, value: bigint) => {
      const zip = npzBytes(members(), { zip64: true });
      const view = new DataView(zip.buffer);
      const record = zip.findIndex((_, i) => i + 4 <= zip.length && view.getUint32(i, true) === 0x06064b50);
      view.setBigUint64(record + at, value, true);
      return zip;
    };
    const many = await importFailure(open(patched(32, 200_000n)));
    expect(many).toMatchObject({ code: 'too-large', message: expect.stringContaining('lists 200000 members') });
    const huge = await importFailure(open(patched(40, 2n ** 31n)));
    expect(huge).toMatchObject({ code: 'too-large', message: expect.stringContaining('a 2147483648-byte zip directory') });
  });

  it('parses the ZIP64 end records and extra fields', async () => {
    const entries = await readZipDirectory(bytesByteSource(npzBytes(members(), { zip64: true }), 'z.npz'));
    expect(entries.map((e) => [e.name, e.method, e.size === e.compressedSize])).toEqual([
      ['user.npy', 0, true],
      ['item.npy', 0, true],
      ['counts.npy', 0, true],
      ['cube.npy', 0, true],
    ]);
    expect(entries[1].localHeaderOffset).toBe(30 + 8 + 20 + entries[0].compressedSize);
  });

  it('streams a stored member with ranged reads, never the whole member', async () => {
    const values = sampleValues(200 * 8);
    const bytes = npzBytes({ big: npyBytes(values, [200, 8]) });
    const src = recordingByteSource(bytes, 'big.npz');
    const table = await openTableFile(src);
    src.reads.length = 0;
    const { values: read, blocks } = await readAll(table, 'big', { chunkRows: 64 });
    expect(read).toEqual(values.map(Math.fround));
    expect(src.reads.every((r) => r.length <= 64 * 8 * 4)).toBe(true);
    expect(blocks.at(-1)!.bytesDone).toBe(128 + 200 * 8 * 4);
  });

  it('streams a deflated member larger than one compressed slice, reporting compressed progress', async () => {
    const values = sampleValues(40000 * 4, 9);
    const bytes = npzBytes({ big: npyBytes(values, [40000, 4]) }, { deflate: true });
    expect(bytes.length).toBeGreaterThan(2 * 262144); // several compressed slices
    const table = await open(bytes);
    const { values: read, blocks } = await readAll(table, 'big', { chunkRows: 5000 });
    expect(read.length).toBe(values.length);
    expect(read).toEqual(values.map(Math.fround));
    const progress = blocks.map((b) => b.bytesDone);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[0]).toBeLessThan(progress.at(-1)!);
    expect(progress.at(-1)!).toBeLessThan(bytes.length);
  });

  it('lists a member of unsupported dtype as not analysable without failing the file', async () => {
    const table = await open(npzBytes({ ok: npyBytes([1, 2], [1, 2]), names: npyBytes([], [0], { descr: "'<U8'" }) }));
    expect(table.tensors[1]).toMatchObject({ name: 'names', analysable: false, dtype: 'unsupported' });
    expect((await importFailure(readAll(table, 'names'))).code).toBe('unsupported-dtype');
    expect((await readAll(table, 'ok')).values).toEqual([1, 2]);
  });

  it('lists a member of an unknown compression method as not analysable', async () => {
    const bytes = npzBytes({ a: npyBytes([1, 2], [1, 2]), b: npyBytes([3, 4], [1, 2]) });
    const v = new DataView(bytes.buffer);
    const central = bytes.findIndex((_, i) => i + 4 <= bytes.length && v.getUint32(i, true) === 0x02014b50);
    v.setUint16(central + 10, 12, true); // bzip2, as the directory records it for member a
    const table = await open(bytes);
    expect(table.tensors[0]).toMatchObject({
      name: 'a',
      analysable: false,
      reason: 'a.npy in tables.npz cannot be read: it uses zip compression method 12 (only stored and deflate are supported)',
    });
    expect((await readAll(table, 'b')).values).toEqual([3, 4]);
  });

  it('reports a cut-off archive as truncated', async () => {
    const bytes = npzBytes(members());
    const error = await importFailure(open(bytes.subarray(0, bytes.length - 30)));
    expect(error).toMatchObject({ code: 'truncated' });
    expect(error.message).toContain('tables.npz is truncated');
  });

  it('reports a member whose .npy data is shorter than its header promises as truncated', async () => {
    const member = npyBytes(sampleValues(40), [10, 4]);
    const error = await importFailure(open(npzBytes({ t: member.subarray(0, member.length - 4) })));
    expect(error).toMatchObject({
      code: 'truncated',
      message: 't.npy in tables.npz is truncated: the header promises 10 x 4 float32 (160 bytes) but the file holds 156',
    });
  });

  it('refuses an archive with no .npy members', async () => {
    const error = await importFailure(open(npzBytes({})));
    expect(error).toMatchObject({ code: 'empty', message: 'tables.npz holds no .npy arrays' });
  });

  it('refuses, before inflating it, a deflated Fortran-order member larger than the whole-inflate limit (a deflate bomb)', async () => {
    // 16,384 x 4,097 float32 in column order (256 MB + 64 kB). Only the header is deflated here, and the
    // zip's uncompressed sizes are set to the whole member's: the reader must refuse from the header alone.
    const rows = 16_384;
    const dim = MAX_WHOLE_INFLATE_BYTES / 4 / rows + 1;
    const header = npyBytes([], [rows, dim], { fortran: true });
    const zip = npzBytes({ big: header }, { deflate: true });
    const view = new DataView(zip.buffer);
    for (let at = 0; at + 4 <= zip.length; at++) {
      const signature = view.getUint32(at, true);
      if (signature === 0x04034b50) view.setUint32(at + 22, header.length + rows * dim * 4, true);
      if (signature === 0x02014b50) view.setUint32(at + 24, header.length + rows * dim * 4, true);
    }
    const table = await open(zip, 'bomb.npz');
    expect(table.tensors[0]).toMatchObject({ name: 'big', analysable: false });
    expect(table.tensors[0].reason).toContain('big.npy in bomb.npz is a compressed column-major (Fortran-order) array of 256 MB');
    const error = await importFailure(readAll(table, 'big'));
    expect(error).toMatchObject({ code: 'too-large' });
    expect(error.fix).toContain('np.ascontiguousarray');
  });

  it('cancels a deflated read between blocks', async () => {
    const table = await open(npzBytes({ t: npyBytes(sampleValues(400), [100, 4]) }, { deflate: true }));
    const controller = new AbortController();
    const run = async () => {
      for await (const block of table.readRows('t', { chunkRows: 10, signal: controller.signal })) {
        if (block.startRow === 20) controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('inflateRange', () => {
  it('turns damaged DEFLATE data into a read-failed ImportError', async () => {
    const src = bytesByteSource(new Uint8Array([0xff, 0xff, 0xff, 0xff]), 'bad.npz');
    const run = async () => {
      for await (const chunk of inflateRange(src, 0, 4, 'x.npy in bad.npz', { bytes: 0 })) void chunk;
    };
    await expect(run()).rejects.toMatchObject({ code: 'read-failed' });
  });
});
