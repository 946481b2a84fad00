/**
 * The fuzzer's seeds: the repository's own fixtures (the torch checkpoints, the sample datasets of
 * public/datasets) and files written by test/support/testFixtures.ts's builders, the same ones the
 * readers' unit tests use. Every seed is a well-formed file its reader accepts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeCtrDataset } from '../src/data/ctr/datasetFile.ts';
import { parseLines } from '../src/data/ctr/ctrParser.ts';
import { createMovieLensParser } from '../src/data/ctr/movielens.ts';
import { parseMtlCsv } from '../src/data/mtl/mtlCsv.ts';
import { npyBytes, npzBytes, safetensorsBytes, sampleValues, word2vecBinaryBytes } from '../test/support/testFixtures.ts';
import { buildExampleTables } from '../src/examples/exampleTables.ts';
import type { RunRecord } from '../src/state/savedRecords.ts';
import { buildWorkspace } from '../src/state/workspaceFile.ts';
import { toMtlRecord } from '../src/state/multitaskController.ts';
import { toRunRecord } from '../src/state/trainingController.ts';
import { sampleMtlRun, sampleTrainingRun } from '../test/support/sampleRuns.ts';
import { utf8 } from './bytes.ts';
import { gzipSync } from 'fflate';

export interface Seed {
  name: string;
  bytes: Uint8Array;
}

const repoFile = (path: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../${path}`, import.meta.url))));

/** The first `lines` lines of a repository text file, newline-terminated. */
function headOf(path: string, lines: number): string {
  return new TextDecoder().decode(repoFile(path)).split('\n').slice(0, lines).join('\n') + '\n';
}

const values = (n: number, seed: number) => sampleValues(n, seed);

export function npySeeds(): Seed[] {
  return [
    { name: 'table.npy', bytes: npyBytes(values(40, 1), [10, 4]) },
    { name: 'f64.npy', bytes: npyBytes(values(36, 2), [12, 3], { dtype: 'f8', fortran: true }) },
    { name: 'half.npy', bytes: npyBytes(values(48, 3), [6, 8], { dtype: 'f2', version: 2 }) },
    { name: 'big.npy', bytes: npyBytes(values(30, 4), [10, 3], { bigEndian: true }) },
    {
      name: 'ints.npy',
      bytes: npyBytes(
        values(24, 5).map((v) => Math.round(v * 10)),
        [8, 3],
        { dtype: 'i8' },
      ),
    },
    {
      name: 'bytes.npy',
      bytes: npyBytes(
        values(24, 6).map((v) => Math.round(v * 10 + 100)),
        [6, 4],
        { dtype: 'u1' },
      ),
    },
  ];
}

export function npzSeeds(): Seed[] {
  const a = npyBytes(values(40, 7), [10, 4]);
  const b = npyBytes(values(18, 8), [6, 3], { dtype: 'f8', fortran: true });
  return [
    { name: 'tables.npz', bytes: npzBytes({ user_embedding: a, item_embedding: b }) },
    { name: 'squeezed.npz', bytes: npzBytes({ user_embedding: a, item_embedding: b }, { deflate: true }) },
    { name: 'wide.npz', bytes: npzBytes({ emb: a }, { zip64: true }) },
    { name: 'wide64.npz', bytes: npzBytes({ emb: b }, { zip64: true, deflate: true }) },
  ];
}

export function safetensorsSeeds(): Seed[] {
  return [
    {
      name: 'model.safetensors',
      bytes: safetensorsBytes(
        [
          { name: 'emb.weight', dtype: 'F32', shape: [8, 4], values: values(32, 9) },
          { name: 'bias', dtype: 'F32', shape: [4], values: values(4, 10) },
        ],
        { format: 'pt' },
      ),
    },
    {
      name: 'mixed.safetensors',
      bytes: safetensorsBytes([
        { name: 'a', dtype: 'F16', shape: [5, 4], values: values(20, 11) },
        { name: 'b', dtype: 'BF16', shape: [4, 2], values: [1, 2, 0.5, -1, 4, 8, -0.25, 3] },
        { name: 'c', dtype: 'F64', shape: [3, 3], values: values(9, 12) },
        { name: 'd', dtype: 'I64', shape: [2, 2], values: [1, -2, 3, 4] },
      ]),
    },
  ];
}

export function torchSeeds(): Seed[] {
  return [
    ...['checkpoint', 'module', 'scripted', 'state_dict', 'views'].map((n) => ({ name: `${n}.pt`, bytes: repoFile(`test/torch/${n}.pt`) })),
    // Field sizes registered as a buffer beside the table (scripts/fieldSizesTensorFixtures.py).
    ...['offsets_buffer', 'field_dims_buffer'].map((n) => ({ name: `${n}.pth`, bytes: repoFile(`test/torch/field-sizes/${n}.pth`) })),
  ];
}

