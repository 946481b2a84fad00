import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referenceSets } from '../../test/support/referenceFiles.ts';
import { bytesByteSource, type ByteSource } from './byteSource.ts';
import { checkFieldDims, parseFieldDims } from './fieldDims.ts';
import { ImportError } from './importError.ts';
import { nodeByteSource } from './nodeByteSource.ts';
import { openTableFile } from './openTableFile.ts';
import type { TableFile } from './tableFile.ts';
import { npyBytes, npzBytes, readAll, safetensorsBytes, sampleValues, textSource, importFailure } from '../../test/support/testFixtures.ts';

describe('openTableFile format detection', () => {
  const npy = npyBytes([1, 2, 3, 4], [2, 2]);
  it('goes by magic bytes first, whatever the name', async () => {
    expect((await openTableFile(bytesByteSource(npy, 'weights.bin'))).format).toBe('npy');
    expect((await openTableFile(bytesByteSource(npzBytes({ a: npy }), 'weights.dat'))).format).toBe('npz');
    const st = safetensorsBytes([{ name: 'w', dtype: 'F32', shape: [2, 2], values: [1, 2, 3, 4] }]);
    expect((await openTableFile(bytesByteSource(st, 'model.bin'))).format).toBe('safetensors');
    expect((await openTableFile(bytesByteSource(npy, 'table.csv'))).format).toBe('npy');
  });

  it('then by extension for text tables', async () => {
    expect((await openTableFile(textSource('1\t2\n', 'a.tsv'))).format).toBe('tsv');
    expect((await openTableFile(textSource('1\t2\n', 'a.TXT'))).format).toBe('tsv');
    expect((await openTableFile(textSource('1,2\n', 'a.csv'))).format).toBe('csv');
  });

  it('honours an explicit format', async () => {
    const table = await openTableFile(textSource('1,2\n3,4\n', 'export'), { format: 'csv' });
    expect((await readAll(table, 'export')).values).toEqual([1, 2, 3, 4]);
  });

  it('refuses anything else with a fix', async () => {
    const error = await importFailure(openTableFile(textSource('hello', 'xyz.bin')));
    expect(error).toBeInstanceOf(ImportError);
    expect(error).toMatchObject({
      code: 'unsupported-format',
      fix: 'Export the table as .npy, .npz, .safetensors, TSV or CSV',
    });
    expect(error.message).toMatch(/^xyz\.bin is not a supported format /);
  });

  it('names a behaviour-sequence file and sends it to the Sequences tab', async () => {
    const taobao = await importFailure(openTableFile(textSource('1,2268318,2520377,pv,1511544070\n', 'UserBehavior.csv')));
    expect(taobao).toMatchObject({ code: 'unsupported-format', fix: 'Open it in the Sequences tab (or run `reclens correlation` on it)' });
    expect(taobao.message).toBe("UserBehavior.csv is Taobao's UserBehavior.csv: behaviour sequences, not an embedding table");
    const gz = readFileSync(new URL('../../public/datasets/synthetic-sequences.csv.gz', import.meta.url));
    expect((await importFailure(openTableFile(bytesByteSource(gz, 'synthetic-sequences.csv.gz')))).message).toMatch(/is a sequence-sample CSV: /);
  });

  it('refuses an empty file', async () => {
    expect(await importFailure(openTableFile(bytesByteSource(new Uint8Array(0), 'a.npy')))).toMatchObject({
      code: 'empty',
      message: 'a.npy is empty (0 bytes)',
    });
  });

  it('calls a binary extension with the wrong bytes damaged', async () => {
    expect(await importFailure(openTableFile(textSource('1,2,3', 'table.npz')))).toMatchObject({ code: 'bad-header' });
    expect(await importFailure(openTableFile(textSource('1,2,3', 'table.safetensors')))).toMatchObject({ code: 'truncated' });
  });

  it('attaches metadata labels to a binary table and checks their count', async () => {
    const meta = textSource('Name\tGenre\nalpha\tx\nbeta\ty\n', 'meta.tsv');
    expect((await openTableFile(bytesByteSource(npy, 't.npy'), { metadata: meta })).labels).toEqual(['alpha', 'beta']);
    const wrong = await importFailure(openTableFile(bytesByteSource(npy, 't.npy'), { metadata: textSource('a\nb\nc\n', 'm.tsv') }));
    expect(wrong).toMatchObject({ code: 'shape-mismatch', message: 'the metadata has 3 labels but t.npy has 2 rows' });
  });

  it('turns a failing source into read-failed, and an unknown tensor into no-tensor-selected', async () => {
    const flaky: ByteSource = { name: 'f.npy', size: 100, read: () => Promise.reject(Object.assign(new Error('disk gone'), { code: 'EIO' })) };
    expect(await importFailure(openTableFile(flaky))).toMatchObject({ code: 'read-failed', message: 'f.npy could not be read: disk gone' });
    const table = await openTableFile(bytesByteSource(npy, 't.npy'));
    expect(await importFailure(readAll(table, 'nope'))).toMatchObject({ code: 'no-tensor-selected' });
  });

  it('leaves a bug in a reader as the bug it is, not as a failed read with the wrong fix', async () => {
    const buggy: ByteSource = { name: 'f.npy', size: 100, read: () => Promise.reject(new TypeError('x.parse is not a function')) };
    await expect(openTableFile(buggy)).rejects.toBeInstanceOf(TypeError);
  });
});

