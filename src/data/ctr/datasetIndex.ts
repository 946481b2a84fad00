/** public/datasets/index.json: the datasets that ship with the studio. */
import { ImportError } from '../importError.ts';
import type { CtrDataset } from './ctrDataset.ts';
import type { CtrFormat } from './ctrParser.ts';
import type { SyntheticCtrConfig } from './syntheticCtr.ts';
import { decodeCtrDataset } from './datasetFile.ts';

export interface DatasetIndexEntry {
  id: string;
  name: string;
  description: string;
  /** Data rows (all splits). */
  rows: number;
  /** Categorical fields after parsing. */
  fields: number;
  /** Path relative to the index; empty for a dataset generated in the browser. */
  file: string;
  bytes: number;
  /**
   * 'rlctr' for RecLens's binary file (decodeCtrDataset), 'generated' for a synthetic dataset too
   * large to ship (generateSyntheticCtr(generator) in the worker, byte-identical every time),
   * otherwise the text format for the loaders.
   */
  format: 'rlctr' | 'generated' | CtrFormat | 'movielens-movies';
  /** The generator's config, for format 'generated'. */
  generator?: SyntheticCtrConfig;
  /** Synthetic data: AUC of the true click probabilities on the test split (the best any model can do). */
  bayesTestAuc?: number;
}

export interface DatasetIndex {
  version: 1;
  datasets: DatasetIndexEntry[];
}

export const DATASET_INDEX_FILE = 'index.json';

export function parseDatasetIndex(json: unknown): DatasetIndex {
  const index = json as DatasetIndex;
  const valid =
    typeof index === 'object' && index !== null && index.version === 1 && Array.isArray(index.datasets) &&
    index.datasets.every(
      (d) =>
        typeof d?.id === 'string' && typeof d.file === 'string' && typeof d.format === 'string' && Number.isInteger(d.rows) && Number.isInteger(d.fields) &&
        (d.format !== 'generated' || (typeof d.generator === 'object' && d.generator !== null && Number.isInteger(d.generator.seed) && d.generator.rows === d.rows)),
    );
  if (!valid) throw new ImportError('bad-header', 'The dataset index is not a RecLens index.json (version 1 with a datasets list).', 'Regenerate it with `npx tsx scripts/generateDatasets.ts`.');
  return index;
}

/** Fetches and decodes a binary .rlctr dataset (browser or Node 18+). */
export async function fetchCtrDataset(url: string | URL, signal?: AbortSignal): Promise<CtrDataset> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new ImportError('read-failed', `Could not load ${String(url)}: HTTP ${response.status}.`, 'Check that the studio was built with public/datasets/.');
  return decodeCtrDataset(new Uint8Array(await response.arrayBuffer()));
}
