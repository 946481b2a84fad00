/**
 * Writes the datasets that ship with the studio into public/datasets/, reproducibly (fixed seeds,
 * byte-identical on every run): two synthetic CTR datasets in RecLens's binary format, the
 * config of a third that the studio generates itself (1M rows, too large to ship), small samples
 * in the real Criteo / Avazu / MovieLens layouts for the loaders, and index.json. `npm run
 * datasets:generate` runs this and then generateMtlDatasets.ts, which adds its entries to the index.
 *   npx tsx scripts/generateDatasets.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auc } from '../src/data/ctr/auc.ts';
import { encodeCtrDataset } from '../src/data/ctr/datasetFile.ts';
import type { CtrFormat } from '../src/data/ctr/ctrParser.ts';
import { DATASET_INDEX_VERSION, type DatasetIndex, type DatasetIndexEntry } from '../src/data/ctr/datasetIndex.ts';
import { parseCtrText } from '../src/data/ctr/parseCtrText.ts';
import { generateAvazuSample, generateCriteoSample, generateMovieLensSample } from '../src/data/ctr/sampleFiles.ts';
import { generateSyntheticCtr, type SyntheticCtrConfig } from '../src/data/ctr/syntheticCtr.ts';
import type { DatasetTrainDefaults } from '../src/data/ctr/trainDefaults.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'datasets');

/**
 * `generated`: too large to ship, so the index holds the config and the studio generates the rows
 * in its worker. `trainDefaults`: the Train tab's defaults for the dataset, chosen by `npm run
 * experiment:sweep` (experiments/sweep.ts; its table is in experiments/README.md).
 */
const SYNTHETIC: {
  id: string;
  name: string;
  description: string;
  config: SyntheticCtrConfig;
  generated?: boolean;
  trainDefaults?: DatasetTrainDefaults;
  measuredCeilingAuc?: number;
}[] = [
  {
    id: 'synthetic-ctr-small',
    name: 'Synthetic CTR (small)',
    description:
      'Hard by design: 50k impressions, 24 fields with 2 to 20k Zipf-distributed values, rank-4 interactions between low- and high-cardinality fields. Too few rows per rare value to learn them: the best test AUC any recipe reached here is about 0.64 against the Bayes AUC 0.78 (experiments/README.md). For collapse on a long-tailed vocabulary, not for accuracy.',
    config: { seed: 2024, rows: 50_000, fields: 24, minCardinality: 2, maxCardinality: 20_000 },
    measuredCeilingAuc: 0.639,
    trainDefaults: { lr: 1e-3, batchSize: 128, epochs: 10, evalEvery: 40, patience: 8, weightDecay: 1e-6, dropout: 0, mlp: [400, 400], dim: 10 },
  },
  {
    id: 'synthetic-ctr-1m',
    name: 'Synthetic CTR (1M, learnable)',
    description:
      '1M impressions generated in your browser (seconds), 24 fields with 2 to 100 values, interactions on 5% of field pairs. Enough rows per value that a DNN or DCNv2 can get within 0.02 of the true AUC (npm run auc:check).',
    config: { seed: 2024, rows: 1_000_000, fields: 24, minCardinality: 2, maxCardinality: 100, interactionDensity: 0.05 },
    generated: true,
    trainDefaults: { lr: 2e-3, batchSize: 1024, epochs: 3, evalEvery: 400, patience: 2, weightDecay: 1e-6, dropout: 0, mlp: [128, 64], dim: 10 },
  },
  {
    id: 'synthetic-ctr-lesson',
    name: 'Synthetic CTR (lessons)',
    description:
      '120k impressions generated in your browser, 8 fields with 3 to 100 values; the 3-valued field f1 interacts with the three largest fields. Enough rows per value (the rarest value of the largest field is seen about 300 times in training) that a DNN or small DCNv2 gets within 0.02 of the Bayes AUC in seconds: lessons 2 and 3 (interaction collapse, multi-embedding) train on it.',
    config: {
      seed: 11,
      rows: 120_000,
      cardinalities: [3, 5, 10, 20, 30, 50, 70, 100],
      zipfExponent: 0.8,
      interactionPairs: [
        [0, 5],
        [0, 6],
        [0, 7],
        [1, 4],
        [2, 3],
      ],
    },
    generated: true,
    trainDefaults: { lr: 5e-3, batchSize: 1024, epochs: 20, evalEvery: 0, patience: 2, weightDecay: 1e-6, dropout: 0, mlp: [64, 32], dim: 10 },
  },
  {
    id: 'synthetic-ctr-tiny',
    name: 'Synthetic CTR (tiny)',
    description:
      '50k impressions, 8 fields with 2 to 20 values, so every value is seen hundreds of times: a DNN or DCNv2 gets within 0.02 of the Bayes AUC in seconds. For demos and tests.',
    config: { seed: 7, rows: 50_000, fields: 8, minCardinality: 2, maxCardinality: 20 },
    trainDefaults: {
      lr: 1e-2,
      batchSize: 512,
      epochs: 20,
      evalEvery: 0,
      patience: 2,
      weightDecay: 0,
      dropout: 0,
      mlp: [64, 32],
      dim: 10,
      models: { dcnv2: { lr: 5e-3, weightDecay: 1e-6, dropout: 0.1 } },
    },
  },
];

