/**
 * `reclens correlation FILE [--top N] [--positions P] [--split all|train] [--json]`: the ground-truth feature
 * correlation of a behaviour-sequence file (SCIENCE.md section 4): for each of the N most frequent
 * target categories, the mutual information in bits between "behaviour category c_i at
 * target-relative position p" and the label, c_i over the same N categories, p = 1..P. Reads the
 * sequence-sample CSV, Taobao UserBehavior.csv (DARE's protocol) or a CTR CSV with a
 * click_sequence column, gzip'd or not; every sample of the file counts, in file order, or with
 * --split train the training split alone, as the studio's Sequences tab counts it.
 */
import { parseArgs } from 'node:util';
import { CorrelationCounts, correlationMatrices } from '../analysis/groundTruthCorrelation.ts';
import { ImportError } from '../data/importError.ts';
import { nodeByteSource } from '../data/nodeByteSource.ts';
import { importSequenceFile } from '../data/sequence/importSequenceFile.ts';
import { UsageError } from './parseCliArgs.ts';
import { USAGE } from './usage.ts';

const CORRELATION_OPTIONS = {
  top: { type: 'string' },
  positions: { type: 'string' },
  split: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Largest N and P: an N x N x P report beyond these is no longer readable, nor a heatmap. */
export const MAX_TOP = 200;
export const MAX_POSITIONS = 1000;

export interface CorrelationArgs {
  file: string;
  top: number;
  positions: number;
  /** all: every sample; train: the training split the studio's Sequences tab counts (the same users held out). */
  split: 'all' | 'train';
  json: boolean;
}

/** The `--json` shape (issue 15): categories and targets in the same order, bits not normalised. */
export interface CorrelationReport {
  source: string;
  categories: string[];
  positions: number[];
  targets: { category: string; positives: number; negatives: number; mutual_information: number[][] }[];
  /** Samples counted and from which split; text form only. */
  samples: number;
  split: 'all' | 'train';
}

function count(text: string | undefined, name: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const v = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got "${text}"`);
  return v;
}

function splitOf(text: string | undefined): 'all' | 'train' {
  if (text === undefined || text === 'all') return 'all';
  if (text === 'train') return 'train';
  throw new UsageError(`--split must be all or train, got "${text}"`);
}

export function parseCorrelationArgs(argv: string[]): CorrelationArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: CORRELATION_OPTIONS });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('correlation needs a FILE');
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  return {
    file: positionals[0],
    top: count(values.top, 'top', 10, MAX_TOP),
    positions: count(values.positions, 'positions', 10, MAX_POSITIONS),
    split: splitOf(values.split),
    json: values.json ?? false,
  };
}

export async function correlationOfFile(args: Omit<CorrelationArgs, 'json'>, signal?: AbortSignal): Promise<CorrelationReport> {
  const source = await nodeByteSource(args.file);
  try {
    // All: testPercent 0 keeps the samples in file order (ties among top categories: first seen first).
    // Train: the reader's default split, the one the studio trains on and counts.
    const ds = await importSequenceFile(source, args.split === 'all' ? { signal, testPercent: 0 } : { signal });
    const splits = args.split === 'all' ? [ds.train, ...(ds.valid ? [ds.valid] : []), ds.test] : [ds.train];
    const counts = new CorrelationCounts(ds.categoryVocabulary, args.positions);
    for (const s of splits) counts.add(s);
    const gt = correlationMatrices(counts, { top: args.top, positions: args.positions });
    const name = (id: number) => ds.categoryNames[id];
    return {
      source: source.name,
      categories: gt.categories.map(name),
      positions: gt.positions,
      targets: gt.targets.map((t) => ({ category: name(t.category), positives: t.positives, negatives: t.negatives, mutual_information: t.mutualInformation })),
      samples: splits.reduce((n, s) => n + s.count, 0),
      split: args.split,
    };
  } finally {
    await source.close();
  }
}

export function correlationJson(r: CorrelationReport): string {
  return JSON.stringify({ source: r.source, categories: r.categories, positions: r.positions, targets: r.targets });
}

const pad = (text: string, width: number) => (text.length >= width ? text : ' '.repeat(width - text.length) + text);

/** One table per target category: rows = behaviour categories, columns = positions, millibits. */
export function formatCorrelation(r: CorrelationReport): string {
  const lines = [
    `${r.source}: ${r.samples.toLocaleString('en-US')} ${r.split === 'train' ? 'training samples (the split the studio counts)' : 'samples'}; ground-truth mutual information (bits x 1000) between`,
    `"behaviour category at target-relative position p" and the label, for the ${r.categories.length} most frequent target categories.`,
  ];
  const label = Math.max(8, ...r.categories.map((c) => c.length));
  const cell = Math.max(6, ...r.positions.map((p) => String(p).length + 2));
  for (const t of r.targets) {
    let best = { bits: -Infinity, row: 0, p: 0 };
    t.mutual_information.forEach((row, i) => row.forEach((bits, p) => (bits > best.bits ? (best = { bits, row: i, p }) : undefined)));
    lines.push(
      '',
      `target category ${t.category}: ${t.positives} positive, ${t.negatives} negative` +
        (t.positives === 0 || t.negatives === 0
          ? ' (one class only: no information)'
          : `; strongest: ${r.categories[best.row]} at p = ${r.positions[best.p]} (${(1000 * best.bits).toFixed(2)})`),
    );
    lines.push(pad('p =', label) + r.positions.map((p) => pad(String(p), cell)).join(''));
    t.mutual_information.forEach((row, i) => lines.push(pad(r.categories[i], label) + row.map((bits) => pad((1000 * bits).toFixed(1), cell)).join('')));
  }
  return lines.join('\n') + '\n';
}

/** Runs `reclens correlation ...` (argv after the command name); returns the exit code. */
export async function correlationCli(argv: string[], io: { out(text: string): void; err(text: string): void; signal?: AbortSignal }): Promise<number> {
  let args: CorrelationArgs | 'help';
  try {
    args = parseCorrelationArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`reclens: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    io.out(USAGE);
    return 0;
  }
  try {
    const report = await correlationOfFile(args, io.signal);
    io.out(args.json ? correlationJson(report) + '\n' : formatCorrelation(report));
    return 0;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    if (e instanceof ImportError) io.err(`error: ${e.message}\nfix: ${e.fix}\n`);
    else if (code === 'ENOENT') io.err(`error: no such file: ${args.file}\nfix: Check the path.\n`);
    else if (code === 'EISDIR') io.err(`error: ${args.file} is a directory\nfix: Give the path of a file.\n`);
    else throw e;
    return 1;
  }
}
