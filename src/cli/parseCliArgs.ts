import { parseArgs } from 'node:util';
import { parseMaxDim } from '../analysis/dimensionLimit.ts';
import { MODEL_KINDS, type ModelKind } from '../contracts/modelConfig.ts';
import type { SpectrumMode } from '../contracts/tables.ts';

/** What `reclens train` may set on top of the dataset's defaults; absent = the default. */
export interface TrainOverrides {
  epochs?: number;
  lr?: number;
  batch?: number;
  dim?: number;
  sets?: number;
  seed?: number;
  patience?: number;
  evalEvery?: number;
  weightDecay?: number;
  dropout?: number;
  mlp?: number[];
  cross?: number;
}

/** The tfjs backends a Node process runs. */
export type NodeBackendName = 'wasm' | 'cpu';

export type CliCommand =
  | { kind: 'help' }
  | {
      kind: 'analyze';
      file: string;
      /** Several FILEs: the row ranges (shards) of one table, `file` the first given. */
      files?: string[];
      /** The --field-dims value as given: a list or a sidecar path. */
      fieldDims?: string;
      tensors: string[];
      metadata?: string;
      mode: SpectrumMode;
      /** --max-dim: the widest table analysed (default DEFAULT_MAX_DIM). */
      maxDim?: number;
      json: boolean;
    }
  | {
      kind: 'interaction';
      file: string;
      /** The --field-dims value as given: a list or a sidecar path. */
      fieldDims?: string;
      /** The embedding table (default: the file's one preselected table). */
      tensor?: string;
      /** The first cross layer W0 (default: the one that goes with the table, e.g. cn.W.0). */
      weight?: string;
      json: boolean;
    }
  | { kind: 'dataset'; file: string; json: boolean }
  | {
      kind: 'gram';
      /** One table file, or the row ranges (shards) of one table. */
      files: string[];
      fieldDims?: string;
      tensors: string[];
      maxDim?: number;
      /** With field sizes: the row of the whole table the FILEs' rows start at (one host's shard of a concatenated table). */
      firstRow?: number;
      /** Where to write the partial Gram (default: stdout). */
      out?: string;
    }
  | {
      kind: 'merge';
      /** Partial-Gram files of one table. */
      files: string[];
      mode: SpectrumMode;
      maxDim?: number;
      json: boolean;
      /** Write the merged partial Gram here instead of the report. */
      out?: string;
    }
  | {
      kind: 'train';
      /** Exactly one of dataset (an id of public/datasets/index.json) and file. */
      dataset?: string;
      file?: string;
      model: ModelKind;
      overrides: TrainOverrides;
      backend: NodeBackendName;
      /** wasm's pool size (--threads); absent: every core, at most 8. */
      threads?: number;
      json: boolean;
    };

/** A mistake in the command line (exit code 2, usage shown). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const MODES: readonly SpectrumMode[] = ['recscope', 'raw', 'centered'];
const BACKENDS: readonly NodeBackendName[] = ['wasm', 'cpu'];

const ANALYZE_OPTIONS = {
  'field-dims': { type: 'string' },
  tensor: { type: 'string', multiple: true },
  metadata: { type: 'string' },
  mode: { type: 'string' },
  'max-dim': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const INTERACTION_OPTIONS = {
  'field-dims': { type: 'string' },
  tensor: { type: 'string' },
  weight: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const GRAM_OPTIONS = {
  'field-dims': { type: 'string' },
  'first-row': { type: 'string' },
  tensor: { type: 'string', multiple: true },
  'max-dim': { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const MERGE_OPTIONS = {
  mode: { type: 'string' },
  'max-dim': { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const DATASET_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const TRAIN_OPTIONS = {
  dataset: { type: 'string' },
  model: { type: 'string' },
  epochs: { type: 'string' },
  lr: { type: 'string' },
  batch: { type: 'string' },
  dim: { type: 'string' },
  sets: { type: 'string' },
  seed: { type: 'string' },
  patience: { type: 'string' },
  'eval-every': { type: 'string' },
  wd: { type: 'string' },
  dropout: { type: 'string' },
  mlp: { type: 'string' },
  cross: { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** tfjs-backend-wasm 4.22's threaded build starts at most 8 pool threads. */
