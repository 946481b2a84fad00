import { describe, expect, it } from 'vitest';
import { bytesByteSource } from '../byteSource.ts';
import { openTableFile } from '../openTableFile.ts';
import { npyBytes, readAll, recordingByteSource, sampleValues, type NpyCode, importFailure } from '../../../test/support/testFixtures.ts';

const open = (bytes: Uint8Array, name = 'table.npy') => openTableFile(bytesByteSource(bytes, name));

describe('.npy dtypes and byte orders', () => {
  const cases: [NpyCode, string, number[], 'f32' | 'f64'][] = [
    ['f2', 'float16', [1.5, -2, 2 ** -14, 2 ** -24, 65504, -0.333251953125], 'f32'],
    ['f4', 'float32', [1.25, -3.5e-20, 3e38, 0.1, -7, 2], 'f32'],
    ['f8', 'float64', [0.1, -1e-300, Math.PI, 2 ** 60, -7, 1e308], 'f64'],
    ['i1', 'int8', [-128, 127, 0, -1, 5, 6], 'f32'],
    ['u1', 'uint8', [255, 0, 1, 2, 128, 7], 'f32'],
    ['i2', 'int16', [-32768, 32767, 1, -2, 3, 4], 'f32'],
    ['u2', 'uint16', [65535, 0, 1, 2, 3, 4], 'f32'],
    ['i4', 'int32', [-(2 ** 31), 2 ** 31 - 1, 16777217, -1, 0, 3], 'f64'],
    ['u4', 'uint32', [2 ** 32 - 1, 0, 16777217, 1, 2, 3], 'f64'],
    ['i8', 'int64', [-(2 ** 53) + 1, 2 ** 53 - 1, -1, 0, 2 ** 40, 3], 'f64'],
    ['u8', 'uint64', [2 ** 53 - 1, 0, 2 ** 32, 1, 2, 3], 'f64'],
    ['b1', 'bool', [1, 0, 0, 1, 1, 1], 'f32'],
  ];
  for (const [code, dtype, values, kind] of cases) {
    for (const bigEndian of [false, true]) {
      it(`${code} ${bigEndian ? 'big' : 'little'}-endian`, async () => {
        const table = await open(npyBytes(values, [3, 2], { dtype: code, bigEndian }));
        expect(table.format).toBe('npy');
        expect(table.tensors).toEqual([{ name: 'table', shape: [3, 2], dtype, analysable: true }]);
        const { blocks, values: read } = await readAll(table, 'table');
        expect(blocks[0].data).toBeInstanceOf(kind === 'f32' ? Float32Array : Float64Array);
        expect(read).toEqual(values.map((v) => (kind === 'f32' ? Math.fround(v) : v)));
      });
    }
  }

  it('float16 keeps infinities and NaN (the analysis excludes such rows)', async () => {
    const table = await open(npyBytes([Infinity, -Infinity, Number.NaN, 1], [2, 2], { dtype: 'f2' }));
    const { values } = await readAll(table, 'table');
    expect(values.slice(0, 2)).toEqual([Infinity, -Infinity]);
    expect(values[2]).toBeNaN();
  });
});

