/**
 * Trains the runs of a scaling plan (scalingPlan.ts): one run to its end or early stop, with test
 * metrics at the best validation and the mean IA of all embedding sets side by side. The same code
 * drives the Node script and the studio's queue.
 */
import * as tf from '@tensorflow/tfjs';
import type { FieldResult } from '../contracts/tables.ts';
import type { CtrDataset } from '../data/ctr/ctrDataset.ts';
import { meanIa, type ScalingPoint, type ScalingRunSpec } from '../analysis/scalingPlan.ts';
import { tableSpectrum } from './tableSpectrum.ts';
import { createTrainer, type Trainer } from './trainer.ts';

/**
 * Per field, the spectrum of all embedding sets side by side ([E^1 | ... | E^M], N_f x M*K): the
 * same width as a single table of size M, so single and multi-embedding compare on one scale.
 * Each row of the joined table is L2-normalised as a whole (RecScope's recipe, SCIENCE.md section 1).
 * Neither thuml/Multi-Embedding (models and regularisers only) nor RecScope's analysis_dcnv2.ipynb
 * (single tables only) computes IA for several sets, so this is the studio's choice, and the
 * scaling chart's axis says so; sets that learn the same directions score low here.
 */
export async function concatenatedSpectrum(trainer: Trainer): Promise<FieldResult[]> {
  const tables = trainer.model.embeddingTables;
  const joined = tables.length === 1 ? tf.clone(tables[0]) : tf.concat(tables, 1);
  try {
    return await tableSpectrum(joined as tf.Tensor2D, trainer.dataset.fields);
  } finally {
    joined.dispose();
  }
}

export interface ScalingHooks {
  /** After every chunk of steps; return false to stop this run early (cancel). */
  onProgress?: (step: number, lastValidAuc: number) => boolean | void;
  chunkSteps?: number;
}

/** Trains one planned run to the end (or early stop), restores its best weights, and measures it. */
export async function runScalingPoint(dataset: CtrDataset, spec: ScalingRunSpec, hooks: ScalingHooks = {}): Promise<ScalingPoint> {
  const trainer = createTrainer(dataset, spec.model, spec.train);
  try {
    let lastAuc = NaN;
    while (!trainer.state.done) {
      const run = await trainer.runSteps(hooks.chunkSteps ?? 20);
      if (run.validations.length > 0) lastAuc = run.validations[run.validations.length - 1].auc;
      if (hooks.onProgress?.(trainer.state.step, lastAuc) === false) break;
    }
    if (!Number.isNaN(trainer.state.bestValidAuc)) trainer.restoreBest();
    const test = await trainer.evaluate('test');
    const ia = meanIa(await concatenatedSpectrum(trainer));
    return {
      variant: spec.variant,
      size: spec.size,
      seed: spec.seed,
      parameters: trainer.model.parameterCount(),
      testAuc: test.auc,
      testLogloss: test.logloss,
      bestValidAuc: trainer.state.bestValidAuc,
      steps: trainer.state.step,
      ...ia,
    };
  } finally {
    trainer.dispose();
  }
}
