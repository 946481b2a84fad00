import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './runCli.ts';

/** Checkpoints saved as thuml/Multi-Embedding's main.py saves them (scripts/multiEmbeddingFixtures.py). */
const at = (name: string) => fileURLToPath(new URL(`../../test/torch/multi-embedding/${name}`, import.meta.url));
const expected = JSON.parse(readFileSync(at('expected.json'), 'utf8')) as { files: Record<string, { recscope_ia?: Record<string, number[]> }> };

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t), errIsTTY: false });
  return { code, out, err };
}

describe('reclens analyze on Multi-Embedding checkpoints', () => {
  it('a DCNv2 table without field sizes: analysed whole, with the note that its cross layer says 6 fields', async () => {
    const { code, out, err } = await run('analyze', at('dcn-10_best.pth'));
    expect(code).toBe(0);
    expect(out).toContain(
      'note: embedding.embedding.weight: this table looks like 6 concatenated fields of dim 10 (229 rows; cn.W.0 (60 x 60) says so): give --field-dims',
    );
    expect(err).toBe('');
    const json = await run('analyze', at('dcn-10_best.pth'), '--json');
    expect(JSON.parse(json.out).fields).toHaveLength(1);
    expect(json.err).toMatch(/^note: .*6 concatenated fields/);
  });

  it('a field_dims / offsets tensor saved beside the table splits it without --field-dims, and says so', async () => {
    const sizes = (name: string) => fileURLToPath(new URL(`../../test/torch/field-sizes/${name}`, import.meta.url));
    const want = JSON.parse(readFileSync(sizes('expected.json'), 'utf8')) as { files: Record<string, { recscope_ia: number[] }> };
    for (const [name, tensor] of [
      ['offsets_buffer.pth', 'embedding.offsets'],
      ['field_dims_buffer.pth', 'field_dims'],
    ]) {
      const { code, out, err } = await run('analyze', sizes(name), '--json');
      expect(code).toBe(0);
      expect(err).toContain(`note: field_dims read from the checkpoint's own ${tensor} tensor`);
      const fields = (JSON.parse(out) as { fields: { information_abundance: number }[] }).fields;
      expect(fields).toHaveLength(4);
      want.files[name].recscope_ia.forEach((ia, f) => expect(Math.abs(fields[f].information_abundance - ia)).toBeLessThan(1e-9));
    }
  });

  it('--field-dims train.log splits every set alike: sets x fields, values as numpy', async () => {
    const { code, out } = await run('analyze', at('mdcn-3x10_best.pth'), '--field-dims', at('train.log'), '--json');
    expect(code).toBe(0);
    const result = JSON.parse(out) as { options: { sets: string[] }; fields: { name: string; information_abundance: number }[] };
    expect(result.options.sets).toEqual(['embeddings.0', 'embeddings.1', 'embeddings.2']);
    const want = expected.files['mdcn-3x10_best.pth'].recscope_ia!;
    Object.values(want).forEach((ias, s) => ias.forEach((ia, f) => expect(Math.abs(result.fields[s * 6 + f].information_abundance - ia)).toBeLessThan(1e-5)));
    const text = await run('analyze', at('mdcn-3x10_best.pth'), '--field-dims', at('feature_map.json'));
    expect(text.out).toMatch(/sets x fields \(3 embedding sets, one field split\):\nIA\/K\s+C1\s+C2/);
  });

  it('--tensor picks sets in any order; they keep their labels', async () => {
    const { code, out } = await run(
      'analyze',
      at('mdcn-3x10_best.pth'),
      '--field-dims',
      at('field_dims.json'),
      '--tensor',
      'embeddings.2.embedding.weight',
      '--tensor',
      'embeddings.0.embedding.weight',
      '--json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(out) as { options: { sets: string[] }; fields: { name: string; information_abundance: number }[] };
    expect(result.options.sets).toEqual(['embeddings.2', 'embeddings.0']);
    expect(result.fields[0].name).toBe('embeddings.2 / field_0');
    expect(
      Math.abs(result.fields[0].information_abundance - expected.files['mdcn-3x10_best.pth'].recscope_ia!['embeddings.2.embedding.weight'][0]),
    ).toBeLessThan(1e-5);
  });

  it('an Adam state file is named, not analysed as embeddings', async () => {
    const { code, err } = await run('analyze', at('mdcn-3x10_optimizer.pth'));
    expect(code).toBe(1);
    expect(err).toContain('holds optimizer state (exp_avg, exp_avg_sq), not model weights');
    const anyway = await run('analyze', at('mdcn-3x10_optimizer.pth'), '--tensor', 'state.0.exp_avg');
    expect(anyway.code).toBe(0);
    expect(anyway.out).toContain('note: this file holds optimizer state');
  });
});
