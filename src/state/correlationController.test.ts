import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CorrelationRequest } from '../analysis/checkpointCorrelation.ts';
import type { AnalysisClient } from '../workers/analysisProtocol.ts';
import { createAnalysisService } from '../workers/analysisService.ts';
import { createCorrelationController, useCorrelationStore } from './correlationController.ts';

/** A DIN-like state dict and numpy's matrices for it (scripts/sequenceCorrelationFixtures.py). */
const dir = new URL('../../test/sequence-correlation/', import.meta.url);
const bytes = new Uint8Array(readFileSync(new URL('din.pt', dir)));
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as { categories: number[]; positions: number; attention: number[][] };
const request: CorrelationRequest = {
  method: 'attention',
  categoryTable: 'category_embedding.weight',
  positionTable: 'position_embedding.weight',
  categories: expected.categories,
  positions: expected.positions,
};

describe('learned correlation of an uploaded checkpoint, through the analysis service', () => {
  it("computes the card's matrices in the service and keeps them by card", async () => {
    const client = createAnalysisService() as unknown as AnalysisClient;
    const file = new File([bytes], 'din.pt');
    const controller = createCorrelationController(client, (id) => (id === 't1' ? file : undefined), useCorrelationStore);
    const running = controller.compute('t1', request);
    expect(useCorrelationStore.getState().entries.t1?.status).toBe('running');
    await running;
    const entry = useCorrelationStore.getState().entries.t1;
    if (entry?.status !== 'done') throw new Error(`not done: ${JSON.stringify(entry)}`);
    entry.correlation.maps.forEach((m, t) => m.forEach((v, i) => expect(Math.abs(v - expected.attention[t][i])).toBeLessThan(1e-9)));
  });

  it('says so when the file is not at hand or the request does not fit', async () => {
    const client = createAnalysisService() as unknown as AnalysisClient;
    const file = new File([bytes], 'din.pt');
    const controller = createCorrelationController(client, (id) => (id === 't1' ? file : undefined), useCorrelationStore);
    await controller.compute('t2', request);
    expect(useCorrelationStore.getState().entries.t2).toMatchObject({ status: 'error', error: { code: 'read-failed' } });
    await controller.compute('t1', { ...request, positions: 40 });
    expect(useCorrelationStore.getState().entries.t1).toMatchObject({
      status: 'error',
      error: { code: 'shape-mismatch', message: expect.stringMatching(/need 41/) },
    });
  });
});
