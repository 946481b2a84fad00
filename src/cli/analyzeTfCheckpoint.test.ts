import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './runCli.ts';

const FIXTURES = fileURLToPath(new URL('../../test/tfcheckpoint/', import.meta.url));
const USER = 'model/user_embedding/.ATTRIBUTES/VARIABLE_VALUE';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t), errIsTTY: false });
  return { code, out, err };
}

describe('reclens analyze on a TensorFlow checkpoint', () => {
  it('finds the data shards next to the .index', async () => {
    const { code, out, err } = await run('analyze', join(FIXTURES, 'written.ckpt.index'), '--tensor', USER, '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out) as { fields: { rows: number; dim: number }[] };
    expect(report.fields[0]).toMatchObject({ rows: 40, dim: 8 });
  });

  it('an index without its shards names the missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reclens-tf-'));
    copyFileSync(join(FIXTURES, 'written.ckpt.index'), join(dir, 'written.ckpt.index'));
    copyFileSync(join(FIXTURES, 'written.ckpt.data-00000-of-00002'), join(dir, 'written.ckpt.data-00000-of-00002'));
    const { code, err } = await run('analyze', join(dir, 'written.ckpt.index'));
    expect(code).not.toBe(0);
    expect(err).toMatch(/their values are in written\.ckpt\.data-00001-of-00002, which was not given with it/);
  });
});
