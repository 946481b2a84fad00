import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeTableFile } from '../../analysis/analyzeTable.ts';
import { bytesByteSource } from '../byteSource.ts';
import { isAbortError } from '../abort.ts';
import { openTableFile } from '../openTableFile.ts';
import { importFailure, readAll } from '../../../test/support/testFixtures.ts';

/** Written by scripts/parquetFixtures.py with pyarrow; IA computed by numpy (float64). */
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../test/parquet/${name}`, import.meta.url)));
type Expected = Record<string, { values: number[][]; recscope_ia: number }>;
const expected = JSON.parse(readFileSync(new URL('../../../test/parquet/expected.json', import.meta.url), 'utf8')) as { files: Record<string, Expected> };
const open = (name: string, bytes = fixture(name)) => openTableFile(bytesByteSource(bytes, name));

describe('Parquet embedding columns', () => {
  it('a field column splits the embedding column into one table per field, values exact, IA as numpy computes it', async () => {
    const table = await open('fields.parquet');
    expect(table.format).toBe('parquet');
    const want = expected.files['fields.parquet'];
    expect(table.tensors.map((t) => t.name).sort()).toEqual(Object.keys(want).sort());
    for (const [name, w] of Object.entries(want)) {
      expect(table.tensors.find((t) => t.name === name)).toMatchObject({ shape: [w.values.length, 8], dtype: 'float32', analysable: true });
      expect((await readAll(table, name, { chunkRows: 3 })).values, name).toEqual(w.values.flat().map(Math.fround));
    }
    const names = ['embedding[field=user]', 'embedding[field=item]'];
    const result = await analyzeTableFile(table, { tensors: names, mode: 'recscope' });
    result.fields.forEach((f, i) => expect(Math.abs(f.information_abundance - want[names[i]].recscope_ia)).toBeLessThan(1e-6));
    expect(result.fields[1].information_abundance).toBeLessThan(result.fields[0].information_abundance / 2);
  });

  it('a gzip-compressed fixed_size_list<double> column is one float64 table; zstd reads the same', async () => {
    const want = expected.files['vectors.parquet'].vector;
    for (const name of ['vectors.parquet', 'zstd.parquet']) {
      const table = await open(name);
      expect(table.tensors).toEqual([{ name: 'vector', shape: [12, 5], dtype: 'float64', analysable: true }]);
      expect((await readAll(table, 'vector', { chunkRows: 5 })).values).toEqual(want.values.flat());
    }
  });

  it('damaged files name their problem', async () => {
    const bytes = fixture('fields.parquet');
    const cut = await importFailure(open('cut.parquet', bytes.subarray(0, bytes.length - 10)));
    expect(cut.code).toBe('truncated');
    expect(cut.message).toBe('cut.parquet is truncated: it does not end with PAR1, so its footer is missing');
    const footer = bytes.slice();
    new DataView(footer.buffer).setUint32(footer.length - 8, footer.length, true);
    expect((await importFailure(open('long.parquet', footer))).message).toMatch(/^long\.parquet is not a valid Parquet file: its footer claims \d+ bytes/);
    // Zeroed pages: the decoder fails, which is said as damage, not passed on as an engine error.
    const zeroed = bytes.slice();
    zeroed.fill(0, 4, 2000);
    const table = await open('zeroed.parquet', zeroed).catch((e: unknown) => e);
    const error = table instanceof Error ? table : await importFailure(readAll(table as Awaited<ReturnType<typeof open>>, 'embedding[field=user]'));
    expect(error.message).toMatch(/^zeroed\.parquet is not a valid Parquet file: /);
    expect(error.message).not.toMatch(/Cannot read|undefined|is not a function/);
  });

  it('stops with an AbortError once cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const failure = await openTableFile(bytesByteSource(fixture('fields.parquet'), 'x.parquet'), { signal: controller.signal }).catch((e: unknown) => e);
    expect(isAbortError(failure)).toBe(true);
  });
});
