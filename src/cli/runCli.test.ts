import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { npyBytes, sampleValues } from '../../test/support/testFixtures.ts';
import { runCli } from './runCli.ts';

const REFERENCE_DIR = fileURLToPath(new URL('../../../shared/reference/', import.meta.url));

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

  it.each([[[]], [['frobnicate', 'x']], [['analyze']], [['analyze', 'a', 'b']], [['analyze', 'x.npy', '--mode', 'pca']], [['analyze', 'x.npy', '--bogus']], [['analyze', 'x.npy', '--max-dim', '5000']], [['analyze', 'x.npy', '--max-dim', '0.5']]])(
    'usage errors exit 2 with usage: %j',
    async (argv) => {
      const { code, out, err } = await run(...argv);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toMatch(/^reclens: .+\n\nUsage:/);
    },
  );

  it('the human report: recipe, fields sorted by rows ascending, a spectrum line each', async () => {
    const { code, out, err } = await run('analyze', REFERENCE_DIR + 'fields.safetensors');
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toContain('recipe: recscope: rows L2-normalised');
    const tableRows = out.split('\n').filter((l) => /^field_\d\s+\d+\s+32\s/.test(l));
    expect(tableRows.map((l) => Number(l.split(/\s+/)[1]))).toEqual([2, 7, 24, 150, 900, 4000]);
    const spectrumLines = out.split('\n').filter((l) => /^field_\d\s+[▁▂▃▄▅▆▇█·]{32}$/.test(l));
    expect(spectrumLines).toHaveLength(6);
    // field_0 has 2 rows: two singular values, then 30 zeros
    expect(spectrumLines[0]).toMatch(/█.·{30}$/);
  });

  it('--field-dims as a list or a sidecar JSON file, --mode raw, --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reclens-'));
    const sidecar = join(dir, 'dims.json');
    writeFileSync(sidecar, JSON.stringify([2, 7, 24, 150, 900, 4000]));
    for (const dims of ['2,7,24,150,900,4000', sidecar]) {
      const { code, out } = await run('analyze', REFERENCE_DIR + 'fields_concat.npy', '--field-dims', dims, '--mode', 'raw', '--json');
      expect(code).toBe(0);
      const doc = JSON.parse(out);
      expect(doc.options).toEqual({ mode: 'raw', field_dims: [2, 7, 24, 150, 900, 4000], tensors: [expect.any(String)] });
      expect(doc.fields.map((f: { name: string }) => f.name)).toEqual(['field_0', 'field_1', 'field_2', 'field_3', 'field_4', 'field_5']);
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
    expect(err).toMatch(/reading 3,000 \/ 3,000 \(100%\) rows, [\d,]+ rows\/s/);
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