describe('.npy header versions', () => {
  it.each([1, 2, 3] as const)('reads format version %i.0', async (version) => {
    const values = sampleValues(12);
    const table = await open(npyBytes(values, [4, 3], { version }));
    expect(table.tensors[0].shape).toEqual([4, 3]);
    expect((await readAll(table, 'table')).values).toEqual(values.map(Math.fround));
  });

  it('refuses keys numpy does not write, as numpy does, even a bare __proto__ (no inherited lookups)', async () => {
    const extra = await importFailure(open(npyBytes([1, 2], [1, 2], { headerExtra: "'note': 'x', " })));
    expect(extra).toMatchObject({ code: 'bad-header' });
    expect(extra.message).toContain("its keys are 'descr', 'fortran_order', 'note', 'shape'");
    const text = new TextEncoder().encode("{'__proto__': {'descr': '<f4', 'fortran_order': False, 'shape': (1, 2)}}".padEnd(118, ' ') + '\n');
    const bytes = new Uint8Array(10 + text.length + 8);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length, 0]);
    bytes.set(text, 10);
    const proto = await importFailure(open(bytes));
    expect(proto).toMatchObject({ code: 'bad-header' });
    expect(proto.message).toContain("its keys are '__proto__'");
  });

  it('refuses a header longer than numpy allows, and nesting deep enough to exhaust a recursive parser, as bad headers', async () => {
    const long = npyBytes([1], [1, 1], { version: 2 });
    new DataView(long.buffer).setUint32(8, 4_000_000_000, true);
    const error = await importFailure(open(long));
    expect(error).toMatchObject({ code: 'bad-header' });
    expect(error.message).toContain('claims 4000000000 header bytes');
    const deep = npyBytes([1], [1, 1], { descr: '['.repeat(3000) + ']'.repeat(3000), version: 2 });
    const nested = await importFailure(open(deep));
    expect(nested).toMatchObject({ code: 'bad-header' });
    expect(nested.message).toContain('nested deeper than 32 levels');
  });

  it('rejects an unknown version', async () => {
    const bytes = npyBytes([1], [1, 1]);
    bytes[6] = 4;
    const error = await importFailure(open(bytes));
    expect(error.code).toBe('bad-header');
    expect(error.message).toContain('version 4.0');
  });
});

describe('.npy layouts', () => {
  it('streams C-order rows in blocks of chunkRows, consecutive, with growing bytesDone', async () => {
    const values = sampleValues(7 * 5);
    const bytes = npyBytes(values, [7, 5], { dtype: 'f8' });
    const src = recordingByteSource(bytes, 't.npy');
    const table = await openTableFile(src);
    src.reads.length = 0;
    const { blocks, values: read } = await readAll(table, 't', { chunkRows: 3 });
    expect(read).toEqual(values);
    expect(blocks.map((b) => [b.startRow, b.rows, b.dim])).toEqual([
      [0, 3, 5],
      [3, 3, 5],
      [6, 1, 5],
    ]);
    expect(blocks.map((b) => b.bytesDone)).toEqual([128 + 3 * 40, 128 + 6 * 40, bytes.length]);
    expect(src.reads.every((r) => r.length <= 3 * 40)).toBe(true);
  });

  it('reads Fortran order per column slice and yields the same row-major values', async () => {
    const values = sampleValues(9 * 4, 3);
    const fortran = npyBytes(values, [9, 4], { fortran: true, dtype: 'f8', bigEndian: true });
    const src = recordingByteSource(fortran, 'f.npy');
    const table = await openTableFile(src);
    src.reads.length = 0;
    const { blocks, values: read } = await readAll(table, 'f', { chunkRows: 4 });
    expect(read).toEqual(values);
    expect(blocks.map((b) => b.rows)).toEqual([4, 4, 1]);
    // One read per column per block, each only that block's rows of the column.
    expect(src.reads).toHaveLength(3 * 4);
    expect(src.reads.every((r) => r.length <= 4 * 8)).toBe(true);
  });

  it('reads a Fortran-order float16 table', async () => {
    const values = [1, 2, 3, 4, 5, 6].map((v) => v / 4);
    const table = await open(npyBytes(values, [2, 3], { fortran: true, dtype: 'f2' }));
    expect((await readAll(table, 'table', { chunkRows: 1 })).values).toEqual(values);
  });

  it('lists 0-D, 1-D and 3-D arrays as not analysable and refuses to read them', async () => {
    const cases: [number[], string][] = [
      [[3000], '1-D array of shape (3000,): an embedding table is 2-D (rows x dim)'],
      [[4, 5, 6], '3-D array of shape (4, 5, 6): an embedding table is 2-D (rows x dim)'],
      [[], '0-D array (a scalar): an embedding table is 2-D (rows x dim)'],
    ];
    for (const [shape, reason] of cases) {
      const count = shape.reduce((a, b) => a * b, 1);
      const table = await open(npyBytes(new Array(count).fill(1), shape), 'emb.npy');
      expect(table.tensors[0]).toMatchObject({ shape, analysable: false, reason });
      const error = await importFailure(readAll(table, 'emb'));
      expect(error.code).toBe('not-2d');
      expect(error.message).toBe(`emb.npy is a ${reason}`);
    }
  });

  it('lists an array with no rows as not analysable', async () => {
    const table = await open(npyBytes([], [0, 8]));
    expect(table.tensors[0]).toMatchObject({ analysable: false, reason: 'empty array of shape (0, 8): it has no values' });
    expect((await importFailure(readAll(table, 'table'))).code).toBe('empty');
  });
});