const MAX_THREADS = 8;

export function parseCliArgs(argv: string[]): CliCommand {
  // The command picks the option table, so `analyze --epochs` is refused as unknown.
  if (argv[0] === 'train') return parseTrain(argv);
  if (argv[0] === 'interaction') return parseInteraction(argv);
  if (argv[0] === 'dataset') return parseDataset(argv);
  if (argv[0] === 'gram') return parseGram(argv);
  if (argv[0] === 'merge') return parseMerge(argv);
  const { values, positionals } = parse(argv, ANALYZE_OPTIONS);
  if (values.help) return { kind: 'help' };
  const [command, file, ...extra] = positionals;
  if (command === 'train') throw new UsageError('put the command first: reclens train ...');
  if (command === undefined) throw new UsageError('no command given');
  if (command !== 'analyze') throw new UsageError(`unknown command "${command}" (commands: analyze, gram, merge, interaction, dataset, train)`);
  if (file === undefined) throw new UsageError('analyze needs a FILE');
  const mode = values.mode ?? 'recscope';
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`--mode must be one of ${MODES.join(', ')}, got "${mode}"`);
  }
  const maxDimText = values['max-dim'];
  let maxDim: number | undefined;
  if (maxDimText !== undefined) {
    try {
      maxDim = parseMaxDim(maxDimText);
    } catch (e) {
      throw new UsageError(`--max-dim: ${(e as Error).message}`);
    }
  }
  return {
    kind: 'analyze',
    file,
    ...(extra.length > 0 ? { files: [file, ...extra] } : {}),
    fieldDims: values['field-dims'],
    tensors: values.tensor ?? [],
    metadata: values.metadata,
    mode: mode as SpectrumMode,
    ...(maxDim === undefined ? {} : { maxDim }),
    json: values.json ?? false,
  };
}

function parse<
  O extends typeof ANALYZE_OPTIONS | typeof TRAIN_OPTIONS | typeof INTERACTION_OPTIONS | typeof DATASET_OPTIONS | typeof GRAM_OPTIONS | typeof MERGE_OPTIONS,
>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function parseGram(argv: string[]): CliCommand {
  const { values, positionals } = parse(argv, GRAM_OPTIONS);
  if (values.help) return { kind: 'help' };
  const files = positionals.slice(1);
  if (files.length === 0) throw new UsageError('gram needs a FILE (or the shards of one table)');
  const maxDim = maxDimOption(values['max-dim']);
  return {
    kind: 'gram',
    files,
    fieldDims: values['field-dims'],
    tensors: values.tensor ?? [],
    ...(maxDim === undefined ? {} : { maxDim }),
    ...(values['first-row'] === undefined ? {} : { firstRow: integer(values['first-row'], '--first-row', 0) }),
    ...(values.out === undefined ? {} : { out: values.out }),
  };
}

function parseMerge(argv: string[]): CliCommand {
  const { values, positionals } = parse(argv, MERGE_OPTIONS);
  if (values.help) return { kind: 'help' };
  const files = positionals.slice(1);
  if (files.length === 0) throw new UsageError('merge needs the partial-Gram files (PART.json...)');
  const mode = values.mode ?? 'recscope';
  if (!(MODES as readonly string[]).includes(mode)) throw new UsageError(`--mode must be one of ${MODES.join(', ')}, got "${mode}"`);
  const maxDim = maxDimOption(values['max-dim']);
  return {
    kind: 'merge',
    files,
    mode: mode as SpectrumMode,
    ...(maxDim === undefined ? {} : { maxDim }),
    json: values.json ?? false,
    ...(values.out === undefined ? {} : { out: values.out }),
  };
}

function maxDimOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseMaxDim(text);
  } catch (e) {
    throw new UsageError(`--max-dim: ${(e as Error).message}`);
  }
}

