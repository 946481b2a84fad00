/** A built-in dataset of public/datasets/index.json by id, as the studio loads it: the shipped file, or generated from its config. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CtrDataset } from '../src/data/ctr/ctrDataset.ts';
import { decodeCtrDataset } from '../src/data/ctr/datasetFile.ts';
import type { DatasetIndex, DatasetIndexEntry } from '../src/data/ctr/datasetIndex.ts';
import { generateSyntheticCtr } from '../src/data/ctr/syntheticCtr.ts';

const DIR = fileURLToPath(new URL('../public/datasets/', import.meta.url));

export function datasetEntry(id: string): DatasetIndexEntry {
  const index = JSON.parse(readFileSync(`${DIR}index.json`, 'utf8')) as DatasetIndex;
  const entry = index.datasets.find((d) => d.id === id);
  if (!entry) throw new RangeError(`no dataset ${id} in public/datasets/index.json (${index.datasets.map((d) => d.id).join(', ')})`);
  return entry;
}

const cache = new Map<string, CtrDataset>();

export function loadBuiltinDataset(id: string): { entry: DatasetIndexEntry; data: CtrDataset } {
  const entry = datasetEntry(id);
  let data = cache.get(id);
  if (!data) {
    data = entry.generator ? generateSyntheticCtr({ ...entry.generator, name: entry.id }) : decodeCtrDataset(new Uint8Array(readFileSync(DIR + entry.file)));
    cache.set(id, data);
  }
  return { entry, data };
}
