/**
 * One CTR training run for the experiments (sweep, learnable): the studio's trainer on a dataset
 * with a set of training defaults, to its last epoch or early stop, test metrics at the best
 * validation, the time it took and why it stopped. Not product code.
 */
import type { CtrDataset } from '../src/data/ctr/ctrDataset.ts';
import type { TrainDefaults } from '../src/data/ctr/trainDefaults.ts';
import { DEFAULT_MODEL_CONFIG, type ModelKind } from '../src/contracts/modelConfig.ts';
import { createTrainer } from '../src/models/trainer.ts';

export interface CtrRunResult {
  testAuc: number;
  testLogloss: number;
  bestValidAuc: number;
  steps: number;
  bestStep: number;
  epochs: number;
  stoppedEarly: boolean;
  seconds: number;
}

/** Trains `kind` with `d` (seed for weights and shuffling) and measures it on the test split. */
export async function trainCtrRun(
  data: CtrDataset,
  kind: ModelKind,
  d: TrainDefaults,
  seed: number,
  options: { maxSeconds?: number } = {},
): Promise<CtrRunResult> {
  const t0 = performance.now();
  const trainer = createTrainer(
    data,
    { ...DEFAULT_MODEL_CONFIG, kind, embeddingDim: d.dim, mlp: [...d.mlp], dropout: d.dropout, seed },
    { lr: d.lr, weightDecay: d.weightDecay, batchSize: d.batchSize, epochs: d.epochs, earlyStopPatience: d.patience, evalEvery: d.evalEvery, seed },
  );
  try {
    while (!trainer.state.done) {
      await trainer.runSteps(20);
      if (options.maxSeconds !== undefined && (performance.now() - t0) / 1000 > options.maxSeconds) break;
    }
    const st = trainer.state;
    if (!Number.isNaN(st.bestValidAuc)) trainer.restoreBest();
    const test = await trainer.evaluate('test');
    return {
      testAuc: test.auc,
      testLogloss: test.logloss,
      bestValidAuc: st.bestValidAuc,
      steps: st.step,
      bestStep: st.bestStep,
      epochs: st.epoch,
      stoppedEarly: st.stoppedEarly,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    trainer.dispose();
  }
}
