import type { TensorInfo } from '../contracts/tables.ts';

const EMBEDDING_NAME = /embed/i;

/**
 * The tensors an import preselects: every analysable one, unless some are named as embeddings
 * (a model checkpoint also holds MLP weights and optimiser moments), then only those.
 */
export function defaultTensorChoice(tensors: readonly TensorInfo[]): string[] {
  const analysable = tensors.filter((t) => t.analysable).map((t) => t.name);
  const embeddings = analysable.filter((name) => EMBEDDING_NAME.test(name));
  return embeddings.length > 0 ? embeddings : analysable;
}
