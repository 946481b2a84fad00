import type { CtrField } from '../../data/ctr/ctrDataset.ts';
import { buildMmoe } from './mmoe.ts';
import { buildPle } from './ple.ts';
import { buildSharedBottom } from './sharedBottom.ts';
import { buildSingleTaskModels } from './singleTask.ts';
import { buildStemNet } from './stemNet.ts';
import type { EmbeddingTableRef, MultiTaskConfig, MultiTaskModel } from './types.ts';

export function buildMultiTaskModel(config: MultiTaskConfig, fields: CtrField[], tasks: readonly string[]): MultiTaskModel {
  if (tasks.length < 1) throw new RangeError('a multi-task model needs at least one task');
  switch (config.kind) {
    case 'shared-bottom':
      return buildSharedBottom(config, fields, tasks);
    case 'mmoe':
      return buildMmoe(config, fields, tasks);
    case 'ple':
      return buildPle(config, fields, tasks);
    case 'stem':
      return buildStemNet(config, fields, tasks);
    case 'single':
      return buildSingleTaskModels(config, fields, tasks);
  }
}

/** The table task k's prediction reads: its own slice where the model has one, else the shared table. */
export function taskEmbedding(model: MultiTaskModel, task: number): EmbeddingTableRef {
  const tables = model.embeddingTables();
  const ref = tables.find((t) => t.task === task) ?? tables.find((t) => t.task === null);
  if (!ref) throw new RangeError(`the model has no embedding table for task ${task}`);
  return ref;
}
