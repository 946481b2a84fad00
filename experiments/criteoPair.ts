/**
 * The Criteo pair of issue 12: on one Criteo-layout file, DCNv2 trained by `reclens train` (the
 * studio's trainer, tfjs wasm) against DCNv2 trained by the official Multi-Embedding PyTorch code
 * (thuml/Multi-Embedding: its model and train/test loops, only the data loading adapted, see
 * criteoPair.py), same split, epochs, learning rate, batch, width and architecture.
 *
 *   npm run experiment:criteo-pair -- --official DIR [--rows 250000] [--epochs 3] [--out /tmp/criteo-pair]
 *     [--only make|studio|torch]   (one part: make the file; or train on it with one side)
 *     [--threads 1]   (torch's intra-op threads)
 *
 * DIR is a checkout of https://github.com/thuml/Multi-Embedding; the torch side runs
 * /usr/bin/python3 with torch (Debian: apt-get install python3-torch python3-numpy).
 *
 * The file: the synthetic generator's rows (seed 12, 39 fields with 2..100 Zipf-distributed
 * values, rank-4 interactions) written in Criteo's layout: label, I1..I13 (integers that
 * Criteo's log² bucketing maps back to one bucket per value), C1..C26 (8-digit hex hashes).
 * Beside it: the studio's split of its rows (splitRowIds, seed 1, 80/10/10: the split
 * `reclens train FILE` makes) for the torch side, and the Bayes AUC of that test split from the
 * generator's true click probabilities.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { auc } from '../src/data/ctr/auc.ts';
import { CRITEO_FIELDS, criteoIntegerToken } from '../src/data/ctr/criteo.ts';
import { splitRowIds } from '../src/data/ctr/split.ts';
import { generateSyntheticCtr, logSpacedCardinalities } from '../src/data/ctr/syntheticCtr.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const ROWS = Number(arg('rows', '250000'));
const EPOCHS = Number(arg('epochs', '3'));
const OUT = arg('out', '/tmp/criteo-pair');
const ONLY = arg('only', '');
const OFFICIAL = arg('official', '');
/** torch's intra-op threads (Debian's build starts with 1). */
const THREADS = Number(arg('threads', '1'));
/** The official `dcn-10` (main.py get_model) and its training defaults (lr 1e-3, batch 2048, weight decay 1e-6). */
const SETUP = { dim: 10, cross: 4, mlp: [400, 400], dropout: 0.2, lr: 1e-3, batch: 2048, wd: 1e-6, seed: 1 };

const FILE = `${OUT}/train-${ROWS}.txt`;
const SPLIT = `${OUT}/split-${ROWS}.json`;

/** An integer Criteo cell that criteoIntegerToken (pytorch-fm's log² bucketing) maps to bucket k >= 1. */
function integerCell(k: number): string {
  const v = Math.ceil(Math.exp(Math.sqrt(k)));
  if (criteoIntegerToken(String(v)) !== String(k)) throw new Error(`no integer lands in bucket ${k}`);
  return String(v);
}

/** An 8-digit hex "hash" per (field, value): distinct within a field (an odd multiplier is a bijection mod 2^32). */
const categoricalCell = (f: number, k: number) => ((Math.imul(k, 0x9e3779b1) + Math.imul(f, 0x01000193)) >>> 0).toString(16).padStart(8, '0');

async function makeFile(): Promise<{ bayes: number }> {
  mkdirSync(OUT, { recursive: true });
  const fields = CRITEO_FIELDS.length;
  const data = generateSyntheticCtr({
    seed: 12,
    rows: ROWS,
    cardinalities: logSpacedCardinalities(fields, 2, 100),
    interactionDensity: 0.05,
    // All rows in generator order: the file is one table, split later by whoever reads it.
    split: { fractions: [1, 0, 0] },
  });
  const { indices, labels, trueProbabilities } = data.train;
  const out = createWriteStream(FILE);
  const cells = new Array<string>(fields + 1);
  for (let r = 0; r < ROWS; r++) {
    cells[0] = String(labels[r]);
    for (let f = 0; f < fields; f++) {
      const k = indices[r * fields + f];
      cells[1 + f] = f < 13 ? integerCell(k + 1) : categoricalCell(f, k);
    }
    if (!out.write(cells.join('\t') + '\n')) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  const ids = splitRowIds(ROWS, { seed: SETUP.seed });
  const test = Array.from(ids.test);
  const bayes = auc(
    test.map((r) => trueProbabilities![r]),
    test.map((r) => labels[r]),
  );
  writeFileSync(SPLIT, JSON.stringify({ bayes_test_auc: bayes, train: Array.from(ids.train), valid: Array.from(ids.valid), test }));
  console.log(
    `wrote ${FILE} (${ROWS} rows, base rate ${(labels.reduce((a, b) => a + b, 0) / ROWS).toFixed(3)}) and ${SPLIT}; Bayes test AUC ${bayes.toFixed(4)}`,
  );
  return { bayes };
}

function studio(): Record<string, unknown> {
  const bin = fileURLToPath(new URL('../bin/reclens.mjs', import.meta.url));
  const args = [bin, 'train', FILE, '--model', 'dcnv2', '--json', '--epochs', String(EPOCHS), '--patience', '0', '--eval-every', '0'];
  args.push('--lr', String(SETUP.lr), '--batch', String(SETUP.batch), '--dim', String(SETUP.dim), '--cross', String(SETUP.cross));
  args.push('--mlp', SETUP.mlp.join('-'), '--dropout', String(SETUP.dropout), '--wd', String(SETUP.wd), '--seed', String(SETUP.seed));
  console.log(`studio: node ${args.join(' ')}`);
  const doc = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 }));
  console.log(
    `RESULT studio ${JSON.stringify({ valid_auc: doc.valid_auc, test_auc: doc.test_auc, test_logloss: doc.test_logloss, seconds: doc.seconds, steps: doc.steps })}`,
  );
  return doc;
}

function torch(): Record<string, unknown> {
  if (!OFFICIAL) throw new Error('--official DIR: a checkout of https://github.com/thuml/Multi-Embedding');
  const script = fileURLToPath(new URL('./criteoPair.py', import.meta.url));
  const config = { official: OFFICIAL, data: FILE, split: SPLIT, epochs: EPOCHS, threads: THREADS, ...SETUP };
  console.log(`torch: /usr/bin/python3 ${script} '${JSON.stringify(config)}'`);
  const lines = execFileSync('/usr/bin/python3', [script, JSON.stringify(config)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  })
    .trim()
    .split('\n');
  const doc = JSON.parse(lines.at(-1)!);
  console.log(`RESULT torch ${JSON.stringify(doc)}`);
  return doc;
}

if (ONLY === 'make' || !existsSync(SPLIT)) await makeFile();
const bayes = (JSON.parse(readFileSync(SPLIT, 'utf8')) as { bayes_test_auc: number }).bayes_test_auc;
if (ONLY === 'studio') studio();
else if (ONLY === 'torch') torch();
else if (ONLY === '') {
  const s = studio();
  const t = torch();
  console.log(
    `PAIR rows ${ROWS}, epochs ${EPOCHS}: studio test AUC ${Number(s.test_auc).toFixed(4)}, official PyTorch ${Number(t.test_auc).toFixed(4)}, Bayes ${bayes.toFixed(4)}`,
  );
}
