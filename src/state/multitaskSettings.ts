/** The Multi-task view's settings, one table: link key, rules, label. A link reproduces a run. */
import { MTL_ALTERNATIVES, MTL_MODEL_KINDS } from '../contracts/multitaskConfig.ts';
import { formUrlBinding, setting, urlSchemaOf, type FormSetting } from './formSchema.ts';
import { DEFAULT_MULTITASK_FORM as D, type MultitaskForm } from './multitaskSlice.ts';
import { enumField, intField, numberField, textField } from './urlState.ts';

export const MULTITASK_SETTINGS = {
  datasetId: setting('mds', textField(60, D.datasetId, /^[\w.-]*$/), 'Dataset'),
  model: setting('mmodel', enumField(MTL_MODEL_KINDS, D.model), 'Model'),
  alternative: setting('mopt', enumField(MTL_ALTERNATIVES, D.alternative), 'Adam vs'),
  beta: setting('mbeta', numberField(0, 0.999, D.beta), 'AU decay β', { step: 0.01, hint: 'AU_t = β AU_(t-1) + (1 - β) (Δθ)²' }),
  lr: setting('mlr', numberField(1e-6, 1, D.lr), 'Learning rate', { step: 0.0005 }),
  batchSize: setting('mbs', intField(1, 65536, D.batchSize), 'Batch', { step: 32 }),
  steps: setting('msteps', intField(1, 100000, D.steps), 'Steps', { step: 50 }),
  seed: setting('mseed', intField(0, 2 ** 31 - 1, D.seed), 'Seed'),
  conflictSteps: setting('mcsteps', intField(1, 100000, D.conflictSteps), 'Steps per model', { step: 20 }),
} satisfies { [P in keyof MultitaskForm]: FormSetting<string, MultitaskForm[P]> };

export const multitaskUrlSchema = urlSchemaOf(MULTITASK_SETTINGS);

export const multitaskUrlBinding = formUrlBinding(
  'multitask',
  MULTITASK_SETTINGS,
  (s) => s.mtlForm,
  (s, patch) => s.setMtlForm(patch),
);
