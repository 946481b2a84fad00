import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesByteSource } from '../data/byteSource.ts';
import { openTableFile } from '../data/openTableFile.ts';
import { guessCorrelationTensors } from '../data/correlationTensors.ts';
import { checkpointCorrelation, type CorrelationRequest } from './checkpointCorrelation.ts';
import { spearman } from './learnedCorrelation.ts';

/** Written by scripts/sequenceCorrelationFixtures.py: a DIN-like PyTorch state dict and numpy float64 matrices. */
const dir = new URL('../../test/sequence-correlation/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as {
  categories: number[];
  positions: number;
  attention: number[][];
  tin: number[][];
};
const open = () => openTableFile(bytesByteSource(new Uint8Array(readFileSync(new URL('din.pt', dir))), 'din.pt'));
const base: CorrelationRequest = {
  method: 'attention',
  categoryTable: 'category_embedding.weight',
  positionTable: 'position_embedding.weight',
  categories: expected.categories,
  positions: expected.positions,
};

describe('learned correlation of a PyTorch checkpoint', () => {
  for (const method of ['attention', 'tin'] as const) {
    it(`${method}: every matrix matches numpy float64 within 1e-9`, async () => {
      const got = await checkpointCorrelation(await open(), { ...base, method });
      expect(got.maps).toHaveLength(expected.categories.length);
      expect(got.categoryDim).toBe(8);
      got.maps.forEach((m, t) => {
        expect(m).toHaveLength(expected.categories.length * expected.positions);
        m.forEach((v, i) => expect(Math.abs(v - expected[method][t][i]), `target ${t} entry ${i}`).toBeLessThan(1e-9));
      });
    });
  }

  it('the trained model attends to the target category at the recent positions it was taught', () => {
    // Trained to click when the target's category sits at position 1..3: the diagonal, left columns light up.
    const P = expected.positions;
    const m = expected.attention[0];
    const diagonalRecent = (m[0 * P + 0] + m[0 * P + 1] + m[0 * P + 2]) / 3;
    const offDiagonal = m.slice(P).reduce((a, b) => a + b, 0) / (m.length - P);
    expect(diagonalRecent).toBeGreaterThan(offDiagonal);
    expect(spearman(expected.attention[0], expected.tin[0])).toBeGreaterThan(0);
  });

  it('preselects the tables from the state-dict names', async () => {
    const g = guessCorrelationTensors((await open()).tensors);
    expect([g.category, g.position]).toEqual([base.categoryTable, base.positionTable]);
  });

  it('reads a separate target table (here the same one: the matrices do not change)', async () => {
    const file = await open();
    const plain = await checkpointCorrelation(file, base);
    const split = await checkpointCorrelation(file, { ...base, targetCategoryTable: base.categoryTable, targetPositionTable: base.positionTable });
    expect(split.maps).toEqual(plain.maps);
  });

  it('says what is wrong with a request', async () => {
    const file = await open();
    await expect(checkpointCorrelation(file, { ...base, positions: 13 })).rejects.toThrow(/13 rows: positions 1..13 need 14/);
    await expect(checkpointCorrelation(file, { ...base, categories: [1, 9] })).rejects.toThrow(/has 9 rows; row 9 is asked for/);
    await expect(checkpointCorrelation(file, { ...base, categoryTable: 'nope' })).rejects.toThrow(/no tensor named "nope" for the category table/);
    await expect(checkpointCorrelation(file, { ...base, positionTable: 'mlp.0.bias' })).rejects.toThrow(/not a 2-D/);
    await expect(checkpointCorrelation(file, { ...base, method: 'tin', categoryTable: 'mlp.0.weight' })).rejects.toThrow(/TIN adds/);
    await expect(checkpointCorrelation(file, { ...base, targetCategoryTable: 'mlp.2.weight' })).rejects.toThrow(/dim 16/);
    await expect(checkpointCorrelation(file, { ...base, categories: [] })).rejects.toThrow(/0 categories/);
    await expect(checkpointCorrelation(file, { ...base, categories: [1.5] })).rejects.toThrow(/1.5 is not a row/);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(checkpointCorrelation(await open(), base, { signal: controller.signal })).rejects.toThrow();
  });
});