describe('.npy errors', () => {
  it('names the promised and the present sizes of a truncated file', async () => {
    const bytes = npyBytes(new Array(3000 * 32).fill(0.5), [3000, 32]);
    const error = await importFailure(open(bytes.subarray(0, 128 + 200000), 'collapsed.npy'));
    expect(error.code).toBe('truncated');
    expect(error.message).toBe('collapsed.npy is truncated: the header promises 3000 x 32 float32 (384000 bytes) but the file holds 200000');
    expect(error.fix).toBe('Re-export the file; it was cut off');
  });

  it('reports a header cut off, or longer than the file, as truncated', async () => {
    const bytes = npyBytes([1, 2], [1, 2]);
    expect((await importFailure(open(bytes.subarray(0, 8)))).code).toBe('truncated');
    expect((await importFailure(open(bytes.subarray(0, 60)))).code).toBe('truncated');
  });

  it.each([
    ["'|O'", 'Python object values'],
    ["'<c8'", 'complex64 values'],
    ["[('a', '<f4'), ('b', '<i4')]", 'structured (record) values'],
    ["'<U10'", 'unicode string values'],
    ["'<M8[ns]'", 'datetime values'],
    ["'<f16'", "floating-point values (dtype '<f16')"],
  ])('refuses dtype %s as unsupported', async (descr, what) => {
    const error = await importFailure(open(npyBytes([], [0], { descr }), 'odd.npy'));
    expect(error.code).toBe('unsupported-dtype');
    expect(error.message).toContain(`odd.npy holds ${what}`);
  });

  it.each([
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2}", "expected ',' or ')'"],
    ["{'descr': '<f4', 'fortran_order': False}", "'shape' is missing"],
    ["{'descr': '<f4', 'shape': (3,)}", "'fortran_order' is missing"],
    ["{'fortran_order': False, 'shape': (3,)}", "'descr' is missing"],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (-3, 2)}", 'non-negative integers'],
    ["['not', 'a', 'dict']", 'it is not a dict'],
  ])('rejects the malformed header %s', async (dict, what) => {
    const text = new TextEncoder().encode(dict.padEnd(118, ' ') + '\n');
    const bytes = new Uint8Array(10 + text.length);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length, 0]);
    bytes.set(text, 10);
    const error = await importFailure(open(bytes));
    expect(error.code).toBe('bad-header');
    expect(error.message).toContain(what);
  });

  it('rejects a shape whose byte size is beyond 2^53 as a bad header, before any size check', async () => {
    const error = await importFailure(open(npyBytes([], [2 ** 40, 2 ** 20])));
    expect(error.code).toBe('bad-header');
    expect(error.message).toContain('(1099511627776, 1048576)');
  });

  it('names the missing magic of a damaged .npy', async () => {
    const error = await importFailure(open(new TextEncoder().encode('not numpy at all'), 'x.npy'));
    expect(error.code).toBe('bad-header');
  });
});

describe('.npy cancellation', () => {
  it('stops between blocks when the signal fires', async () => {
    const table = await open(npyBytes(sampleValues(100), [50, 2]));
    const controller = new AbortController();
    let blocks = 0;
    const run = async () => {
      for await (const block of table.readRows('table', { chunkRows: 10, signal: controller.signal })) {
        blocks += block.rows > 0 ? 1 : 0;
        if (blocks === 2) controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError', message: 'Cancelled' });
    expect(blocks).toBe(2);
  });

  it('reads nothing once already aborted', async () => {
    const src = recordingByteSource(npyBytes(sampleValues(4), [2, 2]), 'a.npy');
    const table = await openTableFile(src);
    src.reads.length = 0;
    const signal = AbortSignal.abort();
    await expect(readAll(table, 'a', { signal })).rejects.toBeInstanceOf(DOMException);
    expect(src.reads).toEqual([]);
  });
});
