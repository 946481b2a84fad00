import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './runCli.ts';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t), errIsTTY: false });
  return { code, out, err };
}

/** The JSON report without its source line (the whole file's name, or the shards'). */
const fields = (json: string) => {
  const doc = JSON.parse(json) as Record<string, unknown>;
  delete doc.source;
  return doc;
};

const RANKS = [0, 1, 2].map((r) => `test/shards/ebc_rank${r}.pt`);

describe('reclens gram / merge', () => {
  it('gram on each shard, then merge, prints the report analyze prints for the whole file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reclens-gram-'));
    const parts = RANKS.map((_, r) => join(dir, `part${r}.json`));
    for (const [r, file] of RANKS.entries()) {
      const { code, err } = await run('gram', file, '--out', parts[r]);
      expect(code, err).toBe(0);
      expect(err).toMatch(/part\d\.json: 2 fields, 38[34] rows summed from ebc_rank\d\.pt/);
    }
    for (const mode of ['recscope', 'centered']) {
      const merged = await run('merge', ...parts.reverse(), '--mode', mode, '--json');
      const whole = await run('analyze', 'test/shards/ebc_whole.pt', '--mode', mode, '--json');
      expect(merged.code, merged.err).toBe(0);
      const a = fields(merged.out) as { fields: { information_abundance: number; rows: number }[] };
      const b = fields(whole.out) as typeof a;
      expect(a.fields.map((f) => f.rows)).toEqual(b.fields.map((f) => f.rows));
      a.fields.forEach((f, i) =>
        expect(Math.abs(f.information_abundance - b.fields[i].information_abundance)).toBeLessThanOrEqual(1e-12 * f.information_abundance),
      );
      expect(JSON.parse(merged.out).source).toBe('ebc_rank0.pt … ebc_rank2.pt (3 shards)');
    }
    // The text report is the analyze report, line for line but the source.
    const text = await run('merge', ...parts);
    const wholeText = await run('analyze', 'test/shards/ebc_whole.pt');
    expect(text.out.split('\n').slice(1)).toEqual(wholeText.out.split('\n').slice(1));
    // A merged file merges and analyses again.
    const all = join(dir, 'all.json');
    expect((await run('merge', ...parts, '--out', all)).code).toBe(0);
    expect((await run('analyze', all)).out.split('\n').slice(1)).toEqual(wholeText.out.split('\n').slice(1));
  });

  it('analyze and gram take a table’s shards as one table', async () => {
    const sharded = await run('analyze', ...RANKS, '--json');
    const whole = await run('analyze', 'test/shards/ebc_whole.pt', '--json');
    expect(fields(sharded.out)).toEqual(fields(whole.out));
    const concat = await run('gram', 'test/shards/fields_concat.shard-1.npy', 'test/shards/fields_concat.shard-0.npy', '--field-dims', '2,7,24,60,150,300');
    expect(concat.code, concat.err).toBe(0);
    const partial = JSON.parse(concat.out) as { sources: string[]; field_dims: number[]; fields: { rows: number }[] };
    expect(partial.sources).toEqual(['fields_concat.shard-0.npy', 'fields_concat.shard-1.npy']);
    expect(partial.fields.map((f) => f.rows)).toEqual([2, 7, 24, 60, 150, 300]);
  });

  it('gram --first-row sums one host’s shard of a concatenated table; merge gives the whole table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reclens-gram-'));
    const dims = '2,7,24,60,150,300';
    const a = await run('gram', 'test/shards/fields_concat.shard-0.npy', '--field-dims', dims, '--first-row', '0', '--out', join(dir, 'a.json'));
    const b = await run('gram', 'test/shards/fields_concat.shard-1.npy', '--field-dims', dims, '--first-row', '100', '--out', join(dir, 'b.json'));
    expect([a.code, b.code], a.err + b.err).toEqual([0, 0]);
    // Rows 0..99 hold fields 0-3 and the first 7 rows of field_4; the rest is the second shard's.
    expect((JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')) as { fields: { rows: number }[] }).fields.map((f) => f.rows)).toEqual([2, 7, 24, 60, 7, 0]);
    const merged = await run('merge', join(dir, 'b.json'), join(dir, 'a.json'), '--json');
    const whole = await run('analyze', 'test/reference/fields_concat.npy', '--field-dims', dims, '--json');
    const m = JSON.parse(merged.out) as { fields: { name: string; rows: number; information_abundance: number }[] };
    const w = JSON.parse(whole.out) as typeof m;
    expect(m.fields.map((f) => [f.name, f.rows])).toEqual(w.fields.map((f) => [f.name, f.rows]));
    m.fields.forEach((f, i) =>
      expect(Math.abs(f.information_abundance - w.fields[i].information_abundance)).toBeLessThanOrEqual(1e-12 * f.information_abundance),
    );
    const beyond = await run('gram', 'test/shards/fields_concat.shard-1.npy', '--field-dims', dims, '--first-row', '200');
    expect(beyond.err).toMatch(/field_dims sum to 543 rows, but this shard holds rows 200 to 642/);
    const noDims = await run('gram', 'test/shards/fields_concat.shard-1.npy', '--first-row', '100');
    expect(noDims.err).toMatch(/--first-row places a shard’s rows among the fields/);
  });

  it('refuses shards and parts that are not of one table, saying which', async () => {
    const bad = await run('analyze', 'test/shards/healthy_f32.shard-0.npy', 'test/shards/bad/healthy_f32.shard-1.k8.npy');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/error: Shards differ: .*healthy_f32\.shard-1\.k8\.npy is \[400 x 8\] float32/);
    const dir = mkdtempSync(join(tmpdir(), 'reclens-gram-'));
    await run('gram', RANKS[0], '--out', join(dir, 'a.json'));
    await run(
      'gram',
      'test/shards/bad/ebc_rank1_renamed.pt',
      '--tensor',
      'embedding_bags.users.weight',
      '--tensor',
      'embedding_bags.item.weight',
      '--out',
      join(dir, 'b.json'),
    );
    const merged = await run('merge', join(dir, 'a.json'), join(dir, 'b.json'));
    expect(merged.code).toBe(1);
    expect(merged.err).toMatch(/error: b\.json is not a part of the same table as a\.json: its tensors are/);
    const twice = await run('merge', join(dir, 'a.json'), join(dir, 'a.json'));
    expect(twice.err).toMatch(/both hold the sums of ebc_rank0\.pt/);
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toMatch(/^\{\n "format": "reclens-partial-gram",\n "version": 1,/);
  });
});
