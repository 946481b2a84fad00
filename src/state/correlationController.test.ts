import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CorrelationRequest } from '../analysis/checkpointCorrelation.ts';
import type { AnalysisClient } from '../workers/analysisProtocol.ts';
import { createAnalysisService } from '../workers/analysisService.ts';
import { correlationRequestOf, createCorrelationController, defaultCorrelationForm, parseCategoryIds, useCorrelationStore } from './correlationController.ts';

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

describe('the correlation form', () => {
  const t = (name: string, shape: number[]) => ({ name, shape, dtype: 'float32', analysable: true });

  it('opens with the guessed tables, categories 1-10 and as many positions as fit', () => {
    const form = defaultCorrelationForm([t('item_embedding.weight', [60, 8]), t('category_embedding.weight', [9, 8]), t('position_embedding.weight', [7, 8])]);
    expect(form).toEqual({
      method: 'attention',
      categoryTable: 'category_embedding.weight',
      positionTable: 'position_embedding.weight',
      targetCategoryTable: '',
      targetPositionTable: '',
      categories: '1-8',
      positions: 6,
    });
    expect(defaultCorrelationForm([t('only', [5, 2])])).toBeNull();
  });

  it('parses ids and ranges, and names a bad part', () => {
    expect(parseCategoryIds('1-3, 9 12')).toEqual([1, 2, 3, 9, 12]);
    expect((parseCategoryIds('1-x') as Error).message).toMatch(/"1-x" is not a category id/);
    expect((parseCategoryIds('5-2') as Error).message).toMatch(/not a range/);
    expect((parseCategoryIds('') as Error).message).toMatch(/at least one/);
    expect((parseCategoryIds('1-50, 51') as Error).message).toMatch(/51 categories/);
  });

  it('makes the request, leaving out target tables not picked', () => {
    const form = defaultCorrelationForm([t('category_embedding.weight', [9, 8]), t('position_embedding.weight', [13, 8])])!;
    expect(correlationRequestOf({ ...form, categories: '2, 4' })).toEqual({ ...request, categories: [2, 4], positions: 10 });
    expect(correlationRequestOf({ ...form, targetCategoryTable: 'x' })).toMatchObject({ targetCategoryTable: 'x' });
  });
});
