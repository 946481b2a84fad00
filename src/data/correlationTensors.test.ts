import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../contracts/tables.ts';
import { guessCorrelationTensors } from './correlationTensors.ts';

const t = (name: string, shape: number[], analysable = true): TensorInfo => ({ name, shape, dtype: 'float32', analysable });

describe('guessCorrelationTensors', () => {
  it('picks the category and position tables of a DIN-like state dict', () => {
    const g = guessCorrelationTensors([
      t('item_embedding.weight', [60, 8]),
      t('category_embedding.weight', [9, 8]),
      t('position_embedding.weight', [13, 8]),
      t('mlp.0.weight', [16, 32]),
      t('mlp.0.bias', [16], false),
    ]);
    expect(g.category).toBe('category_embedding.weight');
    expect(g.position).toBe('position_embedding.weight');
    expect(g.targetCategory).toBeUndefined();
    expect(g.candidates).toEqual(['item_embedding.weight', 'category_embedding.weight', 'position_embedding.weight', 'mlp.0.weight']);
  });

  it("prefers DARE's attention tables and finds a target table", () => {
    const g = guessCorrelationTensors([
      t('repr_cate_embedding.weight', [9, 16]),
      t('attn_cate_embedding.weight', [9, 4]),
      t('target_cate_embedding.weight', [9, 4]),
      t('time_embedding.weight', [201, 4]),
    ]);
    expect(g.category).toBe('attn_cate_embedding.weight');
    expect(g.targetCategory).toBe('target_cate_embedding.weight');
    expect(g.position).toBe('time_embedding.weight');
  });

  it('guesses nothing from names that say nothing', () => {
    const g = guessCorrelationTensors([t('w1', [10, 4]), t('w2', [10, 4])]);
    expect(g).toEqual({ candidates: ['w1', 'w2'] });
  });
});
