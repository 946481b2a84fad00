/** The Train view's settings, one table: link key, rules, label. A link reproduces a run. */
import { MODEL_KINDS } from '../contracts/modelConfig.ts';
import { formUrlBinding, setting, urlSchemaOf, type FormSetting } from './formSchema.ts';
import { DEFAULT_TRAINING_FORM as D, type TrainingForm } from './trainingSlice.ts';
import { enumField, intField, numberField, textField } from './urlState.ts';

export const TRAINING_SETTINGS = {
  datasetId: setting('tds', textField(60, D.datasetId, /^[\w.-]*$/), 'Dataset'),
  kind: setting('tmodel', enumField(MODEL_KINDS, D.kind), 'Model'),
  sets: setting('tsets', intField(1, 16, D.sets), 'Sets M'),
  dim: setting('tdim', intField(1, 256, D.dim), 'Dim'),
  sizeMultiplier: setting('tsize', intField(1, 10, D.sizeMultiplier), 'Size x'),
  mlp: setting('tmlp', textField(40, D.mlp, /^(\d+(-\d+)*)?$/), 'MLP widths'),
  lr: setting('tlr', numberField(1e-6, 1, D.lr), 'Learning rate'),
  weightDecay: setting('twd', numberField(0, 1, D.weightDecay), 'Weight decay'),
  dropout: setting('tdrop', numberField(0, 0.95, D.dropout), 'Dropout', { step: 0.05 }),
  batchSize: setting('tbs', intField(1, 65536, D.batchSize), 'Batch'),
  epochs: setting('tep', intField(1, 1000, D.epochs), 'Epochs'),
  patience: setting('tpat', intField(0, 100, D.patience), 'Patience (evaluations)', {
    hint: 'Evaluations without a better validation AUC before the run stops early; 0 never stops early.',
  }),
  evalEvery: setting('teval', intField(0, 100000, D.evalEvery), 'Eval every (steps)', { hint: 'Validate every this many steps; 0 = once per epoch.' }),
  seed: setting('tseed', intField(0, 2 ** 31 - 1, D.seed), 'Seed'),
  spectrumEvery: setting('tsnap', intField(0, 100000, D.spectrumEvery), 'Snapshot / steps'),
} satisfies { [P in keyof TrainingForm]: FormSetting<string, TrainingForm[P]> };

/** The dropout every Train-view run used before the form had the setting (DEFAULT_MODEL_CONFIG's): older saved runs read it. */
export const LEGACY_TRAINING_DROPOUT = 0.2;

export const trainingUrlSchema = urlSchemaOf(TRAINING_SETTINGS);

export const trainingUrlBinding = formUrlBinding(
  'training',
  TRAINING_SETTINGS,
  (s) => s.trainingForm,
  (s, patch) => s.setTrainingForm(patch),
);
