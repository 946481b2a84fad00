import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeTableFile } from '../analysis/analyzeTable.ts';
import { bytesByteSource } from './byteSource.ts';
import { concatenationHint, readCheckpointLayout } from './checkpointLayout.ts';
import { readFieldSizes } from './fieldDims.ts';
import { openTableFile } from './openTableFile.ts';
import type { TensorInfo } from '../contracts/tables.ts';

/** Written by scripts/multiEmbeddingFixtures.py with thuml/Multi-Embedding's own model classes and Debian's torch. */
const dir = new URL('../../test/torch/multi-embedding/', import.meta.url);
const text = (name: string) => readFileSync(new URL(name, dir), 'utf8');
const open = (name: string) => openTableFile(bytesByteSource(new Uint8Array(readFileSync(new URL(name, dir))), name));
const expected = JSON.parse(text('expected.json')) as {
  field_dims: number[];
  embed_dim: number;
  files: Record<string, { recscope_ia?: Record<string, number[]> }>;
};
const t = (name: string, shape: number[], analysable = shape.length === 2): TensorInfo => ({ name, shape, dtype: 'float32', analysable });

describe('readCheckpointLayout on Multi-Embedding checkpoints', () => {
  it('DCNv2 (dcn-10): the embedding table alone is preselected; cn.W.0 says 6 fields of dim 10', async () => {
    const layout = readCheckpointLayout((await open('dcn-10_best.pth')).tensors);
    expect(layout.preselected).toEqual(['embedding.embedding.weight']);
    expect(layout.roles.get('cn.W.0')).toBe('cross');
    expect(layout.roles.get('mlp.mlp.0.weight')).toBe('linear');
    expect(layout.roles.get('linear.weight')).toBe('linear');
    expect(layout.optimizerState).toBe(false);
    expect(layout.sets).toBeUndefined();
    expect(layout.fieldCount).toEqual({ fields: 6, dim: 10, evidence: 'cn.W.0 (60 x 60)' });
    expect(concatenationHint(layout.fieldCount!, 229)).toContain('looks like 6 concatenated fields of dim 10');
  });

  it('MultiDCN (mdcn-3x10): three sets of 229 x 10, their cross and MLP weights not preselected', async () => {
    const layout = readCheckpointLayout((await open('mdcn-3x10_best.pth')).tensors);
    const sets = [0, 1, 2].map((m) => `embeddings.${m}.embedding.weight`);
    expect(layout.preselected).toEqual(sets);
    expect(layout.sets).toEqual({
      pattern: 'embeddings.*.embedding.weight',
      tensors: sets,
      labels: ['embeddings.0', 'embeddings.1', 'embeddings.2'],
      rows: 229,
      dim: 10,
    });
    expect(layout.roles.get('cns.0.0.W.0')).toBe('cross');
    expect(layout.roles.get('cns.0.1.mlp.0.weight')).toBe('linear');
    expect(layout.fieldCount?.fields).toBe(6);
  });

  it('an Adam state file is named optimizer state and preselects nothing', async () => {
    const layout = readCheckpointLayout((await open('mdcn-3x10_optimizer.pth')).tensors);
    expect(layout.optimizerState).toBe(true);
    expect(layout.preselected).toEqual([]);
  });
});

