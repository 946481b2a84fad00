/** What the Train view says about a finished run: why it stopped and what its test AUC means (analysis/runVerdict.ts). */
import { resultVerdict, scalingVerdicts, stopReason, type ResultVerdict } from '../analysis/runVerdict.ts';
import { summarizeScaling, type ScalingPoint } from '../analysis/scalingPlan.ts';
import type { TrainingRun } from './trainingSlice.ts';

export interface RunReading {
  /** '' while the run goes on. */
  stop: string;
  /** null until the run has test metrics. */
  result: ResultVerdict | null;
}

/** `measuredCeiling`: the dataset's, when it is hard by design (DatasetIndexEntry.measuredCeilingAuc). */
export function readRun(run: TrainingRun, measuredCeiling?: number): RunReading {
  const f = run.final;
  const stop = stopReason({
    status: run.status,
    stoppedEarly: f?.stoppedEarly ?? false,
    step: f?.step ?? run.step,
    epochs: run.form.epochs,
    patience: run.form.patience,
    bestStep: f?.bestStep ?? -1,
    bestValidAuc: f?.bestValidAuc ?? NaN,
  });
  return { stop, result: f ? resultVerdict(f.testAuc, run.bayesAuc, measuredCeiling) : null };
}

/** The scaling queue's points read per size: results far from Bayes or at chance, and multi vs single against the seed spread. */
export function readScaling(points: readonly ScalingPoint[], bayesAuc?: number): string[] {
  return scalingVerdicts(summarizeScaling(points), bayesAuc);
}
