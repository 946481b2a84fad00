/**
 * Task dominance (AdaTask, SCIENCE.md section 2): per shared parameter and task, the
 * exponentially decaying average of squared updates AU^k_t = beta AU^k_{t-1} + (1 - beta) (dtheta^k_t)^2,
 * its share rAU^k = AU^k / sum_j AU^j, and per-layer aggregates.
 */

export const DEFAULT_AU_BETA = 0.9;
export const DEFAULT_RAU_BINS = 20;

/** AU of every entry of one parameter tensor, per task. */
export class AuTracker {
  readonly au: Float64Array[];
  steps = 0;

  constructor(
    readonly size: number,
    readonly tasks: number,
    readonly beta = DEFAULT_AU_BETA,
  ) {
    if (!(beta >= 0 && beta < 1)) throw new RangeError(`AU beta must lie in [0, 1), got ${beta}`);
    this.au = Array.from({ length: tasks }, () => new Float64Array(size));
  }

  /** One step: updates[k] is task k's update of every entry. */
  update(updates: readonly ArrayLike<number>[]): void {
    if (updates.length !== this.tasks) throw new RangeError(`expected ${this.tasks} task updates, got ${updates.length}`);
    const b = this.beta;
    for (let k = 0; k < this.tasks; k++) {
      const u = updates[k];
      if (u.length !== this.size) throw new RangeError(`task ${k} update has ${u.length} entries, the parameter ${this.size}`);
      const a = this.au[k];
      for (let i = 0; i < this.size; i++) a[i] = b * a[i] + (1 - b) * u[i] * u[i];
    }
    this.steps++;
  }

  /** rAU of every entry per task; NaN where no task has moved the entry yet. */
  relative(): Float64Array[] {
    const out = Array.from({ length: this.tasks }, () => new Float64Array(this.size));
    for (let i = 0; i < this.size; i++) {
      let total = 0;
      for (let k = 0; k < this.tasks; k++) total += this.au[k][i];
      for (let k = 0; k < this.tasks; k++) out[k][i] = total > 0 ? this.au[k][i] / total : NaN;
    }
    return out;
  }
}

export interface LayerDominance {
  layer: string;
  /** Entries counted (those some task has moved). */
  parameters: number;
  /** Mean rAU per task over the counted entries (sums to 1). */
  meanRau: number[];
  /** Share of counted entries whose largest AU is task k's (ties to the lower task). */
  argmaxShare: number[];
  /** Per task, counts of rAU in `bins` equal bins on [0, 1]. */
  histogram: number[][];
}

/** Aggregates the trackers of one layer's tensors. */
export function layerDominance(layer: string, trackers: readonly AuTracker[], bins = DEFAULT_RAU_BINS): LayerDominance {
  const T = trackers[0]?.tasks ?? 0;
  const sums = new Float64Array(T);
  const wins = new Float64Array(T);
  const histogram = Array.from({ length: T }, () => new Array<number>(bins).fill(0));
  let counted = 0;
  for (const tracker of trackers) {
    if (tracker.tasks !== T) throw new RangeError('every tracker of a layer needs the same task count');
    const rau = tracker.relative();
    for (let i = 0; i < tracker.size; i++) {
      if (Number.isNaN(rau[0][i])) continue;
      counted++;
      let best = 0;
      for (let k = 0; k < T; k++) {
        const r = rau[k][i];
        sums[k] += r;
        if (r > rau[best][i]) best = k;
        histogram[k][Math.min(bins - 1, Math.floor(r * bins))]++;
      }
      wins[best]++;
    }
  }
  return {
    layer,
    parameters: counted,
    meanRau: Array.from(sums, (s) => (counted > 0 ? s / counted : NaN)),
    argmaxShare: Array.from(wins, (w) => (counted > 0 ? w / counted : NaN)),
    histogram,
  };
}
