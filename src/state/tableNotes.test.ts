import { describe, expect, it } from 'vitest';
import { readCheckpointLayout } from '../data/checkpointLayout.ts';
import type { LoadedTable, TensorInfo } from '../contracts/tables.ts';
import { chosenSetLabels, tableNotes } from './fieldDims.ts';
import { checkSavedTable, fromSavedTable, toSavedTable } from './savedRecords.ts';

const t = (name: string, shape: number[]): TensorInfo => ({ name, shape, dtype: 'float32', analysable: shape.length === 2 });
const dcn = [t('embedding.embedding.weight', [229, 10]), t('cn.W.0', [60, 60]), t('cn.b.0', [60]), t('mlp.mlp.0.weight', [40, 60]), t('mlp.mlp.0.bias', [40])];
const mdcn = [0, 1, 2].map((m) => t(`embeddings.${m}.embedding.weight`, [229, 10]));

describe('what a card says of the file', () => {
  it('a table analysed whole that the cross layer says holds 6 fields is noted; with field sizes it is not', () => {
    const layout = readCheckpointLayout(dcn);
    const notes = tableNotes(layout, dcn, ['embedding.embedding.weight'], undefined, undefined);
    expect(notes?.concatenated).toMatchObject({ fields: 6, dim: 10, evidence: 'cn.W.0 (60 x 60)' });
    expect(tableNotes(layout, dcn, ['embedding.embedding.weight'], [3, 24, 120, 7, 60, 15], 'train.log (the list a training log printed)')).toEqual({
      fieldSizesFrom: 'train.log (the list a training log printed)',
    });
  });

  it('set labels follow the ticked order, and only for the detected sets', () => {
    const layout = readCheckpointLayout(mdcn);
    expect(chosenSetLabels(layout, ['embeddings.2.embedding.weight', 'embeddings.0.embedding.weight'])).toEqual(['embeddings.2', 'embeddings.0']);
    expect(chosenSetLabels(layout, ['embeddings.0.embedding.weight'])).toBeUndefined();
  });
});

describe('notes and sets survive a save', () => {
  const field = (name: string) => ({
    name,
    rows: 4,
    dim: 2,
    singular_values: [2, 1],
    normalized_spectrum: [1, 0.5],
    information_abundance: 1.5,
    effective_rank: Math.exp(-(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3)),
    excluded_rows: 0,
  });
  const table: Omit<LoadedTable, 'id'> = {
    source: 'mdcn.pth',
    format: 'torch',
    bytes: 10,
    tensors: [t('e.0.w', [8, 2]), t('e.1.w', [8, 2])],
    result: {
      source: 'mdcn.pth',
      options: { mode: 'recscope', field_dims: [4, 4], tensors: ['e.0.w', 'e.1.w'], sets: ['e.0', 'e.1'] },
      fields: ['e.0 / a', 'e.0 / b', 'e.1 / a', 'e.1 / b'].map(field),
    },
    elapsedMs: 1,
    origin: 'file',
    gramEngine: 'float64-js',
    notes: {
      fieldSizesFrom: 'feature_map.json (FuxiCTR feature map)',
      concatenated: { fields: 6, dim: 10, evidence: 'cn.W.0 (60 x 60)', text: 'looks like 6' },
    },
  };

  it('round-trips', () => {
    const saved = checkSavedTable(JSON.parse(JSON.stringify(toSavedTable(table))));
    expect(fromSavedTable(saved).notes).toEqual(table.notes);
    expect(fromSavedTable(saved).result.options.sets).toEqual(['e.0', 'e.1']);
  });

  it('refuses sets that do not make the fields, and a forged field count', () => {
    const bad = JSON.parse(JSON.stringify(toSavedTable(table)));
    bad.result.options.sets = ['e.0'];
    expect(() => checkSavedTable(bad)).toThrow(/1 sets of 2 fields do not make the 4 fields/);
    const forged = JSON.parse(JSON.stringify(toSavedTable(table)));
    forged.notes.concatenated.fields = 0.5;
    expect(() => checkSavedTable(forged)).toThrow(/fields/);
  });
});
