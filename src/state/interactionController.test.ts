import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeTableFile } from '../analysis/analyzeTable.ts';
import { bytesByteSource } from '../data/byteSource.ts';
import { openTableFile } from '../data/openTableFile.ts';
import type { AnalysisClient } from '../workers/analysisProtocol.ts';
import { createAnalysisService } from '../workers/analysisService.ts';
import { createInteractionController, interactionOffers, useInteractionStore } from './interactionController.ts';
import { createStudioStore } from './studioStore.ts';

/** Multi-Embedding's DCNv2 state dict and numpy's matrix for it (scripts/interactionFixtures.py). */
const NAME = 'dcnv2_step60.pt';
const bytes = new Uint8Array(readFileSync(new URL(`../../test/interaction/${NAME}`, import.meta.url)));
const expected = (
  JSON.parse(readFileSync(new URL('../../test/interaction/expected.json', import.meta.url), 'utf8')) as {
    files: Record<string, { field_dims: number[]; ia: number[][]; rawIa: number[] }>;
  }
).files[NAME];

/** A card as an analysis of the checkpoint with field sizes adds it, the dialog's file still in the flow. */
async function analysedCard(fieldDims: number[] | undefined) {
  const file = await openTableFile(bytesByteSource(bytes, NAME));
  const tensors = ['embedding.embedding.weight'];
  const result = await analyzeTableFile(file, { tensors, field_dims: fieldDims, mode: 'recscope' });
  return {
    source: NAME,
    format: file.format,
    bytes: bytes.length,
    tensors: file.tensors,
    result,
    elapsedMs: 1,
    origin: 'file' as const,
    gramEngine: 'float64-js' as const,
  };
}

describe('interaction matrix of an uploaded DCNv2 checkpoint', () => {
  it('a card with field sizes offers cn.W.0; one without field sizes, or an example, offers nothing', async () => {
    const card = { id: 't1', ...(await analysedCard(expected.field_dims)) };
    expect(interactionOffers(card)).toEqual([
      {
        key: 't1/embedding.embedding.weight',
        tensor: 'embedding.embedding.weight',
        weight: 'cn.W.0',
        fieldDims: expected.field_dims,
        fieldNames: ['field_0', 'field_1', 'field_2', 'field_3'],
        dim: 4,
      },
    ]);
    expect(interactionOffers({ id: 't2', ...(await analysedCard(undefined)) })).toEqual([]);
    expect(interactionOffers({ ...card, origin: 'example' })).toEqual([]);
    // Field sizes whose count does not fit the cross layer (2 fields of dim 4 != 16): no offer.
    expect(interactionOffers({ ...card, result: { ...card.result, options: { ...card.result.options, field_dims: [10, 32] } } })).toEqual([]);
  });

  it('computed in the analysis service from the card’s file, it matches numpy within 1e-9', async () => {
    const store = createStudioStore();
    const service = createAnalysisService();
    const controller = createInteractionController(service as unknown as AnalysisClient, store, useInteractionStore);
    const file = new File([bytes], NAME);
    store.getState().setFlow({ file });
    const id = store.getState().addTable(await analysedCard(expected.field_dims));
    store.getState().resetFlow();
    expect(useInteractionStore.getState().withFile[id]).toBe(true);
    const [offer] = interactionOffers(store.getState().tables[0]);
    await controller.compute(id, offer);
    const entry = useInteractionStore.getState().entries[offer.key];
    if (entry?.status !== 'done') throw new Error(`not done: ${JSON.stringify(entry)}`);
    entry.matrix.ia.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected.ia[i][j])).toBeLessThan(1e-9)));
    entry.matrix.rawIa.forEach((v, i) => expect(Math.abs(v - expected.rawIa[i])).toBeLessThan(1e-9));
    expect(entry.dim).toBe(4);
  });

  it('a restored card (no file at hand) says to drop the file again', async () => {
    const store = createStudioStore();
    const controller = createInteractionController(createAnalysisService() as unknown as AnalysisClient, store, useInteractionStore);
    const id = store.getState().addTable(await analysedCard(expected.field_dims));
    const [offer] = interactionOffers(store.getState().tables[0]);
    await controller.compute(id, offer);
    const entry = useInteractionStore.getState().entries[offer.key];
    expect(entry?.status === 'error' && entry.error.fix).toBe('Drop the file again to see its interaction matrix.');
  });
});
