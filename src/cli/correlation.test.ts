import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './runCli.ts';
import { nodeByteSource } from '../data/nodeByteSource.ts';
import { importSequenceFile } from '../data/sequence/importSequenceFile.ts';

const DIR = fileURLToPath(new URL('../../test/sequence-data/', import.meta.url));
const reference = JSON.parse(readFileSync(`${DIR}mi_reference.json`, 'utf8')) as {
  cases: { file: string; top: number; positions: number; expected: { categories: string[]; targets: { mutual_information: number[][] }[] } }[];
};

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t), errIsTTY: false });
  return { code, out, err };
}

describe('reclens correlation', () => {
  it('prints the JSON of the issue, equal to the numpy reference (1e-9 relative)', async () => {
    for (const c of reference.cases) {
      const { code, out, err } = await run('correlation', `${DIR}${c.file}`, '--top', String(c.top), '--positions', String(c.positions), '--json');
      expect(err).toBe('');
      expect(code).toBe(0);
      const got = JSON.parse(out) as typeof c.expected & { source: string; positions: number[] };
      expect(Object.keys(got)).toEqual(['source', 'categories', 'positions', 'targets']);
      expect(got.source).toBe(c.file);
      expect(got.categories).toEqual(c.expected.categories);
      expect(got.positions).toEqual(Array.from({ length: c.positions }, (_, p) => p + 1));
      expect(got.targets.map((t) => Object.keys(t))).toEqual(got.targets.map(() => ['category', 'positives', 'negatives', 'mutual_information']));
      got.targets.forEach((t, k) =>
        t.mutual_information.forEach((row, i) =>
          row.forEach((bits, p) => {
            const want = c.expected.targets[k].mutual_information[i][p];
            expect(Math.abs(bits - want)).toBeLessThanOrEqual(1e-9 * Math.abs(want));
          }),
        ),
      );
    }
  });

  it('defaults to N = P = 10 and prints readable tables', async () => {
    const { code, out } = await run('correlation', `${DIR}synthetic_small.csv`);
    expect(code).toBe(0);
    expect(out).toMatch(/synthetic_small\.csv: 1,200 samples/);
    expect(out.match(/^target category /gm)).toHaveLength(10);
    expect(out).toMatch(/^ +p = +1 +2 +3 +4 +5 +6 +7 +8 +9 +10$/m);
    expect(out).toContain('strongest:');
  });

  it('--split train counts the training split alone, as the Sequences tab does', async () => {
    const all = await run('correlation', `${DIR}synthetic_small.csv`, '--top', '3', '--positions', '4');
    const train = await run('correlation', `${DIR}synthetic_small.csv`, '--top', '3', '--positions', '4', '--split', 'train');
    expect(train.code).toBe(0);
    const samples = (out: string) => Number(/: ([\d,]+) (?:training )?samples/.exec(out)![1].replace(/,/g, ''));
    expect(train.out).toMatch(/training samples \(the split the studio counts\)/);
    expect(samples(train.out)).toBeGreaterThan(0.5 * samples(all.out));
    expect(samples(train.out)).toBeLessThan(samples(all.out));
    const ds = await importSequenceFile(await nodeByteSource(`${DIR}synthetic_small.csv`));
    expect(samples(train.out)).toBe(ds.train.count);
    expect((await run('correlation', `${DIR}synthetic_small.csv`, '--split', 'test')).code).toBe(2);
  });

  it('reads Taobao UserBehavior.csv by its protocol', async () => {
    const { code, out } = await run('correlation', `${DIR}taobao_user_behavior_sample.csv`, '--top', '200', '--positions', '5', '--json');
    expect(code).toBe(0);
    const got = JSON.parse(out) as { categories: string[]; targets: { positives: number; negatives: number }[] };
    // All 12 categories; 3 users with 210+ views x 21 targets, two negatives each.
    expect(got.categories).toHaveLength(12);
    expect(got.targets.reduce((n, t) => n + t.positives, 0)).toBe(63);
    expect(got.targets.reduce((n, t) => n + t.negatives, 0)).toBe(126);
  });

  it('says what is wrong: a bad option (exit 2), a file it cannot read (exit 1)', async () => {
    const bad = await run('correlation', `${DIR}edge_cases.csv`, '--top', '0');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--top must be a whole number from 1 to 200, got "0"/);
    expect((await run('correlation')).err).toMatch(/correlation needs a FILE/);
    const missing = await run('correlation', `${DIR}nope.csv`);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no such file/);
    const wrong = await run('correlation', fileURLToPath(new URL('../../test/ctr-data/deepctr_criteo_sample.txt', import.meta.url)));
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/error: .*not a behaviour-sequence file/);
  });
});
