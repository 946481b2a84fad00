/**
 * Writes the behaviour-sequence dataset that ships with the studio into public/datasets/ (fixed
 * seed, byte-identical on every run: gzip level 9 with mtime 0 and no file name) as the gzip'd
 * sequence-sample CSV, checks that it reads back to the generated samples, and adds or replaces
 * its entry in index.json without touching the other entries.
 *   npx tsx scripts/generateSequenceDatasets.ts
 */
import { gzipSync } from 'fflate';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auc } from '../src/data/ctr/auc.ts';
import { bytesByteSource } from '../src/data/byteSource.ts';
import { DATASET_INDEX_FILE, DATASET_INDEX_VERSION, parseDatasetIndex, type DatasetIndex, type DatasetIndexEntry } from '../src/data/ctr/datasetIndex.ts';
import { importSequenceFile } from '../src/data/sequence/importSequenceFile.ts';
import { syntheticSequenceCsv } from '../src/data/sequence/syntheticSequenceCsv.ts';
import { generateSyntheticSequences, SHIPPED_SEQUENCE_CONFIG, type SyntheticSequenceConfig } from '../src/data/sequence/syntheticSequences.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'datasets');

export const SEQUENCE_DATASETS: { id: string; name: string; description: string; config: SyntheticSequenceConfig }[] = [
  {
    id: 'synthetic-sequences',
    name: 'Synthetic behaviour sequences (planted correlation)',
    description:
      "60k samples of 3,000 users: 50 categories of 40 items (Zipf), histories of 50 to 200 behaviours, 20 targets per user cut 5 behaviours apart (DARE's protocol). Planted for retrieval: the signal categories among the 24 most popular come in pairs (1-2, 4-5, 6-8, 9-10, ...), and a behaviour of a target's partner category anywhere in the history shifts its click (+-0.8, e-fold every 80 positions; the sign alternates pair by pair); the target's own category adds only a weak recency effect (0.3, e-fold every 3); every 4th category (3, 7, 11, ...) is noise. About 1 behaviour in 7 matters to a target, spread over the whole history, so a search that keeps the right 20 of 100 must have learned which category goes with which. Split by user (15 % test).",
    config: SHIPPED_SEQUENCE_CONFIG,
  },
];

function readIndex(path: string): DatasetIndex {
  if (!existsSync(path)) return { version: DATASET_INDEX_VERSION, datasets: [] };
  return parseDatasetIndex(JSON.parse(readFileSync(path, 'utf8')));
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const indexPath = join(OUT, DATASET_INDEX_FILE);
  const index = readIndex(indexPath);
  for (const { id, name, description, config } of SEQUENCE_DATASETS) {
    const generated = generateSyntheticSequences(config);
    const ds = generated.dataset;
    const file = `${id}.csv.gz`;
    const bytes = gzipSync(new TextEncoder().encode(syntheticSequenceCsv(generated)), { level: 9, mtime: 0 });
    const back = await importSequenceFile(bytesByteSource(bytes, file));
    for (const split of ['train', 'test'] as const)
      for (const key of ['labels', 'targetItems', 'targetCategories', 'histOffsets', 'histItems', 'histCategories'] as const)
        if (!same(back[split][key], ds[split][key])) throw new Error(`${id}: ${split}.${key} does not read back as generated`);
    writeFileSync(join(OUT, file), bytes);
    const bayes = auc(generated.trueProbabilities.test, ds.test.labels);
    const rows = ds.train.count + ds.test.count;
    const positives = (s: typeof ds.train) => s.labels.reduce((a, b) => a + b, 0);
    const rate = (positives(ds.train) + positives(ds.test)) / rows;
    const entry: DatasetIndexEntry = {
      id,
      family: 'sequence',
      tasks: ['click'],
      name,
      description: `${description} Click rate ${(100 * rate).toFixed(1)} %; Bayes test AUC ${bayes.toFixed(3)}.`,
      rows,
      fields: 2,
      file,
      bytes: bytes.length,
      format: 'sequence-csv',
      bayesTestAuc: Number(bayes.toFixed(4)),
    };
    const at = index.datasets.findIndex((d) => d.id === id);
    if (at >= 0) index.datasets[at] = entry;
    else index.datasets.push(entry);
    console.log(
      `${file}: ${ds.train.count} train + ${ds.test.count} test samples, ${ds.categoryVocabulary - 1} categories, ${ds.itemVocabulary - 1} items, click rate ${rate.toFixed(3)}, ${(bytes.length / 1e6).toFixed(2)} MB, Bayes test AUC ${bayes.toFixed(4)}`,
    );
  }
  writeFileSync(indexPath, JSON.stringify(index, null, 2) + '\n');
}

await main();