// ---- The reference files: test/reference (committed), and ../shared/reference when it is beside the checkout.

async function withReference<T>(dir: string, file: string, check: (table: TableFile, raw: Uint8Array) => Promise<T>): Promise<T> {
  const src = await nodeByteSource(dir + file);
  try {
    return await check(await openTableFile(src), readFileSync(dir + file));
  } finally {
    await src.close();
  }
}

/** Every value of a tensor, checking the blocks are consecutive and all finite. */
async function allValues(table: TableFile, tensor: string, rows: number, dim: number): Promise<number[]> {
  const { blocks, values } = await readAll(table, tensor, { chunkRows: 777 });
  let next = 0;
  for (const block of blocks) {
    expect([block.startRow, block.dim]).toEqual([next, dim]);
    next += block.rows;
  }
  expect(values).toHaveLength(rows * dim);
  expect(values.every(Number.isFinite)).toBe(true);
  return values;
}

/** Independent first-row decoding straight from the file bytes. */
function firstRow(raw: Uint8Array, dataOffset: number, dim: number, itemSize: 2 | 4 | 8): number[] {
  const v = new DataView(raw.buffer, raw.byteOffset + dataOffset);
  return Array.from({ length: dim }, (_, i) => {
    if (itemSize === 4) return v.getFloat32(4 * i, true);
    if (itemSize === 8) return v.getFloat64(8 * i, true);
    const h = v.getUint16(2 * i, true);
    const e = (h >> 10) & 31;
    const m = h & 1023;
    const magnitude = e === 0 ? m / 16777216 : Math.pow(2, e - 15) * (1 + m / 1024);
    return h & 0x8000 ? -magnitude : magnitude;
  });
}

const npyDataOffset = (raw: Uint8Array) => 10 + (raw[8] | (raw[9] << 8));