describe('readCheckpointLayout by shapes', () => {
  it("MultiDNN's MLP inside an embedding module is a layer, not a table; a Linear is told by its bias", () => {
    const layout = readCheckpointLayout([
      t('embeddings.0.embedding.embedding.weight', [500, 10]),
      t('embeddings.0.mlp.mlp.0.weight', [400, 390]),
      t('embeddings.0.mlp.mlp.0.bias', [400]),
      t('user_emb_proj_w', [64, 32]),
      t('user_emb_proj_b', [64]),
      t('tower.embed_mix.weight', [16, 8]),
      t('tower.embed_mix.bias', [16]),
      t('blocks.0.attn.qkv.weight', [30, 10]),
    ]);
    expect(layout.preselected).toEqual(['embeddings.0.embedding.embedding.weight']);
    expect(layout.roles.get('embeddings.0.mlp.mlp.0.weight')).toBe('linear');
    expect(layout.roles.get('tower.embed_mix.weight')).toBe('linear');
    expect(layout.roles.get('blocks.0.attn.qkv.weight')).toBe('attention');
    expect(layout.fieldCount).toEqual({ fields: 39, dim: 10, evidence: 'embeddings.0.mlp.mlp.0.weight (400 x 390)' });
  });

  it('a plain table file keeps its tensors; a lone table with no model beside it gets no field count', () => {
    const layout = readCheckpointLayout([t('arr_0', [100, 8]), t('ids', [100], false)]);
    expect(layout.preselected).toEqual(['arr_0']);
    expect(layout.fieldCount).toBeUndefined();
  });

  it('a field_dims or offsets tensor gives the field count by its length', () => {
    const layout = readCheckpointLayout([t('embedding.weight', [50, 4]), t('embedding.offsets', [5], false)]);
    expect(layout.fieldCount).toEqual({ fields: 5, dim: 4, evidence: 'embedding.offsets (5 entries)' });
  });

  it('TF / Keras optimizer slots are optimizer state', () => {
    const layout = readCheckpointLayout([t('model/embedding/.OPTIMIZER_SLOT/optimizer/m', [10, 4]), t('optimizer/Adam/embedding/v', [10, 4])]);
    expect(layout.optimizerState).toBe(true);
  });
});

describe('field sizes where Multi-Embedding and FuxiCTR keep them', () => {
  it('the JSON list, the training log and feature_map.json give the same sizes', () => {
    expect(readFieldSizes(text('field_dims.json'))).toEqual({ dims: expected.field_dims, from: 'json' });
    expect(readFieldSizes(text('train.log'))).toEqual({ dims: expected.field_dims, from: 'log' });
    expect(readFieldSizes(text('feature_map.json'))).toEqual({ dims: expected.field_dims, names: ['C1', 'C2', 'C3', 'C4', 'C5', 'C6'], from: 'feature_map' });
  });

  it("numpy's wrapped print of 39 Criteo fields", () => {
    const printed = `epoch 0\n[    1460      583 10131227  2202608      305       24    12517      633\n        3    93145     5683  8351593]\n12345`;
    expect(readFieldSizes(printed).dims).toEqual([1460, 583, 10131227, 2202608, 305, 24, 12517, 633, 3, 93145, 5683, 8351593]);
  });
});

describe('one field split applied to every embedding set', () => {
  it('sets x fields match numpy float64 within 1e-5', async () => {
    const file = await open('mdcn-3x10_best.pth');
    const layout = readCheckpointLayout(file.tensors);
    const names = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6'];
    const result = await analyzeTableFile(file, {
      tensors: layout.sets!.tensors,
      field_dims: expected.field_dims,
      fieldNames: names,
      setNames: layout.sets!.labels,
      mode: 'recscope',
    });
    expect(result.options.sets).toEqual(['embeddings.0', 'embeddings.1', 'embeddings.2']);
    expect(result.fields.map((f) => f.name)).toEqual(layout.sets!.labels.flatMap((s) => names.map((n) => `${s} / ${n}`)));
    const want = expected.files['mdcn-3x10_best.pth'].recscope_ia!;
    layout.sets!.tensors.forEach((tensor, s) =>
      want[tensor].forEach((ia, f) => expect(Math.abs(result.fields[s * 6 + f].information_abundance - ia)).toBeLessThan(1e-5)),
    );
  });

  it('sets of different shapes are refused, naming both', async () => {
    const file = await open('dcn-10_best.pth');
    await expect(analyzeTableFile(file, { tensors: ['embedding.embedding.weight', 'mlp.mlp.0.weight'], field_dims: [229], mode: 'recscope' })).rejects.toThrow(
      /mlp\.mlp\.0\.weight is \[40 x 60\]/,
    );
  });
});
