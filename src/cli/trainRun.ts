/**
 * The Node side of `reclens train`: the Train tab's own training service (workers/trainingService:
 * the same loader, trainer, run loop and final report) driven in this process on tfjs wasm or cpu;
 * wasm runs the threaded build on a pool of worker threads, as many as the studio's training
 * worker takes (workers/wasmThreads.ts) unless asked.
 */
import { availableParallelism } from 'node:os';
import type { ImportErrorCode } from '../contracts/errors.ts';
import type { FieldResult } from '../contracts/tables.ts';
import type { ModelConfig, TrainConfig } from '../contracts/modelConfig.ts';
import { ImportError } from '../data/importError.ts';
import { createTrainingService } from '../workers/trainingService.ts';
import type { DatasetSummary, LoadProgress } from '../workers/trainingProtocol.ts';
import { defaultWasmThreads } from '../workers/wasmThreads.ts';
import { setupNodeTf } from './nodeWasmSetup.ts';
import type { NodeBackendName } from './parseCliArgs.ts';
import type { TrainSource } from './trainSource.ts';

/** What one finished run measured. */
export interface TrainRun {
  dataset: string;
  summary: DatasetSummary;
  model: ModelConfig;
  train: TrainConfig;
  backend: string;
  /** wasm's pool size; null on cpu. */
  threads: number | null;
  parameters: number;
  stepsPerEpoch: number;
  /** Completed passes over the train split. */
  epochs: number;
  steps: number;
  /** Wall time of the run (first snapshot, steps, validations, test evaluation); loading excluded. */
  seconds: number;
  /** Training rows per second over that wall time. */
  samplesPerSecond: number;
  stoppedEarly: boolean;
  bestStep: number;
  validAuc: number;
  testAuc: number;
  testLogloss: number;
  bayesAuc: number | null;
  /** Per field, every embedding set side by side (the Train tab's final spectrum). */
  fields: FieldResult[];
}

export type TrainProgress =
  | { kind: 'load'; progress: LoadProgress }
  | { kind: 'step'; step: number; epoch: number; stepsPerEpoch: number; epochs: number }
  | { kind: 'eval'; step: number; epoch: number; auc: number; logloss: number };

/** Ctrl-C: the run stopped at `step` before its end; nothing it measured is a result. */
export interface Interrupted {
  interrupted: true;
  step: number;
}

export interface TrainHooks {
  onProgress?: (p: TrainProgress) => void;
  /** Aborting stops the load or the run at its next chunk. */
  signal?: AbortSignal;
}

export async function runTraining(
  src: TrainSource,
  settings: { model: ModelConfig; train: TrainConfig },
  backend: NodeBackendName,
  threads: number | undefined,
  hooks: TrainHooks = {},
): Promise<TrainRun | Interrupted> {
  const { onProgress, signal } = hooks;
  const service = createTrainingService(() => setupNodeTf(backend === 'wasm' ? (threads ?? defaultWasmThreads(availableParallelism())) : undefined));
  try {
    const state = await service.setBackend(backend);
    if (state.active !== backend) {
      const why = state.reports.find((r) => r.name === backend)?.error ?? `tfjs kept ${state.active}`;
      throw new Error(`the tfjs ${backend} backend did not start: ${why}`);
    }
    const stopLoad = () => service.cancelLoad();
    signal?.addEventListener('abort', stopLoad);
    const loaded = await service.load(src.source, (progress) => onProgress?.({ kind: 'load', progress }));
    signal?.removeEventListener('abort', stopLoad);
    if (!loaded.ok) {
      if (signal?.aborted) return { interrupted: true, step: 0 };
      throw new ImportError(loaded.error.code as ImportErrorCode, loaded.error.message, loaded.error.fix);
    }

    let stepsPerEpoch = 1;
    let epoch = 0;
    let step = 0;
    const stopRun = () => service.stop();
    signal?.addEventListener('abort', stopRun);
    if (signal?.aborted) return { interrupted: true, step: 0 };
    const t0 = performance.now();
    const outcome = await service.train({ ...settings, spectrumEvery: 0 }, (e) => {
      if (e.type === 'started') stepsPerEpoch = e.stepsPerEpoch;
      else if (e.type === 'loss') {
        ({ step, epoch } = e);
        onProgress?.({ kind: 'step', step, epoch, stepsPerEpoch, epochs: settings.train.epochs });
      } else if (e.type === 'eval') onProgress?.({ kind: 'eval', step: e.step, epoch: e.epoch, auc: e.auc, logloss: e.logloss });
    });
    const seconds = (performance.now() - t0) / 1000;
    signal?.removeEventListener('abort', stopRun);
    if (!outcome.ok) throw new ImportError(outcome.error.code as ImportErrorCode, outcome.error.message, outcome.error.fix);
    const report = outcome.report;
    if (outcome.status === 'stopped' || !report) return { interrupted: true, step };
    const batch = Math.min(settings.train.batchSize, loaded.summary.rows.train);
    return {
      dataset: src.name,
      summary: loaded.summary,
      ...settings,
      backend: state.active,
      threads: state.reports.find((r) => r.name === state.active)?.threads ?? null,
      parameters: report.parameters,
      stepsPerEpoch,
      epochs: Math.floor(report.step / stepsPerEpoch),
      steps: report.step,
      seconds,
      samplesPerSecond: (report.step * batch) / seconds,
      stoppedEarly: report.stoppedEarly,
      bestStep: report.bestStep,
      validAuc: report.bestValidAuc,
      testAuc: report.testAuc,
      testLogloss: report.testLogloss,
      bayesAuc: src.bayesAuc,
      fields: report.concatSpectrum,
    };
  } finally {
    service.dispose();
  }
}