function write(file: string, data: Uint8Array | string): number {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  writeFileSync(join(OUT, file), bytes);
  return bytes.length;
}

function main(): void {
  mkdirSync(OUT, { recursive: true });
  const entries: DatasetIndexEntry[] = [];

  for (const { id, name, description, config, generated, trainDefaults, measuredCeilingAuc } of SYNTHETIC) {
    const start = performance.now();
    const ds = generateSyntheticCtr({ ...config, name: id });
    const ms = performance.now() - start;
    const bayesTestAuc = Number(auc(ds.test.trueProbabilities!, ds.test.labels).toFixed(4));
    const rows = ds.train.rows + ds.valid.rows + ds.test.rows;
    const common = {
      id,
      family: 'ctr' as const,
      tasks: [...ds.tasks],
      name,
      description,
      rows,
      fields: ds.fields.length,
      ...(measuredCeilingAuc ? { measuredCeilingAuc } : {}),
      ...(trainDefaults ? { trainDefaults } : {}),
    };
    if (generated) {
      entries.push({ ...common, file: '', bytes: 0, format: 'generated', generator: config, bayesTestAuc });
      console.log(
        `${id} (generated in the browser): ${rows} rows, ${ds.fields.length} fields, Bayes test AUC ${bayesTestAuc}, generated in ${ms.toFixed(0)} ms`,
      );
      continue;
    }
    const file = `${id}.rlctr`;
    entries.push({ ...common, file, bytes: write(file, encodeCtrDataset(ds)), format: 'rlctr', bayesTestAuc });
    console.log(`${file}: ${rows} rows, ${ds.fields.length} fields, Bayes test AUC ${bayesTestAuc}, generated in ${ms.toFixed(0)} ms`);
  }

  const ml = generateMovieLensSample(5_000, 31);
  const samples: { id: string; name: string; description: string; file: string; text: string; format: CtrFormat | 'movielens-movies' }[] = [
    {
      id: 'criteo-sample',
      name: 'Criteo sample (synthetic)',
      description: '2000 synthetic impressions in the Criteo TSV layout: label, I1..I13, C1..C26.',
      file: 'criteo-sample.tsv',
      text: generateCriteoSample(2_000, 11),
      format: 'criteo',
    },
    {
      id: 'avazu-sample',
      name: 'Avazu sample (synthetic)',
      description: '2000 synthetic impressions in the Avazu CSV layout (header id,click,hour,...).',
      file: 'avazu-sample.csv',
      text: generateAvazuSample(2_000, 21),
      format: 'avazu',
    },
    {
      id: 'movielens-ratings-sample',
      name: 'MovieLens ratings sample (synthetic)',
      description: '5000 synthetic ratings in the ratings.csv layout; ratings >= 4 are clicks.',
      file: 'movielens-ratings-sample.csv',
      text: ml.ratingsCsv,
      format: 'movielens-csv',
    },
    {
      id: 'movielens-movies-sample',
      name: 'MovieLens movies sample (synthetic)',
      description: "Genres of the sample ratings' movies in the movies.csv layout.",
      file: 'movielens-movies-sample.csv',
      text: ml.moviesCsv,
      format: 'movielens-movies',
    },
    {
      id: 'u.data-sample',
      name: 'MovieLens 100k u.data sample (synthetic)',
      description: "The same 5000 ratings in ml-100k's tab-separated u.data layout.",
      file: 'u.data-sample',
      text: ml.uData,
      format: 'movielens-100k',
    },
  ];
  for (const s of samples) {
    const parsed = s.format === 'movielens-movies' ? undefined : parseCtrText(s.text, { format: s.format });
    const rows = parsed ? parsed.train.rows + parsed.valid.rows + parsed.test.rows : s.text.trim().split('\n').length - 1;
    entries.push({
      id: s.id,
      ...(parsed ? { family: 'ctr' as const, tasks: [...parsed.tasks] } : { family: 'side-data' as const, tasks: [] }),
      name: s.name,
      description: s.description,
      rows,
      fields: parsed?.fields.length ?? 0,
      file: s.file,
      bytes: write(s.file, s.text),
      format: s.format,
    });
    console.log(`${s.file}: ${rows} rows`);
  }

  const index: DatasetIndex = { version: DATASET_INDEX_VERSION, datasets: entries };
  write('index.json', JSON.stringify(index, null, 2) + '\n');
  console.log(`total ${(entries.reduce((sum, e) => sum + e.bytes, 0) / 1e6).toFixed(2)} MB in ${OUT}`);
}

main();
