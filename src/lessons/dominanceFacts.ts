import type { MtlRun } from '../state/multitaskSlice.ts';
import type { MtlArm } from '../contracts/multitaskConfig.ts';

export interface LayerShare {
  layer: string;
  /** The task with the largest mean rAU in this layer, and that rAU, per optimiser. */
  adam: { task: string; rau: number };
  alt: { task: string; rau: number };
}

export interface DominanceFacts {
  tasks: string[];
  step: number;
  /** The layer where Adam's dominant task holds the most. */
  worst: LayerShare;
  /** The top shared layer (the last one), where the paper finds one task dominating under Adam. */
  top: LayerShare;
  /** The task with the smallest mean rAU in the top shared layer under Adam: the one Adam starves there. */
  starved: string;
  layers: LayerShare[];
  /** Test AUC per task, per optimiser, at the last evaluation (empty if none yet). */
  auc: { task: string; adam: number; alt: number; positives: number; rows: number }[];
}

function top(tasks: string[], rau: number[]): { task: string; rau: number } {
  const k = rau.reduce((best, v, i) => (v > rau[best] ? i : best), 0);
  return { task: tasks[k], rau: rau[k] };
}

/** Who dominates each shared layer at the run's last snapshot, under Adam and under the alternative. */
export function dominanceFacts(run: MtlRun): DominanceFacts | null {
  const last = run.snapshots[run.snapshots.length - 1];
  if (!last || run.tasks.length < 2) return null;
  const of = (arm: MtlArm, layer: string) => last.arms[arm].dominance.find((l) => l.layer === layer)?.meanRau;
  const layers: LayerShare[] = [];
  for (const l of last.arms.adam.dominance) {
    const adam = of('adam', l.layer);
    const alt = of('alt', l.layer);
    if (adam && alt && adam.length === run.tasks.length) layers.push({ layer: l.layer, adam: top(run.tasks, adam), alt: top(run.tasks, alt) });
  }
  if (layers.length === 0) return null;
  const worst = layers.reduce((a, b) => (b.adam.rau > a.adam.rau ? b : a));
  const highest = layers[layers.length - 1];
  const topRau = of('adam', highest.layer)!;
  const starved = run.tasks[topRau.reduce((low, v, k) => (v < topRau[low] ? k : low), 0)];
  const m = run.metrics[run.metrics.length - 1];
  const auc = m
    ? run.tasks.map((task, k) => ({
        task,
        adam: m.all.adam[k]?.auc ?? NaN,
        alt: m.all.alt[k]?.auc ?? NaN,
        positives: m.all.adam[k]?.positives ?? 0,
        rows: m.all.adam[k]?.rows ?? 0,
      }))
    : [];
  return { tasks: run.tasks, step: last.step, worst, top: highest, starved, layers, auc };
}
