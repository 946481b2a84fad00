/** `reclens train` end to end: the installed bin on a learnable Criteo-layout file, and runCli's errors and Ctrl-C. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRng } from '../data/ctr/prng.ts';
import { trainDefaultsFor } from '../data/ctr/trainDefaults.ts';
import { defaultWasmThreads } from '../workers/wasmThreads.ts';
import { EXIT_INTERRUPTED, runCli } from './runCli.ts';
import { readDatasetIndex } from './trainSource.ts';

/**
 * 3000 Criteo rows whose click probability is sigmoid of a per-value weight of I1 and of C1
 * (12 values each, ~250 rows per value): a model that learns them reaches a test AUC near 0.8;
 * chance is 0.5.
 */
function learnableCriteoFile(): string {
  const { next: rng, int } = createRng(5);
  const weights = Array.from({ length: 24 }, () => 3 * (rng() - 0.5));
  const lines: string[] = [];
  for (let r = 0; r < 3000; r++) {
    const a = int(12);
    const c = int(12);
    const p = 1 / (1 + Math.exp(-(weights[a] + weights[12 + c])));
    const ints = Array.from({ length: 13 }, (_, i) => (i === 0 ? String(3 + a * 40) : String(int(3))));
    const cats = Array.from({ length: 26 }, (_, i) => (i === 0 ? `c${c}`.padStart(8, '0') : (int(4) + 16).toString(16).padStart(8, '0')));
    lines.push([rng() < p ? '1' : '0', ...ints, ...cats].join('\t'));
  }
  const path = join(mkdtempSync(join(tmpdir(), 'reclens-train-')), 'train.txt');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const SCHEMA_KEYS = [
  'dataset',
  'model',
  'backend',
  'threads',
  'epochs',
  'steps',
  'seconds',
  'samples_per_s',
  'stopped',
  'valid_auc',
  'test_auc',
  'test_logloss',
  'bayes_auc',
  'fields',
];

async function run(argv: string[], signal?: AbortSignal, onErr?: (t: string) => void) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (t) => (out += t),
    err: (t) => {
      err += t;
      onErr?.(t);
    },
    errIsTTY: false,
    signal,
  });
  return { code, out, err };
}

