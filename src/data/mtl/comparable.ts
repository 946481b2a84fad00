/**
 * STEM's comparable samples: rows whose labels agree across every task (all positive or all
 * negative). Negative transfer between tasks shows most on them, so every metric can be
 * filtered to them.
 */
import type { CtrSplit } from '../ctr/ctrDataset.ts';
import { takeRows } from '../ctr/split.ts';

/** Tasks per row of a split (labels are rows x tasks). */
export function taskCount(split: CtrSplit): number {
  if (split.rows === 0) return 0;
  return split.labels.length / split.rows;
}

/** 1 where the row's labels agree across all tasks, else 0. */
export function comparableMask(split: CtrSplit): Uint8Array {
  const T = taskCount(split);
  const mask = new Uint8Array(split.rows);
  for (let r = 0; r < split.rows; r++) {
    const first = split.labels[r * T] > 0.5;
    let same = true;
    for (let t = 1; t < T && same; t++) same = split.labels[r * T + t] > 0.5 === first;
    mask[r] = same ? 1 : 0;
  }
  return mask;
}

/** The rows of a split where mask is non-zero, as a new split (all arrays copied). */
export function selectRows(split: CtrSplit, mask: Uint8Array): CtrSplit {
  if (mask.length !== split.rows) throw new RangeError(`mask has ${mask.length} entries for ${split.rows} rows`);
  let kept = 0;
  for (let r = 0; r < mask.length; r++) if (mask[r]) kept++;
  const ids = new Int32Array(kept);
  for (let r = 0, k = 0; r < mask.length; r++) if (mask[r]) ids[k++] = r;
  const fieldCount = split.rows === 0 ? 0 : split.indices.length / split.rows;
  return takeRows({ ...split, fieldCount, taskCount: taskCount(split) }, ids);
}
