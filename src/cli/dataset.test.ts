import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './parseCliArgs.ts';
import { runCli } from './runCli.ts';

const DIR = join(import.meta.dirname, '../../test/ctr-data');
const EXPECTED = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<
  string,
  { rows: number; fields: { name: string; cardinality: number }[] }
>;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t), errIsTTY: false });
  return { code, out, err };
}

describe('reclens dataset', () => {
  it('parses FILE and --json', () => {
    expect(parseCliArgs(['dataset', 'a.csv', '--json'])).toEqual({ kind: 'dataset', file: 'a.csv', json: true });
    expect(() => parseCliArgs(['dataset'])).toThrow(/dataset needs a FILE/);
    expect(() => parseCliArgs(['dataset', 'a.csv', '--epochs', '2'])).toThrow(/epochs/);
  });

  it("--json on DeepCTR's criteo sample: the documented schema, rows and cardinalities as Python's reference", async () => {
    const { code, out } = await run('dataset', join(DIR, 'deepctr_criteo_sample.txt'), '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['format', 'rows', 'tasks', 'fields']);
    const want = EXPECTED['deepctr_criteo_sample.txt'];
    expect(json).toEqual({ format: 'csv', rows: want.rows, tasks: ['label'], fields: want.fields.map((f) => ({ name: f.name, cardinality: f.cardinality })) });
  });

  it("text form says FuxiCTR's tiny file's label, its bucketed price, and a header-less file", async () => {
    const tiny = await run('dataset', join(DIR, 'fuxictr_tiny_csv_train_sample.csv'));
    expect(tiny.code).toBe(0);
    expect(tiny.out).toMatch(/csv, 100 rows/);
    expect(tiny.out).toMatch(/label: clk/);
    expect(tiny.out).toMatch(/bucketed: price \(deciles\)/);
    const movies = await run('dataset', join(DIR, 'deepctr_movielens_sample.txt'));
    expect(movies.out).toMatch(/label: rating >= 4/);
    expect(movies.out).toMatch(/all values rare \(seen < 2 times, so all OOV: the field tells rows nothing\): timestamp\n/);
    const bare = await run('dataset', join(DIR, 'criteo_sample_noheader.csv'));
    expect(bare.out).toMatch(/no header: line 1 is data/);
    expect(bare.out).toMatch(/bucketed: I1 \(log-squared\)/);
  });

  it('a file it cannot read: exit 1 and the problem named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reclens-dataset-'));
    writeFileSync(join(dir, 'bad.csv'), 'user,item\nu1,i1\n');
    const { code, err } = await run('dataset', join(dir, 'bad.csv'));
    expect(code).toBe(1);
    expect(err).toMatch(/no label column/);
  });
});
