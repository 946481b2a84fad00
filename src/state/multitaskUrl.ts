/** The Multi-task view's URL keys: dataset, model, optimiser and hyperparameters, so a link reproduces a run. */
import { MTL_ALTERNATIVES, MTL_MODEL_KINDS } from '../workers/multitaskProtocol.ts';
import { DEFAULT_MULTITASK_FORM as D } from './multitaskSlice.ts';
import type { UrlBinding } from './urlRegistry.ts';
import { enumField, intField, numberField, textField } from './urlState.ts';

export const multitaskUrlSchema = {
  mds: textField(60, D.datasetId, /^[\w.-]*$/),
  mmodel: enumField(MTL_MODEL_KINDS, D.model),
  mopt: enumField(MTL_ALTERNATIVES, D.alternative),
  mbeta: numberField(0, 0.999, D.beta),
  mlr: numberField(1e-6, 1, D.lr),
  mbs: intField(1, 65536, D.batchSize),
  msteps: intField(1, 100000, D.steps),
  mseed: intField(0, 2 ** 31 - 1, D.seed),
  mcsteps: intField(1, 100000, D.conflictSteps),
};

export const multitaskUrlBinding: UrlBinding<typeof multitaskUrlSchema> = {
  name: 'multitask',
  schema: multitaskUrlSchema,
  read: ({ mtlForm: f }) => ({ mds: f.datasetId, mmodel: f.model, mopt: f.alternative, mbeta: f.beta, mlr: f.lr, mbs: f.batchSize, msteps: f.steps, mseed: f.seed, mcsteps: f.conflictSteps }),
  apply: (v, s) =>
    s.setMtlForm({ datasetId: v.mds, model: v.mmodel, alternative: v.mopt, beta: v.mbeta, lr: v.mlr, batchSize: v.mbs, steps: v.msteps, seed: v.mseed, conflictSteps: v.mcsteps }),
};
