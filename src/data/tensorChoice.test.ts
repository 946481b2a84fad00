import { describe, expect, it } from 'vitest';
import { defaultTensorChoice } from './tensorChoice.ts';

const t = (name: string, analysable = true) => ({ name, shape: [10, 4], dtype: 'float32', analysable });

describe('defaultTensorChoice', () => {
  it('picks the embedding tables of a checkpoint, not its MLP weights or optimiser moments', () => {
    const tensors = [
      t('model.user_embedding.weight'),
      t('model.mlp.0.weight'),
      t('optimizer.state.0.exp_avg'),
      t('model.ItemEmbeddings.weight'),
      t('model.embedding_bias', false),
    ];
    expect(defaultTensorChoice(tensors)).toEqual(['model.user_embedding.weight', 'model.ItemEmbeddings.weight']);
  });

  it('picks every analysable tensor when none is named as an embedding', () => {
    expect(defaultTensorChoice([t('field_0'), t('field_1'), t('vector', false)])).toEqual(['field_0', 'field_1']);
  });
});
