import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedReference } from '../../test/support/referenceFiles.ts';
import { npyBytes, sampleValues } from '../../test/support/testFixtures.ts';
import { runCli } from './runCli.ts';

const { dir: REFERENCE_DIR, cases } = committedReference();
const FIELD_DIMS = cases['fields_concat.npy'].field_dims!;
const DIM = cases['fields.safetensors'].fields.field_0.dim;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t), errIsTTY: false });
  return { code, out, err };
}

describe('runCli', () => {
  it('--help prints usage and exits 0', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/reclens analyze FILE/);
  });

  it.each([
    [[]],
    [['frobnicate', 'x']],
    [['analyze']],
    [['gram']],
    [['merge']],
    [['merge', 'p.json', '--mode', 'pca']],
    [['gram', 'x.npy', '--json']],
    [['analyze', 'x.npy', '--mode', 'pca']],
    [['analyze', 'x.npy', '--bogus']],
    [['analyze', 'x.npy', '--max-dim', '5000']],
    [['analyze', 'x.npy', '--max-dim', '0.5']],
  ])('usage errors exit 2 with usage: %j', async (argv) => {
    const { code, out, err } = await run(...argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^reclens: .+\n\nUsage:/);
  });

  it('the human report: recipe, fields sorted by rows ascending, a spectrum line each', async () => {
    const { code, out, err } = await run('analyze', REFERENCE_DIR + 'fields.safetensors');
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toContain('recipe: recscope: rows L2-normalised');
    const tableRows = out.split('\n').filter((l) => new RegExp(`^field_\\d\\s+\\d+\\s+${DIM}\\s`).test(l));
    expect(tableRows.map((l) => Number(l.split(/\s+/)[1]))).toEqual([...FIELD_DIMS].sort((a, b) => a - b));
    const spectrumLines = out.split('\n').filter((l) => new RegExp(`^field_\\d\\s+[▁▂▃▄▅▆▇█·]{${DIM}}$`).test(l));
    expect(spectrumLines).toHaveLength(FIELD_DIMS.length);
    // field_0 has 2 rows: two singular values, then zeros
    expect(FIELD_DIMS[0]).toBe(2);
    expect(spectrumLines[0]).toMatch(new RegExp(`█.·{${DIM - 2}}$`));
  });

  it('--field-dims as a list or a sidecar JSON file, --mode raw, --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reclens-'));
    const sidecar = join(dir, 'dims.json');
    writeFileSync(sidecar, JSON.stringify(FIELD_DIMS));
    for (const dims of [FIELD_DIMS.join(','), sidecar]) {
      const { code, out } = await run('analyze', REFERENCE_DIR + 'fields_concat.npy', '--field-dims', dims, '--mode', 'raw', '--json');
      expect(code).toBe(0);
      const doc = JSON.parse(out);
      expect(doc.options).toEqual({ mode: 'raw', field_dims: FIELD_DIMS, tensors: [expect.any(String)] });
      expect(doc.fields.map((f: { name: string }) => f.name)).toEqual(FIELD_DIMS.map((_, i) => `field_${i}`));
    }
  });

  it('--tensor selects tensors', async () => {
    const { code, out } = await run('analyze', REFERENCE_DIR + 'fields.npz', '--tensor', 'field_3', '--tensor', 'field_1', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out).fields.map((f: { name: string }) => f.name)).toEqual(['field_3', 'field_1']);
  });

  it('progress goes to stderr only when it is a terminal, and is cleared at the end', async () => {
    let err = '';
    const code = await runCli(['analyze', REFERENCE_DIR + 'healthy_f32.npy', '--json'], {
      out: () => {},
      err: (t) => (err += t),
      errIsTTY: true,
    });
    expect(code).toBe(0);
    const rows = cases['healthy_f32.npy'].fields.table.rows.toLocaleString('en-US');
    expect(err).toMatch(new RegExp(`reading ${rows} / ${rows} \\(100%\\) rows, [\\d,]+ rows/s`));
    expect(err.endsWith('\r\x1b[K')).toBe(true);
  });

  it('import errors exit 1 with error: and fix: lines', async () => {
    const cases = [
      ['analyze', REFERENCE_DIR + 'fields.npz', '--tensor', 'nope'],
      ['analyze', REFERENCE_DIR + 'fields_concat.npy', '--field-dims', '1,2,3'],
      ['analyze', join(tmpdir(), 'reclens-does-not-exist.npy')],
    ];
    for (const argv of cases) {
      const { code, out, err } = await run(...argv);
      expect(code).toBe(1);
      expect(out).toBe('');
      expect(err).toMatch(/^error: .+\nfix: .+\n$/);
    }
  });

  it('refuses a table wider than the dimension limit at once, naming a likely transposed export; --max-dim raises the limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reclens-cli-'));
    const wide = join(dir, 'wide.npy');
    writeFileSync(wide, npyBytes(sampleValues(2 * 2000), [2, 2000]));
    const refused = await run('analyze', wide);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('"wide" is 2000 columns wide, above the dimension limit of 1024. It has fewer rows (2) than columns: is it transposed?');
    const narrow = join(dir, 'narrow.npy');
    writeFileSync(narrow, npyBytes(sampleValues(3 * 40), [3, 40]));
    expect((await run('analyze', narrow, '--max-dim', '32')).err).toContain('above the dimension limit of 32');
    const raised = await run('analyze', narrow, '--max-dim', '40', '--json');
    expect(raised.code).toBe(0);
    expect(JSON.parse(raised.out).fields[0]).toMatchObject({ rows: 3, dim: 40 });
  });
});
