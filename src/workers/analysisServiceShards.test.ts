import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { partialGramOfTable } from '../analysis/partialGram.ts';
import { bytesByteSource } from '../data/byteSource.ts';
import { partialGramToJSON } from '../data/formats/partialGramJson.ts';
import { openTableFile } from '../data/openTableFile.ts';
import { createAnalysisService } from './analysisService.ts';

const bytes = (path: string) => new Uint8Array(readFileSync(new URL(`../../${path}`, import.meta.url)));
const file = (path: string) => new File([bytes(path)], path.split('/').pop()!);
const TENSORS = ['embedding_bags.user.weight', 'embedding_bags.item.weight'];
const RANKS = [0, 1, 2].map((r) => `test/shards/ebc_rank${r}.pt`);

/** reclens gram's file for one rank, as a File the studio is given. */
async function partFile(path: string, name: string): Promise<File> {
  const table = await openTableFile(bytesByteSource(bytes(path), path.split('/').pop()!));
  return new File([partialGramToJSON(await partialGramOfTable(table, { tensors: TENSORS }))], name);
}

describe('analysis service: shards and partial Grams dropped together', () => {
  it('analyses a table’s shards, dropped in any order, as the whole file', async () => {
    const service = createAnalysisService();
    const [first, ...others] = [RANKS[2], RANKS[0], RANKS[1]].map(file);
    const inspected = await service.inspect(first, undefined, others);
    expect(inspected).toMatchObject({ ok: true, source: 'ebc_rank0.pt … ebc_rank2.pt (3 shards)', bytes: [first, ...others].reduce((n, f) => n + f.size, 0) });
    const out = await service.analyze(first, { tensors: TENSORS, mode: 'recscope' }, () => {}, undefined, others);
    const whole = await service.analyze(file('test/shards/ebc_whole.pt'), { tensors: TENSORS, mode: 'recscope' }, () => {});
    if (!out.ok || !whole.ok) throw new Error('analysis failed');
    expect(out.result.source).toBe('ebc_rank0.pt … ebc_rank2.pt (3 shards)');
    expect(out.result.fields).toEqual(whole.result.fields);
  });

  it('merges partial-Gram files into the analysis of the table they summed', async () => {
    const service = createAnalysisService();
    const parts = await Promise.all(RANKS.map((r, i) => partFile(r, `part${i}.json`)));
    const inspected = await service.inspect(parts[1], undefined, [parts[0], parts[2]]);
    expect(inspected).toMatchObject({ ok: true, format: 'partialgram', source: 'part0.json … part2.json (3 shards)' });
    if (!inspected.ok) return;
    expect(inspected.tensors.map((t) => [t.name, ...t.shape])).toEqual([
      [TENSORS[0], 700, 16],
      [TENSORS[1], 450, 16],
    ]);
    const out = await service.analyze(parts[1], { tensors: TENSORS, mode: 'centered' }, () => {}, undefined, [parts[0], parts[2]]);
    const whole = await service.analyze(file('test/shards/ebc_whole.pt'), { tensors: TENSORS, mode: 'centered' }, () => {});
    if (!out.ok || !whole.ok) throw new Error('analysis failed');
    expect(out.result.source).toBe('ebc_rank0.pt … ebc_rank2.pt (3 shards)');
    out.result.fields.forEach((f, i) => {
      const g = whole.result.fields[i];
      expect([f.name, f.rows, f.excluded_rows]).toEqual([g.name, g.rows, g.excluded_rows]);
      expect(Math.abs(f.information_abundance - g.information_abundance)).toBeLessThanOrEqual(1e-12 * g.information_abundance);
    });
  });

  it('says why files dropped together do not make one table', async () => {
    const service = createAnalysisService();
    const mixed = await service.inspect(await partFile(RANKS[0], 'part0.json'), undefined, [file(RANKS[1])]);
    expect(mixed).toMatchObject({ ok: false, error: { message: expect.stringMatching(/part0\.json holds partial Grams and ebc_rank1\.pt a table/) } });
    const narrow = await service.inspect(file('test/shards/healthy_f32.shard-0.npy'), undefined, [file('test/shards/bad/healthy_f32.shard-1.k8.npy')]);
    expect(narrow).toMatchObject({ ok: false, error: { code: 'shape-mismatch', message: expect.stringMatching(/Shards differ/) } });
  });
});