function parseInteraction(argv: string[]): CliCommand {
  const { values, positionals } = parse(argv, INTERACTION_OPTIONS);
  if (values.help) return { kind: 'help' };
  const [, file, ...extra] = positionals;
  if (file === undefined) throw new UsageError('interaction needs a FILE');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  return { kind: 'interaction', file, fieldDims: values['field-dims'], tensor: values.tensor, weight: values.weight, json: values.json ?? false };
}

function parseDataset(argv: string[]): CliCommand {
  const { values, positionals } = parse(argv, DATASET_OPTIONS);
  if (values.help) return { kind: 'help' };
  const [, file, ...extra] = positionals;
  if (file === undefined) throw new UsageError('dataset needs a FILE');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  return { kind: 'dataset', file, json: values.json ?? false };
}

function parseTrain(argv: string[]): CliCommand {
  const { values, positionals } = parse(argv, TRAIN_OPTIONS);
  if (values.help) return { kind: 'help' };
  const [, file, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (file !== undefined && values.dataset !== undefined) throw new UsageError('give either --dataset ID or a FILE, not both');
  if (file === undefined && values.dataset === undefined) throw new UsageError('train needs --dataset ID or a FILE');
  const model = values.model ?? 'dnn';
  if (!(MODEL_KINDS as readonly string[]).includes(model)) throw new UsageError(`--model must be one of ${MODEL_KINDS.join(', ')}, got "${model}"`);
  const backend = values.backend ?? 'wasm';
  if (!(BACKENDS as readonly string[]).includes(backend)) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got "${backend}"`);
  const threads = integer(values.threads, '--threads', 1);
  if (threads !== undefined && threads > MAX_THREADS)
    throw new UsageError(`--threads must be at most ${MAX_THREADS} (tfjs's wasm pool), got "${values.threads}"`);
  if (threads !== undefined && backend !== 'wasm') throw new UsageError("--threads sizes the wasm backend's pool: drop it or use --backend wasm");

  const overrides: TrainOverrides = {};
  const set = <K extends keyof TrainOverrides>(key: K, value: TrainOverrides[K] | undefined) => {
    if (value !== undefined) overrides[key] = value;
  };
  set('epochs', integer(values.epochs, '--epochs', 1));
  set(
    'lr',
    real(values.lr, '--lr', (x) => x > 0 && x <= 1, 'a number in (0, 1], e.g. 1e-3'),
  );
  set('batch', integer(values.batch, '--batch', 1));
  set('dim', integer(values.dim, '--dim', 1));
  set('sets', integer(values.sets, '--sets', 1));
  set('seed', integer(values.seed, '--seed', 0));
  set('patience', integer(values.patience, '--patience', 0));
  set('evalEvery', integer(values['eval-every'], '--eval-every', 0));
  set(
    'weightDecay',
    real(values.wd, '--wd', (x) => x >= 0 && x <= 1, 'a number in [0, 1], e.g. 1e-6'),
  );
  set(
    'dropout',
    real(values.dropout, '--dropout', (x) => x >= 0 && x < 1, 'a number in [0, 1)'),
  );
  set('cross', integer(values.cross, '--cross', 1));
  if (values.mlp !== undefined) {
    const widths = values.mlp.split(/[-,]/).map(Number);
    if (widths.length === 0 || widths.some((w) => !Number.isInteger(w) || w < 1))
      throw new UsageError(`--mlp must be layer widths like 400-400, got "${values.mlp}"`);
    overrides.mlp = widths;
  }
  return {
    kind: 'train',
    ...(file === undefined ? { dataset: values.dataset } : { file }),
    model: model as ModelKind,
    overrides,
    backend: backend as NodeBackendName,
    ...(threads === undefined ? {} : { threads }),
    json: values.json ?? false,
  };
}

/** A whole number >= min (no exponent, no fraction), or undefined when the option is absent. */
function integer(text: string | undefined, name: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`${name} must be a whole number >= ${min}, got "${text}"`);
  return value;
}

function real(text: string | undefined, name: string, ok: (x: number) => boolean, what: string): number | undefined {
  if (text === undefined) return undefined;
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value) || !ok(value)) throw new UsageError(`${name} must be ${what}, got "${text}"`);
  return value;
}