/** Field sizes where Multi-Embedding and FuxiCTR keep them (scripts/multiEmbeddingFixtures.py): a JSON list, feature_map.json, a training log. */
export function fieldSizesSeeds(): Seed[] {
  return ['field_dims.json', 'feature_map.json', 'train.log'].map((name) => ({ name, bytes: repoFile(`test/torch/multi-embedding/${name}`) }));
}

/** Multi-Embedding DCNv2 state dicts at four training steps (scripts/interactionFixtures.py): fields 3, 12, 7, 20 of dim 4. */
export function interactionSeeds(): Seed[] {
  return [0, 20, 60, 120].map((step) => ({ name: `dcnv2_step${step}.pt`, bytes: repoFile(`test/interaction/dcnv2_step${step}.pt`) }));
}

/** A DIN-like PyTorch state dict with category and position tables (scripts/sequenceCorrelationFixtures.py). */
export function correlationCheckpointSeeds(): Seed[] {
  return [{ name: 'din.pt', bytes: repoFile('test/sequence-correlation/din.pt') }];
}

/** Checkpoints in PyTorch's format from before 1.6 (scripts/torchLegacyFixtures.py). */
export function torchLegacySeeds(): Seed[] {
  return ['legacy_state_dict', 'legacy_checkpoint', 'legacy_views'].map((n) => ({ name: `${n}.pt`, bytes: repoFile(`test/torch/${n}.pt`) }));
}

/** ONNX models (scripts/onnxFixtures.py): torch.onnx.export's raw_data and onnx.helper's typed fields. */
export function onnxSeeds(): Seed[] {
  return ['exported', 'typed'].map((n) => ({ name: `${n}.onnx`, bytes: repoFile(`test/onnx/${n}.onnx`) }));
}

/** TensorFlow checkpoints' .index files (scripts/tfCheckpointFixtures.py): tf.train.Saver's, and a two-shard one written per the spec. */
export function tfCheckpointSeeds(): Seed[] {
  return ['real', 'written'].map((n) => ({ name: `${n}.ckpt.index`, bytes: repoFile(`test/tfcheckpoint/${n}.ckpt.index`) }));
}

/** The data shards next to the checkpoint seeds, by file name: the fuzzer mutates the index, the shards stay as written. */
export function tfCheckpointShards(): Map<string, Uint8Array> {
  const names = ['real.ckpt.data-00000-of-00001', 'written.ckpt.data-00000-of-00002', 'written.ckpt.data-00001-of-00002'];
  return new Map(names.map((n) => [n, repoFile(`test/tfcheckpoint/${n}`)]));
}

/** Parquet embedding columns (scripts/parquetFixtures.py, pyarrow): a field column, gzip and zstd pages. */
export function parquetSeeds(): Seed[] {
  return ['fields', 'vectors', 'zstd'].map((n) => ({ name: `${n}.parquet`, bytes: repoFile(`test/parquet/${n}.parquet`) }));
}

/** Partial Grams: reclens gram's own files (scripts/partialGramFixtures.sh) and a hand-made K = 2 one of three rows and one excluded. */
export function partialGramSeeds(): Seed[] {
  const tiny = {
    format: 'reclens-partial-gram',
    version: 1,
    sources: ['tiny.npy'],
    tensors: ['tiny'],
    fields: [
      {
        name: 'tiny',
        dim: 2,
        rows: 3,
        excluded_rows: 1,
        raw: {
          scale_exp: 0,
          peak: 4,
          gram: [
            [2, 1],
            [1, 5],
          ],
          col_sum: [2, 3],
        },
        recscope: {
          scale_exp: 0,
          peak: 1,
          gram: [
            [1.4999999, 0.4999999],
            [0.4999999, 1.4999999],
          ],
        },
      },
    ],
  };
  return [
    { name: 'tiny.json', bytes: utf8(JSON.stringify(tiny)) },
    { name: 'ebc_rank0.json', bytes: repoFile('test/shards/parts/ebc_rank0.json') },
    { name: 'fields_concat.json', bytes: repoFile('test/shards/parts/fields_concat.json') },
  ];
}

/** Results of the warehouse SQL (test/warehouse/makeFixtures.ts: DuckDB's CSV and JSON lines), and a small hand-made one. */
export function warehouseResultSeeds(): Seed[] {
  const small = 'field,stat,i,j,value\na,rows,0,0,3\na,excluded,0,0,1\na,sum,1,0,2\na,sum,2,0,1\na,gram,1,1,2\na,gram,1,2,1\na,gram,2,2,3\n';
  return [
    { name: 'result.csv', bytes: repoFile('test/warehouse/result.csv') },
    { name: 'result.json', bytes: repoFile('test/warehouse/result.json') },
    { name: 'small.csv', bytes: utf8(small) },
  ];
}

