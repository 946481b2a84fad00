import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './runCli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/warehouse/${name}`, import.meta.url));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t), errIsTTY: false });
  return { code, out, err };
}

describe('reclens sql', () => {
  it('prints the dialect’s SQL for the table, columns and K', async () => {
    const { code, out } = await run(
      'sql',
      '--dialect',
      'bigquery',
      '--table',
      'proj.ds.items',
      '--embedding-column',
      'emb',
      '--field-column',
      'slot',
      '--dim',
      '64',
      '--normalised',
    );
    expect(code).toBe(0);
    expect(out).toMatch(/^-- RecLens reclens-warehouse-gram\/1 \(bigquery\)/);
    expect(out).toContain('FROM `proj`.`ds`.`items`');
    expect(out).toContain('CAST(e[OFFSET(63)] AS FLOAT64)');
    expect(out).toContain("'ngram' AS stat");
  });

  it.each([
    [['sql', '--table', 't', '--embedding-column', 'e', '--dim', '8']],
    [['sql', '--dialect', 'mysql', '--table', 't', '--embedding-column', 'e', '--dim', '8']],
    [['sql', '--dialect', 'spark', '--table', 't', '--embedding-column', 'e', '--dim', '0']],
    [['sql', '--dialect', 'spark', '--table', 't', '--embedding-column', 'e', '--dim', '1e3']],
    [['sql', '--dialect', 'spark', '--table', "t' OR 1=1", '--embedding-column', 'e', '--dim', '8']],
    [['sql', '--dialect', 'spark', '--table', 't', '--embedding-column', 'e', '--dim', '8', '--mode', 'raw']],
  ])('usage errors exit 2 with usage: %j', async (argv) => {
    const { code, out, err } = await run(...argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^reclens: .+\n\nUsage:/);
  });
});

describe('reclens analyze on a warehouse result', () => {
  it('gives the JSON of analyze on the table itself, per recipe (DuckDB’s CSV and JSON results of fields.parquet)', async () => {
    for (const mode of ['recscope', 'raw', 'centered']) {
      const direct = JSON.parse((await run('analyze', fixture('fields.parquet'), '--mode', mode, '--json')).out);
      for (const name of ['result.csv', 'result.json']) {
        const { code, out, err } = await run('analyze', fixture(name), '--mode', mode, '--json');
        expect(code).toBe(0);
        expect(err).toMatch(/is a warehouse result: 3 fields of K = 16/);
        const got = JSON.parse(out);
        expect(got.options).toEqual({ mode, tensors: [] });
        for (const f of got.fields) {
          const d = direct.fields.find((x: { name: string }) => x.name === `emb[field=${f.name}]`);
          expect([f.rows, f.excluded_rows]).toEqual([d.rows, d.excluded_rows]);
          f.singular_values.forEach((s: number, i: number) => expect(Math.abs(s - d.singular_values[i])).toBeLessThanOrEqual(1e-10 * d.singular_values[0]));
          expect(f.information_abundance).toBeCloseTo(d.information_abundance, 10);
        }
      }
    }
  });

  it('refuses options that do not apply to a warehouse result', async () => {
    const { code, err } = await run('analyze', fixture('result.csv'), '--field-dims', '2,3');
    expect(code).toBe(1);
    expect(err).toMatch(/warehouse result: --field-dims does not apply/);
  });
});