describe.each(referenceSets())('reference files in $label', ({ dir, cases }) => {
  const singleTables: [string, string, 2 | 4 | 8][] = [
    ['healthy_f32.npy', 'float32', 4],
    ['collapsed_f32.npy', 'float32', 4],
    ['collapsed_f64.npy', 'float64', 8],
    ['collapsed_f16.npy', 'float16', 2],
  ];
  for (const [file, dtype, itemSize] of singleTables) {
    it(`reads ${file}`, async () => {
      const { rows, dim } = cases[file].fields.table;
      await withReference(dir, file, async (table, raw) => {
        expect(table.tensors).toEqual([{ name: file.replace('.npy', ''), shape: [rows, dim], dtype, analysable: true }]);
        const values = await allValues(table, table.tensors[0].name, rows, dim);
        expect(values.slice(0, dim)).toEqual(firstRow(raw, npyDataOffset(raw), dim, itemSize));
      });
    });
  }

  it('reads the Fortran-order file as exactly the matrix of collapsed_f32.npy', async () => {
    // The two files hold one matrix: numpy found identical singular values for both.
    const { rows, dim, singular_values_raw: singularValues } = cases['collapsed_f32_fortran.npy'].fields.table;
    expect(singularValues).toEqual(cases['collapsed_f32.npy'].fields.table.singular_values_raw);
    const c = await withReference(dir, 'collapsed_f32.npy', (t) => allValues(t, 'collapsed_f32', rows, dim));
    const f = await withReference(dir, 'collapsed_f32_fortran.npy', async (table, raw) => {
      expect(table.tensors[0]).toMatchObject({ shape: [rows, dim], dtype: 'float32', analysable: true });
      const values = await allValues(table, 'collapsed_f32_fortran', rows, dim);
      // Column-major: element (0, j) sits at j * rows.
      const v = new DataView(raw.buffer, raw.byteOffset + npyDataOffset(raw));
      expect(values.slice(0, dim)).toEqual(Array.from({ length: dim }, (_, j) => v.getFloat32(4 * j * rows, true)));
      return values;
    });
    expect(f).toEqual(c);
  });

  const { field_dims: fieldDims, fields: concatFields } = cases['fields_concat.npy'];
  const concatRows = fieldDims!.reduce((a, b) => a + b, 0);
  const concatDim = concatFields.field_0.dim;

  it('reads fields_concat.npy and splits it with the field_dims of expected.json', async () => {
    expect(parseFieldDims(JSON.stringify({ field_dims: fieldDims }))).toEqual(fieldDims);
    expect(fieldDims!.map((_, i) => concatFields[`field_${i}`].rows)).toEqual(fieldDims);
    await withReference(dir, 'fields_concat.npy', async (table, raw) => {
      expect(table.tensors[0]).toMatchObject({ name: 'fields_concat', shape: [concatRows, concatDim], dtype: 'float32' });
      expect(() => checkFieldDims(fieldDims!, table.tensors[0].shape[0])).not.toThrow();
      const values = await allValues(table, 'fields_concat', concatRows, concatDim);
      expect(values.slice(0, concatDim)).toEqual(firstRow(raw, npyDataOffset(raw), concatDim, 4));
    });
  });

  for (const file of ['fields.npz', 'fields.safetensors']) {
    it(`reads every field of ${file} as the matching slice of fields_concat.npy`, async () => {
      const concat = await withReference(dir, 'fields_concat.npy', (t) => allValues(t, 'fields_concat', concatRows, concatDim));
      const { fields } = cases[file];
      await withReference(dir, file, async (table, raw) => {
        expect(table.tensors.map((t) => [t.name, t.shape, t.dtype, t.analysable])).toEqual(
          Object.entries(fields).map(([name, f]) => [name, [f.rows, f.dim], 'float32', true]),
        );
        let start = 0;
        for (const [name, { rows, dim }] of Object.entries(fields)) {
          const values = await allValues(table, name, rows, dim);
          expect(values).toEqual(concat.slice(start * dim, (start + rows) * dim));
          start += rows;
        }
        if (file.endsWith('.safetensors')) {
          const headerSize = new DataView(raw.buffer, raw.byteOffset).getUint32(0, true);
          const { rows, dim } = fields.field_0;
          const field0 = await allValues(table, 'field_0', rows, dim);
          expect(field0.slice(0, dim)).toEqual(firstRow(raw, 8 + headerSize, dim, 4));
        }
      });
    });
  }

  it('reads the Embedding Projector TSV', async () => {
    const { rows, dim } = cases['collapsed_projector.tsv'].fields.table;
    await withReference(dir, 'collapsed_projector.tsv', async (table, raw) => {
      expect(table.format).toBe('tsv');
      expect(table.tensors[0]).toEqual({ name: 'collapsed_projector', shape: [-1, dim], dtype: 'float64', analysable: true });
      const values = await allValues(table, 'collapsed_projector', rows, dim);
      expect(table.tensors[0].shape).toEqual([rows, dim]);
      const line = new TextDecoder().decode(raw).split('\n')[0];
      expect(values.slice(0, dim)).toEqual(line.split('\t').map(Number));
    });
  });

  it('has a test for every reference file', () => {
    const tested = ['healthy_f32.npy', 'collapsed_f32.npy', 'collapsed_f64.npy', 'collapsed_f16.npy', 'collapsed_f32_fortran.npy'];
    tested.push('fields_concat.npy', 'fields.npz', 'fields.safetensors', 'collapsed_projector.tsv');
    expect(Object.keys(cases).sort()).toEqual(tested.sort());
  });
});

describe('openTableFile on generated tables', () => {
  it('streams a table larger than one block identically through every format', async () => {
    const values = sampleValues(1000 * 8, 11);
    const f32 = values.map(Math.fround);
    const sources = [
      bytesByteSource(npyBytes(values, [1000, 8]), 't.npy'),
      bytesByteSource(npyBytes(values, [1000, 8], { fortran: true }), 't.npy'),
      bytesByteSource(npzBytes({ t: npyBytes(values, [1000, 8]) }, { deflate: true }), 't.npz'),
      bytesByteSource(safetensorsBytes([{ name: 't', dtype: 'F32', shape: [1000, 8], values }]), 't.safetensors'),
      textSource(f32.map((v, i) => (i % 8 === 7 ? `${v}\n` : `${v}\t`)).join(''), 't.tsv'),
    ];
    for (const src of sources) {
      const table = await openTableFile(src);
      expect((await readAll(table, 't', { chunkRows: 300 })).values).toEqual(f32);
    }
  });
});