/** HDF5 / Keras weights (scripts/kerasFixtures.py, h5py in Keras's layouts): a Keras 2 .h5, a Keras 3 .keras zip, float16/int64/3-D datasets. */
export function hdf5Seeds(): Seed[] {
  return ['legacy.h5', 'model.keras', 'half.h5'].map((name) => ({ name, bytes: repoFile(`test/keras/${name}`) }));
}

const WORDS = ['the', 'movie', 'é', 'item_42', '</s>'];

export function word2vecBinarySeeds(): Seed[] {
  return [
    { name: 'vectors.bin', bytes: word2vecBinaryBytes(WORDS, values(20, 13), 4, { newlineAfterVector: true }) },
    { name: 'gensim.bin', bytes: word2vecBinaryBytes(WORDS, values(30, 14), 6) },
  ];
}

const rowsText = (rows: number, dim: number, seed: number, sep: string, label?: (r: number) => string) =>
  Array.from({ length: rows }, (_, r) => {
    const cells = values(dim, seed + r).map((v) => v.toFixed(4));
    return (label ? [label(r), ...cells] : cells).join(sep);
  }).join('\n') + '\n';

export function textTableSeeds(): Seed[] {
  return [
    { name: 'vectors.tsv', bytes: utf8(rowsText(8, 4, 20, '\t')) },
    { name: 'labelled.tsv', bytes: utf8(rowsText(6, 3, 30, '\t', (r) => `word${r}`)) },
    { name: 'table.csv', bytes: utf8('id,d0,d1,d2\n' + rowsText(7, 3, 40, ',', (r) => (r === 2 ? '"a, b"' : `item${r}`))) },
    { name: 'pandas.csv', bytes: utf8(',0,1,2,3\n' + rowsText(5, 4, 50, ',', (r) => String(r))) },
    { name: 'wiki.vec', bytes: utf8('5 3\n' + rowsText(5, 3, 60, ' ', (r) => WORDS[r])) },
    { name: 'glove.txt', bytes: utf8(rowsText(6, 5, 70, ' ', (r) => `w${r}`)) },
  ];
}

/** Metadata files for a 6-row table: one label per line, or a header and several columns. */
export function metadataSeeds(): Seed[] {
  return [
    { name: 'metadata.tsv', bytes: utf8(['cat', 'dog', 'é', '42', 'a b', 'z'].join('\n') + '\n') },
    { name: 'labels.tsv', bytes: utf8('word\tcount\n' + ['cat', 'dog', 'emu', 'fox', 'gnu', 'hen'].map((w, i) => `${w}\t${i}`).join('\n') + '\n') },
  ];
}

export const METADATA_TABLE_ROWS = 6;

export function ctrTextSeeds(): Seed[] {
  return [
    { name: 'criteo-sample.tsv', bytes: utf8(headOf('public/datasets/criteo-sample.tsv', 40)) },
    { name: 'avazu-sample.csv', bytes: utf8(headOf('public/datasets/avazu-sample.csv', 40)) },
    { name: 'ratings.csv', bytes: utf8(headOf('public/datasets/movielens-ratings-sample.csv', 60)) },
    { name: 'u.data', bytes: utf8(headOf('public/datasets/u.data-sample', 60)) },
    // CSVs as DeepCTR and FuxiCTR ship them (test/ctr-data): a header, "260.0", empty cells, quoted commas, clk, no header.
    { name: 'criteo_sample.txt', bytes: utf8(headOf('test/ctr-data/deepctr_criteo_sample.txt', 40)) },
    { name: 'movielens_sample.txt', bytes: utf8(headOf('test/ctr-data/deepctr_movielens_sample.txt', 60)) },
    { name: 'train_sample.csv', bytes: utf8(headOf('test/ctr-data/fuxictr_tiny_csv_train_sample.csv', 40)) },
    { name: 'noheader.csv', bytes: utf8(headOf('test/ctr-data/criteo_sample_noheader.csv', 40)) },
    { name: 'rfc4180.csv', bytes: repoFile('test/ctr-data/rfc4180_cases.csv') },
  ];
}

const KUAIRAND = (rows: number) =>
  [
    'user_id,video_id,author_id,tab,is_click,is_like,long_view,play_time_ms',
    ...Array.from({ length: rows }, (_, i) => `u${i % 5},v${i % 7},a${i % 3},${i % 2},${i % 3 === 0 ? 1 : 0},${i % 9 === 0 ? 1 : 0},${i % 2},${1000 + i}`),
  ].join('\n') + '\n';
