import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAnalysisService } from './analysisService.ts';

/** The two-shard checkpoint of scripts/tfCheckpointFixtures.py, as File objects a picker gives. */
const file = (name: string) => new File([readFileSync(new URL(`../../test/tfcheckpoint/${name}`, import.meta.url))], name);
const INDEX = 'written.ckpt.index';
const SHARDS = ['written.ckpt.data-00000-of-00002', 'written.ckpt.data-00001-of-00002'];
const USER = 'model/user_embedding/.ATTRIBUTES/VARIABLE_VALUE';

describe('analysis service: files picked together', () => {
  it('reads a checkpoint index with the data shards picked along with it', async () => {
    const service = createAnalysisService();
    const inspected = await service.inspect(file(INDEX), undefined, SHARDS.map(file));
    expect(inspected).toMatchObject({ ok: true, format: 'tfcheckpoint' });
    const out = await service.analyze(file(INDEX), { tensors: [USER], mode: 'recscope' }, () => {}, undefined, SHARDS.map(file));
    if (!out.ok) throw new Error(out.error.message);
    expect(out.result.fields[0]).toMatchObject({ rows: 40, dim: 8 });
  });

  it('names the shard that was not picked', async () => {
    const out = await createAnalysisService().inspect(file(INDEX), undefined, [file(SHARDS[1])]);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error.message).toMatch(/values are in written\.ckpt\.data-00000-of-00002, which was not given with it/);
  });
});
