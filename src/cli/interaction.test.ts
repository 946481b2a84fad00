import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './runCli.ts';

/** Multi-Embedding DCNv2 state dicts and numpy's matrices for them (scripts/interactionFixtures.py). */
const DIR = fileURLToPath(new URL('../../test/interaction/', import.meta.url));
const expected = JSON.parse(readFileSync(`${DIR}expected.json`, 'utf8')) as {
  files: Record<string, { field_dims: number[]; ia: number[][]; rawIa: number[] }>;
};

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t), errIsTTY: false });
  return { code, out, err };
}

describe('reclens interaction', () => {
  it('without --field-dims, the sizes a checkpoint keeps in an offsets buffer give the same matrix as --field-dims', async () => {
    // scripts/fieldSizesTensorFixtures.py: a DCNv2 whose embedding registered its offsets (0, 4, 34, 43).
    const file = fileURLToPath(new URL('../../test/torch/field-sizes/dcn_offsets_buffer.pth', import.meta.url));
    const kept = await run('interaction', file, '--json');
    expect(kept.code).toBe(0);
    const given = await run('interaction', file, '--field-dims', '4,30,9,50', '--json');
    const [a, b] = [JSON.parse(kept.out), JSON.parse(given.out)] as { field_dims: number[]; matrix: number[][] }[];
    expect(a.field_dims).toEqual([4, 30, 9, 50]);
    expect(a.matrix).toEqual(b.matrix);
    expect((await run('interaction', file)).out).toContain("4 fields (sizes from the checkpoint's embedding.offsets tensor)");
  });

  it('--json: fields and matrix[i][j] in field order, as numpy computes them', async () => {
    const want = expected.files['dcnv2_step120.pt'];
    const { code, out, err } = await run('interaction', `${DIR}dcnv2_step120.pt`, '--field-dims', want.field_dims.join(','), '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    const got = JSON.parse(out) as { fields: string[]; matrix: number[][]; raw_ia: number[]; weight: string; tensor: string };
    expect(got.fields).toEqual(['field_0', 'field_1', 'field_2', 'field_3']);
    expect(got).toMatchObject({ tensor: 'embedding.embedding.weight', weight: 'cn.W.0' });
    got.matrix.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - want.ia[i][j])).toBeLessThan(1e-9)));
    got.raw_ia.forEach((v, i) => expect(Math.abs(v - want.rawIa[i])).toBeLessThan(1e-9));
  });

  it('a field-size file and the text table: one row per field, the lowest cell named', async () => {
    const want = expected.files['dcnv2_step0.pt'];
    const { code, out } = await run('interaction', `${DIR}dcnv2_step0.pt`, '--field-dims', `${DIR}field_dims.json`);
    expect(code).toBe(0);
    expect(out).toMatch(/embedding\.embedding\.weight through cn\.W\.0, 4 fields/);
    const min = Math.min(...want.ia.flat());
    expect(out).toContain(`IA ${min.toFixed(3)}`);
    expect(out.split('\n').filter((l) => l.startsWith('field_')).length).toBe(4);
  });

  it("FuxiCTR's feature_map.json names the fields; a multi-embedding set goes through its own cross network", async () => {
    const me = fileURLToPath(new URL('../../test/torch/multi-embedding/', import.meta.url));
    const a = await run('interaction', `${me}dcn-10_best.pth`, '--field-dims', `${me}feature_map.json`, '--json');
    expect(a.code).toBe(0);
    expect(JSON.parse(a.out)).toMatchObject({ fields: ['C1', 'C2', 'C3', 'C4', 'C5', 'C6'], weight: 'cn.W.0' });
    const b = await run('interaction', `${me}mdcn-3x10_best.pth`, '--field-dims', `${me}train.log`, '--tensor', 'embeddings.2.embedding.weight', '--json');
    expect(b.code).toBe(0);
    expect(JSON.parse(b.out)).toMatchObject({ weight: 'cns.2.0.W.0', field_dims: [3, 24, 120, 7, 60, 15] });
  });

  it('without field sizes: exit 1, saying how many fields the cross layer implies', async () => {
    const { code, out, err } = await run('interaction', `${DIR}dcnv2_step0.pt`);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/"cn\.W\.0" is 16 x 16: this table looks like 4 concatenated fields of dim 4/);
    expect(err).toMatch(/fix: Give --field-dims/);
  });

  it('a weight that is not a cross layer, and an unknown tensor, are refused by name', async () => {
    const a = await run('interaction', `${DIR}dcnv2_step0.pt`, '--field-dims', '3,12,7,20', '--weight', 'linear.weight');
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/"linear\.weight" is \[1, 16\], not square/);
    const b = await run('interaction', `${DIR}dcnv2_step0.pt`, '--field-dims', '3,12,7,20', '--tensor', 'nope');
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/no tensor named "nope"/);
  });

  it('usage: a FILE is required, options of other commands are refused', async () => {
    expect((await run('interaction')).code).toBe(2);
    expect((await run('interaction', 'x.pt', '--mode', 'raw')).code).toBe(2);
  });
});
