/**
 * The built-in behaviour sequences: the studio generates them in its sequence worker (index.json
 * entry, format 'generated', with the generator's config and, per number of users offered, the
 * samples and the Bayes test AUC that gives), and the 3,000-user set ships as a gzip'd
 * sequence-sample CSV (fixed seed, byte-identical on every run: gzip level 9 with mtime 0 and no
 * file name), the real-format fixture that tests, the drop-a-file e2e and `reclens correlation`
 * read. Checks that the file reads back to the generated samples, and adds or replaces the entry in
 * index.json without touching the other entries.
 *   npx tsx scripts/generateSequenceDatasets.ts
 */
import { gzipSync } from 'fflate';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auc } from '../src/data/ctr/auc.ts';
import { bytesByteSource } from '../src/data/byteSource.ts';
import {
  DATASET_INDEX_FILE,
  DATASET_INDEX_VERSION,
  parseDatasetIndex,
  type DatasetIndex,
  type DatasetIndexEntry,
  type SequenceDatasetSize,
} from '../src/data/ctr/datasetIndex.ts';
import { importSequenceFile } from '../src/data/sequence/importSequenceFile.ts';
import { syntheticSequenceCsv } from '../src/data/sequence/syntheticSequenceCsv.ts';
import {
  DEFAULT_SEQUENCE_USERS,
  generateSyntheticSequences,
  SEQUENCE_USER_CHOICES,
  SHIPPED_SEQUENCE_CONFIG,
  type SyntheticSequenceConfig,
} from '../src/data/sequence/syntheticSequences.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'datasets');

/** The fixture file's users: the set that shipped as the built-in file before it was generated in the worker. */
const FIXTURE_USERS = 3000;

export const SEQUENCE_DATASETS: { id: string; name: string; description: string; config: SyntheticSequenceConfig }[] = [
  {
    id: 'synthetic-sequences',
    name: 'Synthetic behaviour sequences (planted correlation)',
    description:
      "Generated in your browser (seconds; 3,000, 6,000 or 12,000 users, the default 12,000: 203,900 train / 36,100 test samples, at which the models' AUC is bounded less by the rows). 50 categories of 40 items (Zipf), histories of 50 to 200 behaviours, 20 targets per user cut 5 behaviours apart (DARE's protocol). Planted for retrieval: the signal categories among the 24 most popular come in pairs (1-2, 4-5, 6-8, 9-10, ...), and a behaviour of a target's partner category anywhere in the history shifts its click (+-0.8, e-fold every 80 positions; the sign alternates pair by pair); the target's own category adds only a weak recency effect (0.3, e-fold every 3); every 4th category (3, 7, 11, ...) is noise. About 1 behaviour in 7 matters to a target, spread over the whole history, so a search that keeps the right 20 of 100 must have learned which category goes with which. Split by user (15 % test).",
    config: SHIPPED_SEQUENCE_CONFIG,
  },
];

function readIndex(path: string): DatasetIndex {
  if (!existsSync(path)) return { version: DATASET_INDEX_VERSION, datasets: [] };
  return parseDatasetIndex(JSON.parse(readFileSync(path, 'utf8')));
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);

/** Samples and Bayes test AUC at `users` (histories kept to 1 behaviour: the labels and probabilities do not depend on it). */
function sizeOf(config: SyntheticSequenceConfig, users: number): SequenceDatasetSize & { clickRate: number } {
  const g = generateSyntheticSequences({ ...config, users }, { keepHistory: 1 });
  const { train, test } = g.dataset;
  const positives = (s: typeof train) => s.labels.reduce((a, b) => a + b, 0);
  const rows = train.count + test.count;
  return { users, rows, bayesTestAuc: Number(auc(g.trueProbabilities.test, test.labels).toFixed(4)), clickRate: (positives(train) + positives(test)) / rows };
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const indexPath = join(OUT, DATASET_INDEX_FILE);
  const index = readIndex(indexPath);
  for (const { id, name, description, config } of SEQUENCE_DATASETS) {
    // The fixture: the 3,000-user set as the sequence-sample CSV, read back to the generated samples.
    const generated = generateSyntheticSequences({ ...config, users: FIXTURE_USERS });
    const ds = generated.dataset;
    const file = `${id}.csv.gz`;
    const bytes = gzipSync(new TextEncoder().encode(syntheticSequenceCsv(generated)), { level: 9, mtime: 0 });
    const back = await importSequenceFile(bytesByteSource(bytes, file));
    for (const split of ['train', 'test'] as const)
      for (const key of ['labels', 'targetItems', 'targetCategories', 'histOffsets', 'histItems', 'histCategories'] as const)
        if (!same(back[split][key], ds[split][key])) throw new Error(`${id}: ${split}.${key} does not read back as generated`);
    writeFileSync(join(OUT, file), bytes);
    console.log(`${file}: ${ds.train.count} train + ${ds.test.count} test samples, ${(bytes.length / 1e6).toFixed(2)} MB (the fixture)`);
    // The entry: the generator at the default users, and every size offered.
    const sizes = SEQUENCE_USER_CHOICES.map((users) => sizeOf(config, users));
    const main = sizes.find((z) => z.users === DEFAULT_SEQUENCE_USERS)!;
    const bayes = sizes.map((z) => `${z.bayesTestAuc.toFixed(3)} at ${z.users.toLocaleString('en')} users`).join(', ');
    const entry: DatasetIndexEntry = {
      id,
      family: 'sequence',
      tasks: ['click'],
      name,
      description: `${description} Click rate ${(100 * main.clickRate).toFixed(1)} %; Bayes test AUC ${bayes}.`,
      rows: main.rows,
      fields: 2,
      file: '',
      bytes: 0,
      format: 'generated',
      sequenceGenerator: { ...config, users: DEFAULT_SEQUENCE_USERS },
      sizes: sizes.map(({ users, rows, bayesTestAuc }) => ({ users, rows, bayesTestAuc })),
      bayesTestAuc: main.bayesTestAuc,
    };
    const at = index.datasets.findIndex((d) => d.id === id);
    if (at >= 0) index.datasets[at] = entry;
    else index.datasets.push(entry);
    for (const z of sizes)
      console.log(`${id} at ${z.users} users: ${z.rows} samples, click rate ${z.clickRate.toFixed(3)}, Bayes test AUC ${z.bayesTestAuc.toFixed(4)}`);
  }
  writeFileSync(indexPath, JSON.stringify(index, null, 2) + '\n');
}

await main();
