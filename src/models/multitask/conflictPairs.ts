/**
 * RecScope's conflict-pair measure on trained models (SCIENCE.md section 3): conflict pairs come
 * from single-task models (far for task A, near for task B); each multi-task model's distances on
 * them show whether it can serve both tasks. A shared table gives one distance per pair, so it
 * cannot place a pair far for A and near for B at once; task slices (STEM) can.
 */
import {
  conflictMask,
  CONFLICT_HIGH_PERCENTILE,
  CONFLICT_LOW_PERCENTILE,
  distanceHistogram,
  frequentPairs,
  jointHistogram,
  pairDistances,
  percentile,
  type DistanceHistogram,
  type JointHistogram,
  type UserItemPairs,
} from '../../analysis/interestEntanglement.ts';
import { fieldOffsets, type CtrDataset } from '../../data/ctr/ctrDataset.ts';
import { taskEmbedding } from './buildMultiTaskModel.ts';
import type { MultiTaskModel } from './types.ts';

export interface ModelPairDistances {
  name: string;
  /** Labels of the tables read for task A and task B ('shared' twice for a shared embedding). */
  tables: [string, string];
  distanceA: Float64Array;
  distanceB: Float64Array;
  histogramA: DistanceHistogram;
  histogramB: DistanceHistogram;
  /** (distance under A's table, under B's) over the conflict pairs. */
  joint: JointHistogram;
  /** Share of conflict pairs the model places far for A (above P60) and near for B (at or below P40). */
  separated: number;
}

export interface ConflictPairMeasure {
  pairs: UserItemPairs;
  conflict: Uint8Array;
  conflictCount: number;
  models: ModelPairDistances[];
}

/** Field index whose name matches, or throws naming the fields. */
export function findField(dataset: CtrDataset, pattern: RegExp): number {
  const f = dataset.fields.findIndex((x) => pattern.test(x.name));
  if (f < 0) throw new RangeError(`no field matches ${pattern} among ${dataset.fields.map((x) => x.name).join(', ')}`);
  return f;
}

function distancesFor(
  model: MultiTaskModel,
  task: number,
  dataset: CtrDataset,
  pairs: UserItemPairs,
  userField: number,
  itemField: number,
): { label: string; d: Float64Array } {
  const ref = taskEmbedding(model, task);
  const offsets = fieldOffsets(dataset.fields);
  const dim = ref.table.shape[1] as number;
  const users = Int32Array.from(pairs.users, (u) => offsets[userField] + u);
  const items = Int32Array.from(pairs.items, (i) => offsets[itemField] + i);
  return { label: ref.label, d: pairDistances(ref.table.dataSync(), dim, users, items) };
}

export function measureConflictPairs(
  dataset: CtrDataset,
  singleTask: MultiTaskModel,
  models: readonly { name: string; model: MultiTaskModel }[],
  options: { taskA?: number; taskB?: number; userField?: number; itemField?: number; bins?: number } = {},
): ConflictPairMeasure {
  const taskA = options.taskA ?? 0;
  const taskB = options.taskB ?? 1;
  const userField = options.userField ?? findField(dataset, /user/i);
  const itemField = options.itemField ?? findField(dataset, /item/i);
  const pairs = frequentPairs(dataset.train, dataset.test, dataset.fields.length, userField, itemField, {
    user: dataset.fields[userField].cardinality,
    item: dataset.fields[itemField].cardinality,
  });
  const refA = distancesFor(singleTask, taskA, dataset, pairs, userField, itemField);
  const refB = distancesFor(singleTask, taskB, dataset, pairs, userField, itemField);
  const conflict = conflictMask(refA.d, refB.d);
  const conflictCount = conflict.reduce((a, b) => a + b, 0);
  const measured = [{ name: 'single-task', model: singleTask }, ...models].map(({ name, model }): ModelPairDistances => {
    const a = distancesFor(model, taskA, dataset, pairs, userField, itemField);
    const b = distancesFor(model, taskB, dataset, pairs, userField, itemField);
    const farA = percentile(a.d, CONFLICT_HIGH_PERCENTILE);
    const nearB = percentile(b.d, CONFLICT_LOW_PERCENTILE);
    let separated = 0;
    for (let p = 0; p < conflict.length; p++) if (conflict[p] && a.d[p] > farA && b.d[p] <= nearB) separated++;
    return {
      name,
      tables: [a.label, b.label],
      distanceA: a.d,
      distanceB: b.d,
      histogramA: distanceHistogram(a.d, conflict, options.bins),
      histogramB: distanceHistogram(b.d, conflict, options.bins),
      joint: jointHistogram(a.d, b.d, 20, conflict),
      separated: conflictCount > 0 ? separated / conflictCount : NaN,
    };
  });
  return { pairs, conflict, conflictCount, models: measured };
}