describe('reclens train', () => {
  it('bin: train FILE --json learns a planted signal and prints exactly the schema', () => {
    const file = learnableCriteoFile();
    const args = ['bin/reclens.mjs', 'train', file, '--model', 'dcnv2', '--epochs', '8', '--lr', '0.01', '--batch', '128', '--json'];
    const proc = spawnSync(process.execPath, args, { encoding: 'utf8' });
    expect(proc.status, proc.stderr).toBe(0);
    const doc = JSON.parse(proc.stdout);
    expect(Object.keys(doc)).toEqual(SCHEMA_KEYS);
    // wasm's pool: the studio's training worker's, every core (at most 8).
    expect(doc).toMatchObject({ dataset: 'train.txt', model: 'dcnv2', backend: 'wasm', threads: defaultWasmThreads(availableParallelism()), bayes_auc: null });
    expect(['epochs', 'early-stop']).toContain(doc.stopped);
    for (const k of ['epochs', 'steps']) expect(Number.isInteger(doc[k])).toBe(true);
    expect(doc.steps).toBeGreaterThan(0);
    expect(doc.epochs).toBe(Math.floor(doc.steps / Math.floor(2400 / 128)));
    for (const k of ['seconds', 'samples_per_s', 'valid_auc', 'test_auc', 'test_logloss']) expect(Number.isFinite(doc[k])).toBe(true);
    // 300 test rows: chance would be 0.5 +- ~0.03; the planted signal gives ~0.8.
    expect(doc.test_auc).toBeGreaterThan(0.65);
    expect(doc.valid_auc).toBeGreaterThan(0.65);
    expect(doc.fields.map((f: { name: string }) => f.name)).toEqual([
      ...Array.from({ length: 13 }, (_, i) => `I${i + 1}`),
      ...Array.from({ length: 26 }, (_, i) => `C${i + 1}`),
    ]);
    for (const f of doc.fields) {
      expect(Object.keys(f)).toEqual(['name', 'information_abundance']);
      expect(f.information_abundance).toBeGreaterThanOrEqual(1);
      expect(f.information_abundance).toBeLessThanOrEqual(10);
    }
    // One progress line per validation on stderr.
    expect(proc.stderr).toMatch(/^step \d+ \(epoch \d+\): valid AUC 0\.\d{4}, logloss \d\.\d{4}$/m);
  }, 120_000);

  it('--dataset ID: the built-in dataset, its defaults and Bayes AUC, the human report', async () => {
    const entry = (await readDatasetIndex()).find((d) => d.id === 'synthetic-ctr-tiny')!;
    const { code, out } = await run(['train', '--dataset', entry.id, '--epochs', '1', '--seed', '2']);
    expect(code).toBe(0);
    const threads = defaultWasmThreads(availableParallelism());
    expect(out).toContain(`reclens train: dnn on synthetic-ctr-tiny (tfjs wasm · ${threads} thread${threads > 1 ? 's' : ''})\n`);
    const [train, valid] = [Math.round(0.8 * entry.rows), Math.round(0.1 * entry.rows)];
    const n = (x: number) => x.toLocaleString('en-US');
    expect(out).toContain(`data: ${n(train)} train / ${n(valid)} valid / ${n(entry.rows - train - valid)} test rows, ${entry.fields} fields`);
    // The dataset's own defaults, but for the epochs given.
    const d = trainDefaultsFor(entry, 'dnn');
    expect(out).toContain(`training: lr ${d.lr}, batch ${d.batchSize}, weight decay ${d.weightDecay}, up to 1 epochs`);
    expect(out).toMatch(/^stopped: ran all 1 epochs: \d+ steps/m);
    expect(out).toContain(`Bayes AUC ${entry.bayesTestAuc!.toFixed(4)}`);
    expect(out.match(/^f\d\s+[\d,]+\s+\d\.\d{3}\s+\d\.\d{3}$/gm)).toHaveLength(entry.fields);
  }, 60_000);

  it('bad datasets and files exit 1 with error: and fix:', async () => {
    const docx = join(mkdtempSync(join(tmpdir(), 'reclens-')), 'notes.docx');
    writeFileSync(docx, 'not a click log\nat all\n');
    const cases: [string[], RegExp][] = [
      [['train', '--dataset', 'nope'], /There is no built-in dataset "nope"[^]*fix: Use one of: synthetic-ctr-small/],
      [['train', '--dataset', 'synthetic-mtl-small'], /"synthetic-mtl-small" is a multitask dataset; reclens train trains click \(CTR\) models/],
      [['train', join(tmpdir(), 'reclens-no-such-file.tsv')], /no such file/],
      [['train', docx], /notes.docx is not a CTR file RecLens reads/],
    ];
    for (const [argv, message] of cases) {
      const { code, out, err } = await run(argv);
      expect(code).toBe(1);
      expect(out).toBe('');
      expect(err).toMatch(/^error: .+\nfix: .+\n$/);
      expect(err).toMatch(message);
    }
  }, 60_000);

  it('Ctrl-C (the abort signal) stops the run at its next chunk: exit 130, no result', async () => {
    const interrupt = new AbortController();
    const { code, out, err } = await run(
      ['train', '--dataset', 'synthetic-ctr-tiny', '--epochs', '50', '--patience', '0', '--eval-every', '1'],
      interrupt.signal,
      () => interrupt.abort(),
    );
    expect(code).toBe(EXIT_INTERRUPTED);
    expect(out).toBe('');
    expect(err).toMatch(/interrupted at step \d+: no result/);
  }, 60_000);
});
