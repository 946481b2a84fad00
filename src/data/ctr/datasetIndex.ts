/** public/datasets/index.json: the datasets that ship with the studio. */
import { ImportError } from '../importError.ts';
import type { CtrDataset } from './ctrDataset.ts';
import type { CtrFormat } from './ctrParser.ts';
import type { SyntheticCtrConfig } from './syntheticCtr.ts';
import type { SequenceFormat } from '../sequence/sequenceParser.ts';
import type { SyntheticSequenceConfig } from '../sequence/syntheticSequences.ts';
import { decodeCtrDataset } from './datasetFile.ts';
import { isDatasetTrainDefaults, type DatasetTrainDefaults } from './trainDefaults.ts';

/**
 * Which model family trains on a dataset: click models, multi-task models, behaviour-sequence
 * models (issue 15), or none (side data such as movie genres).
 */
export type DatasetFamily = 'ctr' | 'multitask' | 'sequence' | 'side-data';
export const DATASET_FAMILIES: readonly DatasetFamily[] = ['ctr', 'multitask', 'sequence', 'side-data'];

export interface DatasetIndexEntry {
  id: string;
  family: DatasetFamily;
  /** Label columns in task order: one for a CTR dataset, two or more for multi-task, none for side data. */
  tasks: string[];
  name: string;
  description: string;
  /** Data rows (all splits). */
  rows: number;
  /** Categorical fields after parsing (a sequence dataset: 2, its item and category tables). */
  fields: number;
  /** Path relative to the index; empty for a dataset generated in the browser. */
  file: string;
  bytes: number;
  /**
   * 'rlctr' for RecLens's binary file (decodeCtrDataset), 'generated' for a synthetic dataset too
   * large to ship (generateSyntheticCtr(generator) in the worker, byte-identical every time),
   * otherwise the text format for the loaders (a sequence dataset's: importSequenceFile's,
   * gzip'd when the file ends in .gz).
   */
  format: 'rlctr' | 'generated' | CtrFormat | 'movielens-movies' | SequenceFormat;
  /** The generator's config, for format 'generated' (a CTR dataset). */
  generator?: SyntheticCtrConfig;
  /**
   * A generated behaviour-sequence dataset: the generator's config (generateSyntheticSequences in the
   * worker, bit-identical every time) at its default number of users, and every number of users
   * the studio offers with what it gives (`rows`, `bayesTestAuc` above are the default's).
   */
  sequenceGenerator?: SyntheticSequenceConfig;
  sizes?: SequenceDatasetSize[];
  /** Synthetic data: AUC of the true click probabilities on the test split (the best any model can do). */
  bayesTestAuc?: number;
  /**
   * A dataset that is hard by design: the best test AUC any recipe reached on it (experiments/README.md).
   * A run near it has learned what the rows allow, however far below the Bayes AUC that is.
   */
  measuredCeilingAuc?: number;
  /** Training defaults chosen by `npm run experiment:sweep` (resolve them with trainDefaultsFor). */
  trainDefaults?: DatasetTrainDefaults;
}

/** A generated sequence dataset at one number of users. */
export interface SequenceDatasetSize {
  users: number;
  /** Samples over both splits. */
  rows: number;
  bayesTestAuc: number;
}

export const DATASET_INDEX_VERSION = 2;

export interface DatasetIndex {
  version: typeof DATASET_INDEX_VERSION;
  datasets: DatasetIndexEntry[];
}

export const DATASET_INDEX_FILE = 'index.json';

const SEQUENCE_FORMATS: readonly string[] = ['sequence-csv', 'taobao-user-behavior', 'ctr-sequence-csv'] satisfies SequenceFormat[];

export const isSequenceFormat = (format: string): format is SequenceFormat => SEQUENCE_FORMATS.includes(format);

const tasksFit = (family: DatasetFamily, tasks: readonly string[]) =>
  family === 'side-data' ? tasks.length === 0 : family === 'ctr' || family === 'sequence' ? tasks.length === 1 : tasks.length >= 2;