const ALI_CCP =
  ['user\titem\tcategory\tclick\tconversion', ...Array.from({ length: 30 }, (_, i) => `${i % 4}\t${i}\t${i % 3}\t${i % 2}\t${i % 6 === 0 ? 1 : 0}`)].join(
    '\n',
  ) + '\n';

export function mtlCsvSeeds(): Seed[] {
  return [
    { name: 'kuairand.csv', bytes: utf8(KUAIRAND(40)) },
    { name: 'ali-ccp.tsv', bytes: utf8(ALI_CCP) },
    { name: 'tiny_mtl.csv', bytes: utf8(headOf('test/ctr-data/fuxictr_tiny_mtl_train.csv', 30)) },
    { name: 'quoted.csv', bytes: utf8('title,is_click,is_like\n"a, b",1,0\n"say ""hi""",0,1\n"two\nlines",1,1\n"a, b",0,0\n') },
  ];
}

export function rlctrSeeds(): Seed[] {
  const ratings = parseLines(createMovieLensParser('movielens-100k', { minCount: 1 }), headOf('public/datasets/u.data-sample', 120));
  const mtl = parseMtlCsv(KUAIRAND(60), { minCount: 1 });
  return [
    { name: 'synthetic-ctr-tiny.rlctr', bytes: repoFile('public/datasets/synthetic-ctr-tiny.rlctr') },
    { name: 'ratings.rlctr', bytes: encodeCtrDataset(ratings) },
    { name: 'kuairand.rlctr', bytes: encodeCtrDataset(mtl) },
  ];
}

export function workspaceSeeds(): Seed[] {
  const [healthy, collapsed] = buildExampleTables();
  const fields = collapsed.result.fields;
  const uploaded = { ...collapsed, source: 'mine.npy', format: 'npy' as const, origin: 'file' as const };
  const other = { ...healthy, source: 'items.safetensors', format: 'safetensors' as const, origin: 'file' as const, elapsedMs: 12.5 };
  const notes: RunRecord = {
    id: 'r1',
    kind: 'notes',
    label: 'any view',
    createdAt: 1,
    updatedAt: 2,
    config: { dataset: 'synthetic', seed: 1 },
    metrics: [{ step: 10, values: { loss: 0.5, auc: 0.7 } }],
    spectra: [{ step: 10, fields: fields.slice(0, 2) }],
  };
  // A Train tab run and a Multi-task run as the studio stores them.
  const training = toRunRecord(sampleTrainingRun(fields.slice(0, 2)), 3);
  const mtlRun = sampleMtlRun();
  const at = new Date(0);
  return [
    { name: 'workspace.reclens.json', bytes: utf8(JSON.stringify(buildWorkspace([uploaded], [notes, training, toMtlRecord(mtlRun, null, 3)], at))) },
    { name: 'two.reclens.json', bytes: utf8(JSON.stringify(buildWorkspace([uploaded, other], [], at), null, 1)) },
  ];
}

export function urlSeeds(): Seed[] {
  return [
    '#v=1&theme=dark&lesson=1&step=2&sort=ia&mode=raw&big=1',
    '#view=train&tds=criteo-sample&tmodel=dcnv2&tdim=16&tlr=0.001&tbs=512&tep=3&tseed=7',
    '#v=1&mds=synthetic-mtl-small&mmodel=mmoe&mbeta=0.9&mlr=0.01&msteps=200&mseed=3',
    '#play=1&slow=1&bare=1&tmlp=64-32&twd=0.0001&teval=50&tsnap=100',
  ].map((hash, i) => ({ name: `link${i}`, bytes: utf8(hash) }));
}

/** Behaviour-sequence files (test/sequence-data, FuxiCTR's click_sequence sample), one gzip'd. */
export function sequenceSeeds(): Seed[] {
  const edge = repoFile('test/sequence-data/edge_cases.csv');
  return [
    { name: 'edge_cases.csv', bytes: edge },
    { name: 'synthetic_small.csv', bytes: utf8(headOf('test/sequence-data/synthetic_small.csv', 30)) },
    { name: 'UserBehavior.csv', bytes: repoFile('test/sequence-data/taobao_user_behavior_sample.csv') },
    { name: 'train_sample.csv', bytes: utf8(headOf('test/ctr-data/fuxictr_tiny_csv_train_sample.csv', 40)) },
    { name: 'edge_cases.csv.gz', bytes: gzipSync(edge, { mtime: 0 }) },
  ];
}
