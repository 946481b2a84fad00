/** The Train view's URL keys: dataset, model and hyperparameters, so a link reproduces a run. */
import { MODEL_KINDS } from '../contracts/modelConfig.ts';
import type { UrlBinding } from './urlRegistry.ts';
import { DEFAULT_TRAINING_FORM as D } from './trainingSlice.ts';
import { enumField, intField, numberField, textField } from './urlState.ts';

export const trainingUrlSchema = {
  tds: textField(60, D.datasetId, /^[\w.-]*$/),
  tmodel: enumField(MODEL_KINDS, D.kind),
  tsets: intField(1, 16, D.sets),
  tdim: intField(1, 256, D.dim),
  tsize: intField(1, 10, D.sizeMultiplier),
  tmlp: textField(40, D.mlp, /^(\d+(-\d+)*)?$/),
  tlr: numberField(1e-6, 1, D.lr),
  twd: numberField(0, 1, D.weightDecay),
  tbs: intField(1, 65536, D.batchSize),
  tep: intField(1, 1000, D.epochs),
  tpat: intField(0, 100, D.patience),
  teval: intField(0, 100000, D.evalEvery),
  tseed: intField(0, 2 ** 31 - 1, D.seed),
  tsnap: intField(0, 100000, D.spectrumEvery),
};

export const trainingUrlBinding: UrlBinding<typeof trainingUrlSchema> = {
  name: 'training',
  schema: trainingUrlSchema,
  read: ({ trainingForm: f }) => ({
    tds: f.datasetId,
    tmodel: f.kind,
    tsets: f.sets,
    tdim: f.dim,
    tsize: f.sizeMultiplier,
    tmlp: f.mlp,
    tlr: f.lr,
    twd: f.weightDecay,
    tbs: f.batchSize,
    tep: f.epochs,
    tpat: f.patience,
    teval: f.evalEvery,
    tseed: f.seed,
    tsnap: f.spectrumEvery,
  }),
  apply: (v, s) =>
    s.setTrainingForm({
      datasetId: v.tds,
      kind: v.tmodel,
      sets: v.tsets,
      dim: v.tdim,
      sizeMultiplier: v.tsize,
      mlp: v.tmlp,
      lr: v.tlr,
      weightDecay: v.twd,
      batchSize: v.tbs,
      epochs: v.tep,
      patience: v.tpat,
      evalEvery: v.teval,
      seed: v.tseed,
      spectrumEvery: v.tsnap,
    }),
};
