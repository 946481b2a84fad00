/**
 * Where `reclens train` gets its data: `--dataset ID` (a CTR dataset of public/datasets/index.json,
 * its shipped file or its generator config, as the Train tab loads it) or a FILE in any format the
 * Train tab reads (Criteo TSV, Avazu CSV, MovieLens, .rlctr).
 */
import { openAsBlob } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET_INDEX_FILE, parseDatasetIndex, type DatasetIndexEntry } from '../data/ctr/datasetIndex.ts';
import { ImportError } from '../data/importError.ts';
import type { DatasetSource } from '../workers/trainingProtocol.ts';

export interface TrainSource {
  /** The dataset id, or the file's name. */
  name: string;
  source: DatasetSource;
  /** The built-in dataset's index entry (its training defaults); undefined for a FILE. */
  entry?: DatasetIndexEntry;
  /** Test AUC of the true click probabilities, where the data is synthetic and says so. */
  bayesAuc: number | null;
}

/** The studio's shipped datasets, beside the sources. */
export const DATASETS_DIR = fileURLToPath(new URL('../../public/datasets/', import.meta.url));

export async function readDatasetIndex(dir = DATASETS_DIR): Promise<DatasetIndexEntry[]> {
  return parseDatasetIndex(JSON.parse(await readFile(dir + DATASET_INDEX_FILE, 'utf8'))).datasets;
}

export async function datasetSource(id: string, dir = DATASETS_DIR): Promise<TrainSource> {
  const index = await readDatasetIndex(dir);
  const entry = index.find((d) => d.id === id);
  const ctrIds = index.filter((d) => d.family === 'ctr').map((d) => d.id);
  if (!entry) throw new ImportError('read-failed', `There is no built-in dataset "${id}".`, `Use one of: ${ctrIds.join(', ')}; or give a FILE.`);
  if (entry.family !== 'ctr')
    throw new ImportError(
      'unsupported-format',
      `"${id}" is a ${entry.family} dataset; reclens train trains click (CTR) models.`,
      `Use one of: ${ctrIds.join(', ')}; or give a FILE.`,
    );
  const bayesAuc = entry.bayesTestAuc ?? null;
  if (entry.format === 'generated') {
    if (!entry.generator) throw new ImportError('bad-header', `"${id}" is generated but its index entry has no generator config.`, 'Regenerate index.json.');
    return { name: id, entry, bayesAuc, source: { kind: 'generated', config: entry.generator, name: id } };
  }
  const path = dir + entry.file;
  if (entry.format === 'rlctr')
    return { name: id, entry, bayesAuc, source: { kind: 'rlctr-bytes', bytes: new Uint8Array(await readFile(path)), name: entry.file } };
  return { name: id, entry, bayesAuc, source: { kind: 'file', file: await openAsBlob(path), name: entry.file } };
}

export async function fileSource(path: string): Promise<TrainSource> {
  const info = await stat(path);
  if (info.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR', path });
  const name = basename(path);
  return { name, bayesAuc: null, source: { kind: 'file', file: await openAsBlob(path), name } };
}
