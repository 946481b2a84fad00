import type { TensorInfo } from '../contracts/tables.ts';
import { readCheckpointLayout } from './checkpointLayout.ts';

/**
 * The tensors an import preselects: the embedding tables, read from names and shapes (a checkpoint
 * also holds MLP, cross and attention weights and optimiser moments); with none named so, every
 * analysable tensor that is not such a layer. An optimiser-state file preselects nothing.
 */
export function defaultTensorChoice(tensors: readonly TensorInfo[]): string[] {
  return readCheckpointLayout(tensors).preselected;
}
