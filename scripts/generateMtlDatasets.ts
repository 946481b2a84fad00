/**
 * Writes the multi-task datasets that ship with the studio into public/datasets/ (fixed seeds,
 * byte-identical on every run) in RecLens's binary format, and adds or replaces their entries in
 * index.json without touching the other entries.
 *   npx tsx scripts/generateMtlDatasets.ts
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auc } from '../src/data/ctr/auc.ts';
import type { CtrSplit } from '../src/data/ctr/ctrDataset.ts';
import { decodeCtrDataset, encodeCtrDataset } from '../src/data/ctr/datasetFile.ts';
import { DATASET_INDEX_FILE, DATASET_INDEX_VERSION, parseDatasetIndex, type DatasetIndex, type DatasetIndexEntry } from '../src/data/ctr/datasetIndex.ts';
import { generateSyntheticMtl, type SyntheticMtlConfig } from '../src/data/mtl/syntheticMtl.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'datasets');

const DATASETS: { id: string; name: string; description: string; config: SyntheticMtlConfig }[] = [
  {
    id: 'synthetic-mtl-small',
    name: 'Synthetic multi-task (click 30 % / like 3 %)',
    description:
      '60k impressions of 200 users and 400 items: user, item, user group, item category, context (Zipf). Two tasks with imbalanced label rates (click 30 %, like 3 %) and mildly conflicting item preferences (rho = -0.3): the setting where one task dominates the shared layers. Few enough users and items that both tasks learn within a few hundred steps, and about 190 like positives in the test split, so an AUC gap of 0.04 is outside its noise.',
    config: { seed: 2023, rows: 60_000, users: 200, items: 400 },
  },
  {
    id: 'synthetic-mtl-conflict',
    name: 'Synthetic multi-task, conflicting tasks (rho = -0.8)',
    description:
      '20k impressions, click 20 % / like 10 %, item preferences strongly anti-correlated between the tasks (rho = -0.8): many conflict pairs for the interest-entanglement view.',
    config: {
      seed: 2024,
      rows: 20_000,
      taskCorrelation: -0.8,
      tasks: [
        { name: 'click', positiveRate: 0.2 },
        { name: 'like', positiveRate: 0.1 },
      ],
    },
  },
];

function column(split: CtrSplit, values: ArrayLike<number>, tasks: number, k: number): Float32Array {
  return Float32Array.from({ length: split.rows }, (_, r) => values[r * tasks + k]);
}

function readIndex(path: string): DatasetIndex {
  if (!existsSync(path)) return { version: DATASET_INDEX_VERSION, datasets: [] };
  return parseDatasetIndex(JSON.parse(readFileSync(path, 'utf8')));
}

function main(): void {
  mkdirSync(OUT, { recursive: true });
  const indexPath = join(OUT, DATASET_INDEX_FILE);
  const index = readIndex(indexPath);
  for (const { id, name, description, config } of DATASETS) {
    const ds = generateSyntheticMtl({ ...config, name: id });
    const bytes = encodeCtrDataset(ds);
    const back = decodeCtrDataset(bytes);
    if (back.tasks.length !== ds.tasks.length || back.test.labels.length !== ds.test.labels.length)
      throw new Error(`${id}: the file does not decode to the dataset`);
    const file = `${id}.rlctr`;
    writeFileSync(join(OUT, file), bytes);
    const T = ds.tasks.length;
    const bayes = ds.tasks.map(
      (task, k) => `${task} ${auc(column(ds.test, ds.test.trueProbabilities!, T, k), column(ds.test, ds.test.labels, T, k)).toFixed(3)}`,
    );
    const rows = ds.train.rows + ds.valid.rows + ds.test.rows;
    const entry: DatasetIndexEntry = {
      id,
      family: 'multitask',
      tasks: [...ds.tasks],
      name,
      description: `${description} Bayes test AUC: ${bayes.join(', ')}.`,
      rows,
      fields: ds.fields.length,
      file,
      bytes: bytes.length,
      format: 'rlctr',
    };
    const at = index.datasets.findIndex((d) => d.id === id);
    if (at >= 0) index.datasets[at] = entry;
    else index.datasets.push(entry);
    console.log(`${file}: ${rows} rows, tasks ${ds.tasks.join(' + ')}, ${(bytes.length / 1e3).toFixed(0)} kB, Bayes test AUC ${bayes.join(', ')}`);
  }
  writeFileSync(indexPath, JSON.stringify(index, null, 2) + '\n');
}

main();
