/** The Multi-task view's URL keys: dataset, model, optimiser and hyperparameters, so a link reproduces a run. */
import { DEFAULT_MULTITASK_FORM as D, type MultitaskForm } from './multitaskSlice.ts';
import { MTL_ALTERNATIVES, MTL_MODEL_KINDS } from '../contracts/multitaskConfig.ts';
import { formUrlBinding, type FormKeys } from './formUrl.ts';
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

/** Each Multi-task form setting and its link key. */
export const MULTITASK_FORM_KEYS: FormKeys<MultitaskForm, typeof multitaskUrlSchema> = {
  datasetId: 'mds', model: 'mmodel', alternative: 'mopt', beta: 'mbeta', lr: 'mlr', batchSize: 'mbs', steps: 'msteps', seed: 'mseed', conflictSteps: 'mcsteps',
};

export const multitaskUrlBinding = formUrlBinding('multitask', multitaskUrlSchema, MULTITASK_FORM_KEYS, (s) => s.mtlForm, (s, patch) => s.setMtlForm(patch));
