/** The Sequences view's settings, one table: link key, rules, label. A link reproduces a run. */
import { SEQUENCE_MODEL_KINDS } from '../contracts/sequence.ts';
import { SEQUENCE_USER_CHOICES } from '../data/sequence/syntheticSequences.ts';
import { formUrlBinding, setting, urlSchemaOf, type FormSetting } from './formSchema.ts';
import { DEFAULT_SEQUENCE_FORM as D, type SequenceForm } from './sequenceSlice.ts';
import { enumField, intField, numberField, textField, type UrlMigration } from './urlState.ts';

/** The most users a link may ask a generated dataset for (the largest offered): 12,000 keep ~190 MB of histories at history 100 in the worker. */
const MAX_SEQUENCE_USERS = Math.max(...SEQUENCE_USER_CHOICES);

/** The users of the built-in sequences before users became a setting (the shipped 3,000-user file): what older runs and links trained on. */
export const USERS_BEFORE_THE_SETTING = 3000;

export const SEQUENCE_SETTINGS = {
  datasetId: setting('sds', textField(60, D.datasetId, /^[\w.-]*$/), 'Dataset'),
  users: setting('susers', intField(100, MAX_SEQUENCE_USERS, D.users), 'Users', {
    hint: 'The generated dataset: this many users, 20 samples each (the same seed and plant). More users, more rows: the models get closer to the Bayes AUC.',
  }),
  model: setting('smodel', enumField(SEQUENCE_MODEL_KINDS, D.model), 'Model'),
  dim: setting('sdim', intField(2, 256, D.dim), 'Embedding dim', { hint: 'Representation dim of item and category embeddings' }),
  attentionDim: setting('sadim', intField(1, 256, D.attentionDim), 'Attention dim (DARE)', {
    hint: "DARE's attention table; e.g. 1/2 or 1/4 of the embedding dim. The other models attend with the embedding dim.",
  }),
  topK: setting('stopk', intField(1, 1000, D.topK), 'Search top-k', { hint: "TWIN's and DARE's search stage keeps this many behaviours" }),
  historyLength: setting('shist', intField(1, 1000, D.historyLength), 'History length', { step: 10 }),
  lr: setting('slr', numberField(1e-6, 1, D.lr), 'Learning rate', { step: 0.0005 }),
  batchSize: setting('sbs', intField(1, 65536, D.batchSize), 'Batch', { step: 32 }),
  epochs: setting('sep', intField(1, 100, D.epochs), 'Epochs'),
  seed: setting('sseed', intField(0, 2 ** 31 - 1, D.seed), 'Seed'),
  seeds: setting('sseeds', intField(1, 10, D.seeds), 'Seeds to compare', { hint: 'Compare trains TWIN and DARE with seed, seed + 1, …' }),
} satisfies { [P in keyof SequenceForm]: FormSetting<string, SequenceForm[P]> };

export const sequenceUrlSchema = urlSchemaOf(SEQUENCE_SETTINGS);

export const sequenceUrlBinding = formUrlBinding(
  'sequence',
  SEQUENCE_SETTINGS,
  (s) => s.seqForm,
  (s, patch) => s.setSeqForm(patch),
);

/**
 * Links of version 1 predate the users setting: a link that set anything of the Sequences view meant
 * the 3,000 users it had then, not today's default (a link reproduces a run).
 */
export const usersSettingMigration: UrlMigration = (params) => {
  const sequenceKeys = Object.keys(sequenceUrlSchema);
  const forSequences = params.get('view') === 'sequence' || [...params.keys()].some((k) => sequenceKeys.includes(k));
  if (forSequences && !params.has('susers')) params.set('susers', String(USERS_BEFORE_THE_SETTING));
  return params;
};
