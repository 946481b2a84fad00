/** The Train view's URL keys: dataset, model and hyperparameters, so a link reproduces a run. */
import { MODEL_KINDS } from '../contracts/modelConfig.ts';
import { formUrlBinding, type FormKeys } from './formUrl.ts';
import { DEFAULT_TRAINING_FORM as D, type TrainingForm } from './trainingSlice.ts';
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

/** Each Train form setting and its link key. */
export const TRAINING_FORM_KEYS: FormKeys<TrainingForm, typeof trainingUrlSchema> = {
  datasetId: 'tds', kind: 'tmodel', sets: 'tsets', dim: 'tdim', sizeMultiplier: 'tsize', mlp: 'tmlp', lr: 'tlr',
  weightDecay: 'twd', batchSize: 'tbs', epochs: 'tep', patience: 'tpat', evalEvery: 'teval', seed: 'tseed', spectrumEvery: 'tsnap',
};

export const trainingUrlBinding = formUrlBinding('training', trainingUrlSchema, TRAINING_FORM_KEYS, (s) => s.trainingForm, (s, patch) => s.setTrainingForm(patch));
