/**
 * The Train view's scaling experiment: the runs of a scaling plan (sizes x variants x seeds) one
 * after another through the view's run path, each reduced to a point of test AUC and mean IA.
 */
import { meanIa, scalingRuns, type ScalingPoint, type ScalingRunSpec } from '../analysis/scalingPlan.ts';
import type { TrainingEvent, TrainRequest } from '../workers/trainingProtocol.ts';
import type { StudioStore } from './studioStore.ts';
import { modelConfigOf, trainConfigOf, type ScalingSettings, type TrainingForm, type TrainingRun } from './trainingSlice.ts';

/** The queue's runs: the form's dataset, MLP and optimiser, the scaling settings' model, base dim, sizes, variants, epochs and seeds. */
export function scalingSpecs(form: TrainingForm, settings: ScalingSettings): ScalingRunSpec[] {
  return scalingRuns({
    sizes: settings.sizes,
    variants: settings.variants,
    seeds: Array.from({ length: settings.seeds }, (_, i) => form.seed + i),
    model: { ...modelConfigOf({ ...form, kind: settings.kind, sizeMultiplier: 1, sets: 1 }), embeddingDim: settings.baseDim },
    train: { ...trainConfigOf(form), epochs: settings.epochs },
  });
}

export interface ScalingExperiment {
  startScaling(): Promise<void>;
  cancelScaling(): void;
}

export interface ScalingDeps {
  store: StudioStore;
  /** A run, a dataset load or an experiment is already going. */
  busy(): boolean;
  /** Loads the form's dataset unless loaded; its display name, or null when it could not. */
  ensureDataset(): Promise<string | null>;
  runOne(request: TrainRequest, form: TrainingForm, datasetName: string, onEvent?: (e: TrainingEvent) => void): Promise<TrainingRun | null>;
  stop(): void;
}

export function createScalingExperiment({ store, busy, ensureDataset, runOne, stop }: ScalingDeps): ScalingExperiment {
  const state = () => store.getState();
  let cancelled = false;
  return {
    async startScaling() {
      if (busy()) return;
      const form = state().trainingForm;
      const { settings } = state().scaling;
      const name = await ensureDataset();
      if (!name) return;
      const specs = scalingSpecs(form, settings);
      cancelled = false;
      state().setScaling({ phase: 'running', index: 0, total: specs.length, points: [], current: '', currentAuc: NaN });
      const points: ScalingPoint[] = [];
      for (const [i, spec] of specs.entries()) {
        if (cancelled) break;
        const runForm: TrainingForm = {
          ...form,
          kind: spec.model.kind,
          dim: spec.model.embeddingDim,
          sizeMultiplier: 1,
          sets: spec.model.embeddingSets,
          epochs: spec.train.epochs,
        };
        state().setScaling({ index: i, current: `${spec.variant} ${spec.size}x${settings.seeds > 1 ? ` seed ${spec.seed}` : ''}`, currentAuc: NaN });
        const run = await runOne({ model: spec.model, train: spec.train, spectrumEvery: 0 }, runForm, name, (e) => {
          if (e.type === 'eval') state().setScaling({ currentAuc: e.auc });
        });
        const final = run?.final;
        if (!final || cancelled) continue;
        const ia = meanIa(final.concatSpectrum);
        points.push({
          variant: spec.variant,
          size: spec.size,
          seed: spec.seed,
          parameters: final.parameters,
          testAuc: final.testAuc,
          testLogloss: final.testLogloss,
          bestValidAuc: final.bestValidAuc,
          steps: final.step,
          ...ia,
        });
        state().setScaling({ points: [...points] });
      }
      state().setScaling({ phase: cancelled ? 'cancelled' : 'done', index: specs.length });
    },

    cancelScaling() {
      cancelled = true;
      stop();
    },
  };
}