const isEntry = (d: DatasetIndexEntry): boolean =>
  typeof d?.id === 'string' &&
  typeof d.file === 'string' &&
  typeof d.format === 'string' &&
  Number.isInteger(d.rows) &&
  Number.isInteger(d.fields) &&
  DATASET_FAMILIES.includes(d.family) &&
  Array.isArray(d.tasks) &&
  d.tasks.every((t) => typeof t === 'string') &&
  tasksFit(d.family, d.tasks) &&
  (d.trainDefaults === undefined || isDatasetTrainDefaults(d.trainDefaults)) &&
  (d.measuredCeilingAuc === undefined || (typeof d.measuredCeilingAuc === 'number' && d.measuredCeilingAuc > 0.5 && d.measuredCeilingAuc <= 1)) &&
  (d.family !== 'sequence' || SEQUENCE_FORMATS.includes(d.format) || isSequenceGenerated(d)) &&
  (d.format !== 'generated' ||
    d.family === 'sequence' ||
    (typeof d.generator === 'object' && d.generator !== null && Number.isInteger(d.generator.seed) && d.generator.rows === d.rows));

/** A generated sequence entry: its generator, and its sizes with the default (the generator's users) among them at the entry's rows. */
function isSequenceGenerated(d: DatasetIndexEntry): boolean {
  const g = d.sequenceGenerator;
  const sizes = d.sizes;
  return (
    d.format === 'generated' &&
    typeof g === 'object' &&
    g !== null &&
    Number.isInteger(g.seed) &&
    Number.isInteger(g.users) &&
    Array.isArray(sizes) &&
    sizes.every((z) => Number.isInteger(z?.users) && z.users >= 2 && Number.isInteger(z.rows) && typeof z.bayesTestAuc === 'number') &&
    sizes.some((z) => z.users === g.users && z.rows === d.rows)
  );
}

/**
 * Version 1 (before each entry said its family) is migrated: side data had no fields, and the
 * multi-task sets were the `synthetic-mtl-*` ones with click and like labels; everything else was CTR.
 */
function migrateV1Entry(d: Omit<DatasetIndexEntry, 'family' | 'tasks'>): DatasetIndexEntry {
  if (d?.format === 'movielens-movies' || d?.fields === 0) return { ...d, family: 'side-data', tasks: [] };
  if (typeof d?.id === 'string' && d.id.startsWith('synthetic-mtl')) return { ...d, family: 'multitask', tasks: ['click', 'like'] };
  return { ...d, family: 'ctr', tasks: ['click'] };
}

export function parseDatasetIndex(json: unknown): DatasetIndex {
  const raw = json as { version?: unknown; datasets?: unknown };
  const ok = typeof raw === 'object' && raw !== null && Array.isArray(raw.datasets) && (raw.version === 1 || raw.version === DATASET_INDEX_VERSION);
  const datasets = ok
    ? raw.version === 1
      ? (raw.datasets as Parameters<typeof migrateV1Entry>[0][]).map(migrateV1Entry)
      : (raw.datasets as DatasetIndexEntry[])
    : [];
  if (!ok || !datasets.every(isEntry))
    throw new ImportError(
      'bad-header',
      `The dataset index is not a RecLens index.json (version ${DATASET_INDEX_VERSION} with a datasets list, each entry with its family and tasks).`,
      'Regenerate it with `npm run datasets:generate`.',
    );
  return { version: DATASET_INDEX_VERSION, datasets };
}

/** The datasets a model family trains on. */
export const datasetsOf = (index: readonly DatasetIndexEntry[], family: DatasetFamily): DatasetIndexEntry[] => index.filter((d) => d.family === family);

/** Fetches and decodes a binary .rlctr dataset (browser or Node 18+). */
export async function fetchCtrDataset(url: string | URL, signal?: AbortSignal): Promise<CtrDataset> {
  const response = await fetch(url, { signal });
  if (!response.ok)
    throw new ImportError('read-failed', `Could not load ${String(url)}: HTTP ${response.status}.`, 'Check that the studio was built with public/datasets/.');
  return decodeCtrDataset(new Uint8Array(await response.arrayBuffer()));
}
