import type { TensorInfo } from '../contracts/tables.ts';

/**
 * Which tensors of a checkpoint the learned-correlation tool preselects (SCIENCE.md section 4):
 * the behaviour category table, the position table and, where the model keeps one, the target's
 * own category table, read from the tensors' names and shapes. DARE's attention table (a name
 * with "att") is preferred over its representation table: the correlation is an attention one.
 */
export interface CorrelationTensorGuess {
  /** 2-D numeric tensors the user can pick from. */
  candidates: string[];
  category?: string;
  position?: string;
  targetCategory?: string;
}

const CATEGORY = /(?:^|[._/])(?:cat|cate|cates|category|categories|cid)(?:$|[._/\d])|category|cate_/i;
const POSITION = /(?:^|[._/])(?:pos|position|positions|time|tid)(?:$|[._/\d])|position|pos_emb|time_emb/i;
const TARGET = /target|query|(?:^|[._/])tgt(?:$|[._/])/i;
const ATTENTION = /att|search|gsu/i;

function prefer(names: string[]): string | undefined {
  return names.find((n) => ATTENTION.test(n)) ?? names[0];
}

export function guessCorrelationTensors(tensors: readonly TensorInfo[]): CorrelationTensorGuess {
  const candidates = tensors.filter((t) => t.analysable && t.shape.length === 2 && t.shape[0] > 1).map((t) => t.name);
  const categories = candidates.filter((n) => CATEGORY.test(n) && !POSITION.test(n));
  const positions = candidates.filter((n) => POSITION.test(n) && !TARGET.test(n));
  const category = prefer(categories.filter((n) => !TARGET.test(n)));
  const targetCategory = prefer(categories.filter((n) => TARGET.test(n)));
  const position = prefer(positions);
  return {
    candidates,
    ...(category ? { category } : {}),
    ...(position ? { position } : {}),
    ...(targetCategory ? { targetCategory } : {}),
  };
}
