/**
 * One fuzz target per reader or import path of the studio and the CLI: its seeds, the mutators
 * that fit its format, and how an input is run and checked. `run` resolves with the broken
 * invariants of an accepted input (empty when fine) and throws what the reader threw.
 */
import { readFileSync } from 'node:fs';
import { inflateSync, deflateSync } from 'fflate';
import { analyzeTableFile } from '../src/analysis/analyzeTable.ts';
import { analyzeWarehouseResult } from '../src/analysis/warehouseAnalysis.ts';
import { readWarehouseResult } from '../src/data/formats/warehouseResult.ts';
import { analyzePartialGram, mergePartialGrams } from '../src/analysis/partialGram.ts';
import { partialGramToJSON, readPartialGramJson } from '../src/data/formats/partialGramJson.ts';
import { resultToCSV, resultToJSON } from '../src/analysis/resultExport.ts';
import type { SpectrumMode } from '../src/contracts/tables.ts';
import { bytesByteSource, type ByteSource } from '../src/data/byteSource.ts';
import { decodeCtrDataset } from '../src/data/ctr/datasetFile.ts';
import { importCtrFile } from '../src/data/ctr/importCtrFile.ts';
import { FieldVocab } from '../src/data/ctr/vocab.ts';
import { ImportError } from '../src/data/importError.ts';
import { parseMtlCsv } from '../src/data/mtl/mtlCsv.ts';
import { openTableFile } from '../src/data/openTableFile.ts';
import { shardedTableFile } from '../src/data/shardedTable.ts';
import type { TableFile } from '../src/data/tableFile.ts';
import { defaultTensorChoice } from '../src/data/tensorChoice.ts';
import { readCheckpointLayout } from '../src/data/checkpointLayout.ts';
import { readFieldSizes } from '../src/data/fieldDims.ts';
import { readFieldSizesTensor } from '../src/data/fieldSizesTensor.ts';
import { defaultCrossWeight, interactionCollapseOfFile, type InteractionCollapse } from '../src/analysis/interactionCollapse.ts';
import { checkpointCorrelation, type CheckpointCorrelation } from '../src/analysis/checkpointCorrelation.ts';
import { defaultCorrelationForm, parseCategoryIds } from '../src/state/correlationController.ts';
import { tableBlockEdit } from './tfTable.ts';
import { npyBytes } from '../test/support/testFixtures.ts';
import { fromSavedTable, toSavedTable } from '../src/state/savedRecords.ts';
import { createStudioStore } from '../src/state/studioStore.ts';
import { createStudioUrlRegistry } from '../src/state/studioUrl.ts';
import { readWorkspaceBytes, reexportWorkspace, WorkspaceFileError } from '../src/state/workspaceFile.ts';
import { concat, crc32, fromLatin1, latin1, utf8 } from './bytes.ts';
import { analysisJsonProblems, ctrDatasetProblems, fieldProblems, inventedToken, sequenceDatasetProblems } from './invariants.ts';
import { importSequenceFile } from '../src/data/sequence/importSequenceFile.ts';
import { groundTruthCorrelation } from '../src/analysis/groundTruthCorrelation.ts';
import {
  bitFlip,
  byteSet,
  deleteRange,
  duplicateRange,
  GENERIC,
  insertBytes,
  INTERESTING_NUMERALS,
  interestingInteger,
  invalidUtf8,
  joinNpy,
  jsonEdit,
  lineEdit,
  mutateJsonText,
  npyHeaderEdit,
  numberReplace,
  PICKLE,
  pick,
  PROTOTYPE_KEYS,
  TEXT,
  truncate,
  widen,
  wordReplace,
  type Mutator,
} from './mutators.ts';
import * as seeds from './seeds.ts';
import type { Seed } from './seeds.ts';
import type { FuzzInput } from './types.ts';
import { deflateBomb, readZip, writeZip } from './zip.ts';

export interface Target {
  name: string;
  /** The code path it drives, for the report. */
  covers: string;
  seeds(): Seed[];
  /** Mutators to pick from (a mutator listed twice is picked twice as often). */
  mutators: Mutator[];
  /** A target-specific choice made per input (the CLI's --mode); one entry when there is none. */
  variants: readonly string[];
  /** Text formats: the bytes that separate cells; an input cut before its last line's last separator must be rejected. */
  text?: { separators: string };
  /** The target's own rejection errors (default: ImportError). */
  isRejection?(error: unknown): boolean;
  run(input: FuzzInput, signal: AbortSignal): Promise<string[]>;
}

const MODES: readonly SpectrumMode[] = ['recscope', 'raw', 'centered'];

/** Bytes that inflate to more than the worker's memory limit; built once, when first needed. */
const BOMB_BYTES = 768 << 20;
const bombs = new Map<string, ReturnType<typeof deflateBomb>>();
function bomb(kind: string, head: () => Uint8Array) {
  if (!bombs.has(kind)) bombs.set(kind, deflateBomb(head(), BOMB_BYTES - head.length));
  return bombs.get(kind)!;
}

// ---------------------------------------------------------------------------------------------
// Tables: the CLI's analyze path (open, default tensors, analyse, --json)

/** What `reclens analyze FILE --json --mode MODE [--metadata META]` does, on bytes in memory. */
async function analyzeLikeCli(src: ByteSource, mode: string, signal: AbortSignal, metadata?: ByteSource): Promise<string[]> {
  return analyzeFileLikeCli(await openTableFile(src, metadata ? { metadata } : undefined), mode, signal);
}

async function analyzeFileLikeCli(file: TableFile, mode: string, signal: AbortSignal): Promise<string[]> {
  const src = file.source;
  const tensors = defaultTensorChoice(file.tensors);
  if (tensors.length === 0) {
    throw new ImportError(
      'no-tensor-selected',
      `${src.name} has no 2-D numeric tensor to analyse.`,
      'Export the embedding table as a 2-D array (rows x dims).',
    );
  }
  // As the CLI: a field_dims / offsets tensor beside the table splits it.
  const rows = new Set(tensors.map((name) => file.tensors.find((t) => t.name === name)?.shape[0]));
  const [only] = rows;
  const kept = rows.size === 1 && only !== undefined ? await readFieldSizesTensor(file, only) : undefined;
  const result = await analyzeTableFile(file, { tensors, mode: mode as SpectrumMode, ...(kept ? { field_dims: kept.dims } : {}) }, { signal });
  return analysisJsonProblems(JSON.parse(resultToJSON(result)));
}

let multiEmbedding: Uint8Array | undefined;
/** The Multi-Embedding checkpoint the field-sizes target splits, read once. */
const MULTI_EMBEDDING = () => (multiEmbedding ??= new Uint8Array(readFileSync(new URL('../test/torch/multi-embedding/mdcn-3x10_best.pth', import.meta.url))));

const runTable = (input: FuzzInput, signal: AbortSignal) => analyzeLikeCli(bytesByteSource(input.bytes, input.name), input.variant, signal);

/** A mutated .npy read as two shards of one table (`reclens analyze a b`, a shard set dropped together): twice its rows, or one clear error. */
const runShards = async (input: FuzzInput, signal: AbortSignal) => {
  const shard = (i: number) => openTableFile(bytesByteSource(input.bytes, `table.shard-${i}.npy`));
  return analyzeFileLikeCli(shardedTableFile([await shard(1), await shard(0)]), input.variant, signal);
};

let tfShards: Map<string, Uint8Array> | undefined;
/** A mutated checkpoint .index with its seed's data shards beside it, as the CLI finds them. */
const runTfCheckpoint = (input: FuzzInput, signal: AbortSignal) => {
  const shards = (tfShards ??= seeds.tfCheckpointShards());
  const sibling = async (name: string) => {
    const bytes = shards.get(name);
    return bytes ? bytesByteSource(bytes, name) : undefined;
  };
  return analyzeLikeCli({ ...bytesByteSource(input.bytes, input.name), sibling }, input.variant, signal);
};

/** A new .npy table of an awkward shape: wide (a transposed export), or values at float extremes. */
const npyGenerate: Mutator = {
  name: 'npy-generate',
  apply(_bytes, rng) {
    if (rng.next() < 0.5) {
      const cols = pick(rng, [2000, 3000, 30_000]);
      const rows = pick(rng, [1, 2, 64]);
      if (rng.next() < 0.5 || rows * cols > 1e6) {
        const data = Uint8Array.from({ length: rows * cols }, () => rng.int(256));
        return joinNpy({ header: `{'descr': '|u1', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`, data });
      }
      return npyBytes(
        Array.from({ length: rows * cols }, () => rng.normal()),
        [rows, cols],
      );
    }
    const rows = 2 + rng.int(40);
    const cols = 2 + rng.int(12);
    const scale = pick(rng, [1e200, 1e-200, 1e300, 1e154, 3e38, 1e-310, 1e-160]);
    const shape = rng.int(4);
    const base = Array.from({ length: cols }, () => rng.normal());
    const v = Array.from({ length: rows * cols }, (_, i) => {
      if (shape === 0) return scale * base[i % cols] * (1 + (i % 3)); // rank one
      if (shape === 1 && i % cols === 0) return pick(rng, [NaN, Infinity, -Infinity, 0]);
      if (shape === 2) return scale; // constant
      return scale * rng.normal();
    });
    return npyBytes(v, [rows, cols], { dtype: rng.next() < 0.7 ? 'f8' : 'f4' });
  },
};

/** Edits one member of a zip (an .npy of an .npz, a checkpoint's pickle) and zips it again validly. */
function zipMemberEdit(choose: (name: string) => boolean, inner: Mutator[]): Mutator {
  return {
    name: 'zip-member',
    apply(bytes, rng, ctx) {
      const members = readZip(bytes, ctx.seeds);
      if (!members || members.length === 0) return null;
      const preferred = members.filter((m) => choose(m.name));
      const m = pick(rng, preferred.length > 0 ? preferred : members);
      const mutator = pick(rng, inner);
      const changed = mutator.apply(m.data, rng, ctx);
      if (!changed) return null;
      m.data = changed;
      return writeZip(members);
    },
  };
}

/** Drops, renames (to an Object.prototype key) or deflates a member. */
const zipStructure: Mutator = {
  name: 'zip-structure',
  apply(bytes, rng, ctx) {
    const members = readZip(bytes, ctx.seeds);
    if (!members || members.length === 0) return null;
    const i = rng.int(members.length);
    const op = rng.int(3);
    if (op === 0) members.splice(i, 1);
    else if (op === 1) members[i].name = members[i].name.replace(/[^/]+?(?=(\.npy)?$)/, pick(rng, PROTOTYPE_KEYS));
    else members[i].deflate = !members[i].deflate;
    return writeZip(members);
  },
};

/** Replaces a member with a small deflated one that inflates past the memory limit. */
function zipBomb(choose: (name: string) => boolean, head: () => Uint8Array, kind: string): Mutator {
  return {
    name: 'zip-bomb',
    last: true,
    apply(bytes, rng, ctx) {
      const members = readZip(bytes, ctx.seeds);
      const targets = members?.filter((m) => choose(m.name));
      if (!members || !targets || targets.length === 0) return null;
      const m = pick(rng, targets);
      const b = bomb(kind, head);
      m.data = b.data;
      m.inflated = { crc: b.crc, size: b.size };
      return writeZip(members);
    },
  };
}

const fortranBombHeader = () =>
  joinNpy({ header: `{'descr': '<f4', 'fortran_order': True, 'shape': (${BOMB_BYTES / 256 - 1}, 64), }`, data: new Uint8Array(0) });

const NPY_INNER = [npyHeaderEdit, npyHeaderEdit, bitFlip, byteSet, interestingInteger, truncate, duplicateRange, npyGenerate];

// ---------------------------------------------------------------------------------------------
// safetensors: edit the JSON header, write the length prefix again

const safetensorsHeader: Mutator = {
  name: 'safetensors-header',
  apply(bytes, rng) {
    if (bytes.length < 8) return null;
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    if (8 + n > bytes.length) return null;
    const text = mutateJsonText(new TextDecoder().decode(bytes.subarray(8, 8 + n)), rng);
    if (text === null) return null;
    const header = utf8(text);
    const padded = Math.ceil(header.length / 8) * 8;
    const out = new Uint8Array(8 + padded + bytes.length - 8 - n);
    new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
    out.fill(0x20, 8, 8 + padded);
    out.set(header, 8);
    out.set(bytes.subarray(8 + n), 8 + padded);
    return out;
  },
};

// ---------------------------------------------------------------------------------------------
// .rlctr: the header JSON or the inflated body edited, CRC and lengths written again

interface RlctrParts {
  header: string;
  body: Uint8Array;
}

function splitRlctr(bytes: Uint8Array): { header: string; packed: Uint8Array } | null {
  if (bytes.length < 16 || latin1(bytes.subarray(0, 4)) !== 'RLCT') return null;
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  if (16 + length > bytes.length) return null;
  return { header: new TextDecoder().decode(bytes.subarray(16, 16 + length)), packed: bytes.subarray(16 + length) };
}

/** .rlctr files joinRlctr made: their bodies are known to inflate (a damaged one could inflate to gigabytes here). */
const joinedRlctr = new WeakSet<Uint8Array>();

function joinRlctr(header: string, packed: Uint8Array): Uint8Array {
  const h = utf8(header);
  const out = concat([fromLatin1('RLCT'), new Uint8Array(12), h, packed]);
  const view = new DataView(out.buffer);
  view.setUint32(4, 1, true);
  view.setUint32(8, h.length, true);
  view.setUint32(12, crc32(out.subarray(16)), true);
  joinedRlctr.add(out);
  return out;
}

function rlctrBody(bytes: Uint8Array, seeds: readonly Uint8Array[]): RlctrParts | null {
  if (!joinedRlctr.has(bytes) && !seeds.includes(bytes)) return null;
  const parts = splitRlctr(bytes);
  if (!parts) return null;
  try {
    return { header: parts.header, body: inflateSync(parts.packed) };
  } catch {
    return null;
  }
}

const rlctrHeader: Mutator = {
  name: 'rlctr-header',
  apply(bytes, rng) {
    const parts = splitRlctr(bytes);
    const header = parts && mutateJsonText(parts.header, rng);
    return header ? joinRlctr(header, parts.packed) : null;
  },
};

const rlctrBodyEdit: Mutator = {
  name: 'rlctr-body',
  apply(bytes, rng, ctx) {
    const parts = rlctrBody(bytes, ctx.seeds);
    if (!parts) return null;
    const body = pick(rng, [bitFlip, byteSet, interestingInteger, truncate, duplicateRange, deleteRange]).apply(parts.body, rng, ctx);
    return body ? joinRlctr(parts.header, deflateSync(body)) : null;
  },
};

const rlctrBomb: Mutator = {
  name: 'rlctr-bomb',
  last: true,
  apply(bytes) {
    const parts = splitRlctr(bytes);
    return parts ? joinRlctr(parts.header, bomb('zeros', () => new Uint8Array(0)).data) : null;
  },
};

// ---------------------------------------------------------------------------------------------
// CTR text files and the multi-label loader: datasets checked, and the tokens the parsers make

let tokenWatch: ((token: unknown) => void) | null = null;
let vocabWatched = false;

/** Watches every token a CTR parser interns (a parser turning a bad timestamp into "NaN" is a silent failure). */
async function watchingTokens<T>(text: string, problems: string[], parse: () => Promise<T> | T): Promise<T> {
  if (!vocabWatched) {
    vocabWatched = true;
    const add = FieldVocab.prototype.add;
    FieldVocab.prototype.add = function watchedAdd(this: FieldVocab, token: string, times?: number) {
      tokenWatch?.(token);
      return add.call(this, token, times);
    };
  }
  tokenWatch = (token) => {
    const problem = problems.length < 3 ? inventedToken(token, text) : undefined;
    if (problem && !problems.includes(problem)) problems.push(problem);
  };
  try {
    return await parse();
  } finally {
    tokenWatch = null;
  }
}

// ---------------------------------------------------------------------------------------------
// Workspace import and export

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );

async function runWorkspace(input: FuzzInput): Promise<string[]> {
  const ws = readWorkspaceBytes(input.bytes, input.name);
  const problems: string[] = [];
  ws.tables.forEach((t, i) => {
    const fields = t.result.fields;
    if (fields.length === 0) problems.push(`tables[${i}] has no fields`);
    fields.forEach((f, j) => problems.push(...fieldProblems(f as unknown as Record<string, unknown>, `tables[${i}].result.fields[${j}]`)));
    if (!(Number.isInteger(t.bytes) && t.bytes >= 0)) problems.push(`tables[${i}].bytes is ${t.bytes}`);
    if (!(t.elapsedMs >= 0)) problems.push(`tables[${i}].elapsedMs is ${t.elapsedMs}`);
    t.tensors.forEach((tensor, k) => {
      if (tensor.shape.some((d) => !Number.isInteger(d) || d < -1)) problems.push(`tables[${i}].tensors[${k}].shape is [${tensor.shape.join(', ')}]`);
    });
  });
  ws.runs.forEach((r, i) =>
    r.spectra.forEach((s, j) =>
      s.fields.forEach((f, k) => problems.push(...fieldProblems(f as unknown as Record<string, unknown>, `runs[${i}].spectra[${j}].fields[${k}]`))),
    ),
  );
  if (problems.length > 0) return problems.slice(0, 3);
  // Export what was imported and import it again: the same tables and runs.
  const back = readWorkspaceBytes(reexportWorkspace(ws, new Date(0)), 'export.reclens.json');
  const tables = (w: typeof ws) => w.tables.map((t) => ({ ...toSavedTable(fromSavedTable(t)), savedAt: 0 }));
  if (canonical(tables(back)) !== canonical(tables(ws)) || canonical(back.runs) !== canonical(ws.runs))
    problems.push('the exported workspace re-imports differently');
  // Each table's CSV export stays proportionate to what the workspace holds.
  ws.tables.forEach((t, i) => {
    const csv = resultToCSV(t.result);
    if (csv.length > 64 * input.bytes.length + 65_536)
      problems.push(`tables[${i}]'s CSV export is ${csv.length} characters from a ${input.bytes.length}-byte workspace`);
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// URL state: parse, apply to a store, format; the canonical link parses clean and is a fixed point

const urlRegistry = createStudioUrlRegistry();
const URL_KEYS = Object.keys(urlRegistry.schema());
const URL_VALUES = [
  '',
  '1',
  '0',
  'x',
  'dark',
  'raw',
  'train',
  'mmoe',
  'dcnv2',
  'a'.repeat(300),
  '%',
  '%E0%A4%A',
  '%00',
  '%F0%9F%98%80',
  '+',
  '64-32',
  '1e-7',
  ...INTERESTING_NUMERALS,
  ...PROTOTYPE_KEYS,
];

const urlEdit: Mutator = {
  name: 'url-param',
  apply(bytes, rng) {
    const pairs = latin1(bytes)
      .replace(/^#/, '')
      .split('&')
      .filter((p) => p !== '');
    const key = () => (rng.next() < 0.5 ? pick(rng, PROTOTYPE_KEYS) : rng.next() < 0.9 ? pick(rng, URL_KEYS) : 'v');
    const op = rng.int(5);
    const i = rng.int(Math.max(1, pairs.length));
    const value = pick(rng, URL_VALUES);
    if (op === 0 || pairs.length === 0) pairs.splice(i, 0, `${key()}=${value}`);
    else if (op === 1) pairs[i] = `${pairs[i].split('=')[0]}=${value}`;
    else if (op === 2) pairs[i] = `${key()}=${pairs[i].split('=').slice(1).join('=')}`;
    else if (op === 3) pairs.splice(i, 0, pairs[i]);
    else pairs.splice(i, 1);
    return fromLatin1('#' + pairs.join('&'));
  },
};

function runUrl(input: FuzzInput): string[] {
  const hash = new TextDecoder().decode(input.bytes);
  const schema = urlRegistry.schema();
  const parsed = urlRegistry.parse(hash);
  const problems: string[] = [];
  for (const [key, field] of Object.entries(schema)) {
    const v = parsed.values[key];
    if (typeof v !== typeof field.default) problems.push(`${key} parsed to ${String(v)} (${typeof v})`);
    else if (!Object.is(field.parse(field.format(v)), v)) problems.push(`${key}=${String(v)} does not survive format and parse`);
  }
  const store = createStudioStore();
  urlRegistry.apply(parsed.values, store.getState());
  const read = urlRegistry.read(store.getState());
  for (const key of Object.keys(schema)) {
    if (!Object.is(read[key], parsed.values[key])) problems.push(`${key}: the link says ${String(parsed.values[key])}, the studio shows ${String(read[key])}`);
  }
  const link = urlRegistry.format(store.getState());
  const again = urlRegistry.parse(`#${link}`);
  if (again.notices.length > 0) problems.push(`the studio's own link #${link.slice(0, 80)} gives notices: ${again.notices[0]}`);
  const store2 = createStudioStore();
  urlRegistry.apply(again.values, store2.getState());
  const link2 = urlRegistry.format(store2.getState());
  if (link2 !== link) problems.push(`format(parse(link)) is not a fixed point: ${link.slice(0, 80)} became ${link2.slice(0, 80)}`);
  return problems.slice(0, 3);
}

/** The field sizes of the interaction seeds. */
const INTERACTION_FIELD_DIMS = [3, 12, 7, 20];

/** An F x F matrix and F raw IAs, each finite and in [1, K] (0: a field with no spectrum). */
function interactionProblems(m: InteractionCollapse, f: number, k: number): string[] {
  const problems: string[] = [];
  const ok = (v: number) => v === 0 || (v >= 1 - 1e-6 && v <= k * (1 + 1e-6));
  if (m.ia.length !== f || m.ia.some((row) => row.length !== f)) problems.push(`the matrix is not ${f} x ${f}`);
  if (m.rawIa.length !== f) problems.push(`${m.rawIa.length} raw IAs for ${f} fields`);
  m.ia.forEach((row, i) => row.forEach((v, j) => ok(v) || problems.push(`ia[${i}][${j}] = ${v} is outside [1, ${k}]`)));
  m.rawIa.forEach((v, i) => ok(v) || problems.push(`rawIa[${i}] = ${v} is outside [1, ${k}]`));
  return problems.slice(0, 3);
}

function correlationProblems(c: CheckpointCorrelation): string[] {
  const problems: string[] = [];
  const cells = c.categories.length * c.positions;
  if (c.maps.length !== c.categories.length) problems.push(`${c.maps.length} maps for ${c.categories.length} target categories`);
  c.maps.forEach((m, t) => {
    if (m.length !== cells) problems.push(`map ${t} has ${m.length} cells, not ${cells}`);
    const bad = m.findIndex((v) => !(v >= 0 && v <= 1));
    if (bad >= 0) problems.push(`map ${t}[${bad}] = ${m[bad]} is outside the min-max range [0, 1]`);
  });
  return problems.slice(0, 3);
}

// ---------------------------------------------------------------------------------------------

export const TARGETS: Target[] = [
  {
    name: 'table:npy',
    covers: 'openTableFile + analyzeTableFile (CLI analyze --json) on .npy',
    seeds: seeds.npySeeds,
    mutators: [...GENERIC, npyHeaderEdit, npyHeaderEdit, npyHeaderEdit, npyGenerate],
    variants: MODES,
    run: runTable,
  },
  {
    name: 'table:shards',
    covers: 'shardedTableFile: a mutated .npy given as two shards of one table, analysed as one',
    seeds: seeds.npySeeds,
    mutators: [...GENERIC, npyHeaderEdit, npyHeaderEdit, npyHeaderEdit, npyGenerate],
    variants: MODES,
    run: runShards,
  },
  {
    name: 'table:npz',
    covers: 'CLI analyze on .npz (stored, deflated, ZIP64 members)',
    seeds: seeds.npzSeeds,
    mutators: [
      ...GENERIC,
      zipMemberEdit((n) => n.endsWith('.npy'), NPY_INNER),
      zipMemberEdit((n) => n.endsWith('.npy'), NPY_INNER),
      zipMemberEdit((n) => n.endsWith('.npy'), NPY_INNER),
      zipStructure,
      zipBomb((n) => n.endsWith('.npy'), fortranBombHeader, 'fortran-npy'),
    ],
    variants: MODES,
    run: runTable,
  },
  {
    name: 'table:safetensors',
    covers: 'CLI analyze on .safetensors',
    seeds: seeds.safetensorsSeeds,
    mutators: [...GENERIC, safetensorsHeader, safetensorsHeader, safetensorsHeader, safetensorsHeader],
    variants: MODES,
    run: runTable,
  },
  {
    name: 'table:torch',
    covers: 'CLI analyze on PyTorch .pt (zip + pickle), checkpoints, modules, TorchScript',
    seeds: seeds.torchSeeds,
    mutators: [
      ...GENERIC,
      ...Array.from({ length: 6 }, () => zipMemberEdit((n) => n.endsWith('data.pkl'), PICKLE)),
      zipMemberEdit((n) => /\/data\/\d+$/.test(n), [bitFlip, truncate, duplicateRange]),
      zipStructure,
      zipBomb(
        (n) => n.endsWith('data.pkl'),
        () => new Uint8Array([0x80, 0x02]),
        'pickle',
      ),
    ],
    variants: MODES,
    run: runTable,
  },
  {
    name: 'table:torch-legacy',
    covers: 'CLI analyze on PyTorch .pt in the format from before 1.6 (pickles, then raw storages)',
    seeds: seeds.torchLegacySeeds,
    mutators: [...GENERIC, ...PICKLE, ...PICKLE],
    variants: MODES,
    run: runTable,
  },
  {
    name: 'table:onnx',
    covers: 'CLI analyze on ONNX models (initializers: raw_data, typed fields, external data)',
    seeds: seeds.onnxSeeds,
    mutators: [...GENERIC, interestingInteger, interestingInteger, byteSet],
    variants: MODES,
    run: runTable,
  },
  {
    name: 'table:tfcheckpoint',
    covers: 'CLI analyze on TensorFlow checkpoints (.index table of BundleEntryProtos; the .data shards beside it)',
    seeds: seeds.tfCheckpointSeeds,
    mutators: [...GENERIC, ...Array.from({ length: 6 }, () => tableBlockEdit([bitFlip, byteSet, interestingInteger]))],
    variants: MODES,
    run: runTfCheckpoint,
  },
  {
    name: 'table:parquet',
    covers: 'CLI analyze on Parquet embedding columns (hyparquet; field column, snappy/gzip/zstd)',
    seeds: seeds.parquetSeeds,
    mutators: [...GENERIC, interestingInteger, interestingInteger, byteSet],
    variants: MODES,
    run: runTable,
  },
  {
    name: 'table:hdf5',
    covers: 'CLI analyze on HDF5 / Keras .h5 and .keras weights (h5wasm)',
    seeds: seeds.hdf5Seeds,
    mutators: [
      ...GENERIC,
      interestingInteger,
      interestingInteger,
      byteSet,
      zipMemberEdit((n) => n.endsWith('.h5'), [bitFlip, byteSet, interestingInteger, truncate]),
    ],
    variants: MODES,
    run: runTable,
  },
  {
    name: 'table:word2vec-bin',
    covers: 'CLI analyze on word2vec / fastText binary (.bin)',
    seeds: seeds.word2vecBinarySeeds,
    mutators: [...GENERIC, numberReplace, numberReplace, invalidUtf8],
    variants: MODES,
    run: runTable,
  },
  {
    name: 'table:text',
    covers: 'CLI analyze on TSV / CSV / Embedding Projector TSV / word2vec and GloVe text',
    seeds: seeds.textTableSeeds,
    mutators: [...GENERIC, ...TEXT, numberReplace, lineEdit, widen],
    variants: MODES,
    text: { separators: '\t, ' },
    run: runTable,
  },
  {
    name: 'table:field-sizes',
    covers: 'CLI analyze --field-dims FILE (JSON list, FuxiCTR feature_map.json, a training log) on a Multi-Embedding checkpoint: every set split alike',
    seeds: seeds.fieldSizesSeeds,
    mutators: [...GENERIC, ...TEXT, numberReplace, lineEdit, wordReplace],
    variants: ['recscope'],
    run: async (input, signal) => {
      const sizes = readFieldSizes(new TextDecoder().decode(input.bytes));
      const file = await openTableFile(bytesByteSource(MULTI_EMBEDDING(), 'mdcn-3x10_best.pth'));
      const sets = readCheckpointLayout(file.tensors).sets!;
      const names = sizes.names?.length === sizes.dims.length ? sizes.names : undefined;
      const request = {
        tensors: sets.tensors,
        setNames: sets.labels,
        field_dims: sizes.dims,
        mode: 'recscope' as const,
        ...(names ? { fieldNames: names } : {}),
      };
      return analysisJsonProblems(JSON.parse(resultToJSON(await analyzeTableFile(file, request, { signal }))));
    },
  },
  {
    name: 'table:interaction',
    covers: 'reclens interaction --json on a DCNv2 checkpoint (table and first cross layer found by layout, F x F matrix)',
    seeds: seeds.interactionSeeds,
    mutators: [
      ...GENERIC,
      ...Array.from({ length: 4 }, () => zipMemberEdit((n) => n.endsWith('data.pkl'), PICKLE)),
      zipMemberEdit((n) => /\/data\/\d+$/.test(n), [bitFlip, truncate, duplicateRange, byteSet]),
    ],
    variants: ['recscope'],
    run: async (input, signal) => {
      const file = await openTableFile(bytesByteSource(input.bytes, input.name));
      const [name] = defaultTensorChoice(file.tensors);
      const table = file.tensors.find((t) => t.name === name);
      const weight = table && defaultCrossWeight(file.tensors, table);
      if (!table || !weight)
        throw new ImportError('no-tensor-selected', `${input.name} has no table and cross layer to pair.`, 'Name them with --tensor and --weight.');
      const m = await interactionCollapseOfFile(file, { tensor: table.name, weight, fieldDims: INTERACTION_FIELD_DIMS }, { signal });
      return interactionProblems(m, INTERACTION_FIELD_DIMS.length, table.shape[1]);
    },
  },
  {
    name: 'table:correlation',
    covers: "Correlation card: a sequence model's checkpoint, its tables guessed as the card does, learned correlation (attention and TIN formulas)",
    seeds: seeds.correlationCheckpointSeeds,
    mutators: [
      ...GENERIC,
      ...Array.from({ length: 4 }, () => zipMemberEdit((n) => n.endsWith('data.pkl'), PICKLE)),
      zipMemberEdit((n) => /\/data\/\d+$/.test(n), [bitFlip, truncate, duplicateRange, byteSet]),
    ],
    variants: ['attention', 'tin'],
    run: async (input, signal) => {
      const file = await openTableFile(bytesByteSource(input.bytes, input.name));
      const form = defaultCorrelationForm(file.tensors);
      if (!form)
        throw new ImportError('no-tensor-selected', `${input.name} has fewer than two tables to pair.`, 'Pick a checkpoint with category and position tables.');
      const categories = parseCategoryIds(form.categories);
      if (categories instanceof Error) return [`the card's default categories "${form.categories}" do not parse: ${categories.message}`];
      const request = {
        method: input.variant as 'attention' | 'tin',
        categoryTable: form.categoryTable,
        positionTable: form.positionTable,
        ...(form.targetCategoryTable ? { targetCategoryTable: form.targetCategoryTable } : {}),
        categories,
        positions: form.positions,
      };
      return correlationProblems(await checkpointCorrelation(file, request, { signal }));
    },
  },
  {
    name: 'table:metadata',
    covers: 'CLI analyze --metadata (Embedding Projector metadata TSV)',
    seeds: seeds.metadataSeeds,
    mutators: [...GENERIC, ...TEXT, lineEdit, wordReplace],
    variants: ['recscope'],
    text: { separators: '\t' },
    run: (input, signal) => {
      const table = npyBytes(
        Array.from({ length: seeds.METADATA_TABLE_ROWS * 3 }, (_, i) => Math.sin(i + 1)),
        [seeds.METADATA_TABLE_ROWS, 3],
      );
      return analyzeLikeCli(bytesByteSource(table, 'table.npy'), input.variant, signal, bytesByteSource(input.bytes, input.name));
    },
  },
  {
    name: 'ctr:text',
    covers:
      'Train tab file import: importCtrFile + detectCtrFormat (Criteo TSV, Avazu CSV, MovieLens ratings.csv, ml-100k u.data, CSV with a header or label-first: RFC 4180, bucketed numbers)',
    seeds: seeds.ctrTextSeeds,
    mutators: [...GENERIC, ...TEXT, numberReplace, numberReplace, lineEdit],
    variants: ['default'],
    text: { separators: '\t,' },
    async run(input, signal) {
      const problems: string[] = [];
      const text = new TextDecoder().decode(input.bytes);
      const ds = await watchingTokens(text, problems, () => importCtrFile(bytesByteSource(input.bytes, input.name), { signal }));
      return [...problems, ...ctrDatasetProblems(ds)];
    },
  },
  {
    name: 'ctr:rlctr',
    covers: '.rlctr dataset decoder (decodeCtrDataset)',
    seeds: seeds.rlctrSeeds,
    mutators: [...GENERIC, rlctrHeader, rlctrHeader, rlctrHeader, rlctrHeader, rlctrBodyEdit, rlctrBodyEdit, rlctrBomb],
    variants: ['default'],
    async run(input) {
      return ctrDatasetProblems(decodeCtrDataset(input.bytes));
    },
  },
  {
    name: 'mtl:csv',
    covers: 'Multi-task view CSV/TSV loader (parseMtlCsv: RFC 4180 records, bucketed numbers)',
    seeds: seeds.mtlCsvSeeds,
    mutators: [...GENERIC, ...TEXT, numberReplace, lineEdit, wordReplace],
    variants: ['default'],
    text: { separators: ',' },
    async run(input) {
      const problems: string[] = [];
      const text = new TextDecoder().decode(input.bytes); // File.text()
      const ds = await watchingTokens(text, problems, () => parseMtlCsv(text, { fileName: input.name, name: input.name }));
      return [...problems, ...ctrDatasetProblems(ds)];
    },
  },
  {
    name: 'sequence:file',
    covers:
      "Behaviour-sequence import (importSequenceFile + detectSequenceFormat: sequence-sample CSV, Taobao UserBehavior.csv by DARE's protocol, a CTR CSV's click_sequence, gzip) and reclens correlation's ground-truth MI",
    seeds: seeds.sequenceSeeds,
    mutators: [...GENERIC, ...TEXT, numberReplace, lineEdit, lineEdit, wordReplace],
    variants: ['default'],
    text: { separators: ',' },
    async run(input, signal) {
      const ds = await importSequenceFile(bytesByteSource(input.bytes, input.name), { signal, fileName: input.name });
      const problems = sequenceDatasetProblems(ds);
      if (problems.length > 0) return problems;
      const gt = groundTruthCorrelation([ds.train, ...(ds.valid ? [ds.valid] : []), ds.test], ds.categoryVocabulary, { top: 5, positions: 5 });
      for (const t of gt.targets)
        for (const row of t.mutualInformation)
          for (const bits of row) if (!(Number.isFinite(bits) && bits > -1e-9 && bits <= 1 + 1e-9)) return [`ground-truth MI ${bits} outside [0, 1] bits`];
      return [];
    },
  },
  {
    name: 'warehouse:result',
    covers: 'reclens analyze / the Warehouse panel on a warehouse SQL result (CSV, TSV, JSON lines, JSON array): readWarehouseResult + analyzeWarehouseResult',
    seeds: seeds.warehouseResultSeeds,
    mutators: [...GENERIC, ...TEXT, numberReplace, numberReplace, lineEdit, wordReplace],
    variants: MODES,
    text: { separators: ',' },
    async run(input, signal) {
      const result = await readWarehouseResult(bytesByteSource(input.bytes, input.name), signal);
      return analysisJsonProblems(JSON.parse(resultToJSON(analyzeWarehouseResult(result, input.variant as SpectrumMode))));
    },
  },
  {
    name: 'partial-gram',
    covers: 'reclens merge / analyze and the studio on a partial-Gram .json: readPartialGramJson, analyzePartialGram, merge with itself, write and read again',
    seeds: seeds.partialGramSeeds,
    mutators: [...GENERIC, ...TEXT, jsonEdit, jsonEdit, jsonEdit, numberReplace, numberReplace, numberReplace, wordReplace],
    variants: MODES,
    async run(input, signal) {
      const partial = await readPartialGramJson(bytesByteSource(input.bytes, input.name), signal);
      const problems = analysisJsonProblems(JSON.parse(resultToJSON(analyzePartialGram(partial, input.variant as SpectrumMode))));
      // What it writes it reads back the same, and two disjoint copies merge to twice the rows.
      const again = await readPartialGramJson(bytesByteSource(new TextEncoder().encode(partialGramToJSON(partial)), 'again.json'), signal);
      if (JSON.stringify(partialGramToJSON(again)) !== JSON.stringify(partialGramToJSON(partial))) problems.push('written partial Gram reads back different');
      const twice = mergePartialGrams([partial, { ...partial, sources: partial.sources.map((s) => `copy of ${s}`) }]);
      twice.fields.forEach((f, i) => {
        if (f.rows !== 2 * partial.fields[i].rows) problems.push(`merged with itself, field ${f.name} has ${f.rows} rows, not twice ${partial.fields[i].rows}`);
      });
      return problems;
    },
  },
  {
    name: 'workspace',
    covers: 'Workspace import (readWorkspaceBytes), export again (reexportWorkspace) and CSV export',
    seeds: seeds.workspaceSeeds,
    mutators: [jsonEdit, jsonEdit, jsonEdit, jsonEdit, jsonEdit, jsonEdit, numberReplace, ...GENERIC],
    variants: ['default'],
    isRejection: (e) => e instanceof WorkspaceFileError,
    run: runWorkspace,
  },
  {
    name: 'url',
    covers: 'URL state: parse, apply to the store, format (core, training and multi-task keys)',
    seeds: seeds.urlSeeds,
    mutators: [urlEdit, urlEdit, urlEdit, urlEdit, urlEdit, numberReplace, wordReplace, bitFlip, insertBytes, truncate],
    variants: ['default'],
    // parseUrlHash never throws: any exception is a crash.
    isRejection: () => false,
    async run(input) {
      return runUrl(input);
    },
  },
];

/**
 * Targets that misbehave on purpose, for the harness's own test: the pool must report them as a
 * hang and a memory blow-up and carry on. Never part of a campaign.
 */
export const CALIBRATION_TARGETS: Target[] = [
  {
    name: 'calibration:spin',
    covers: 'a synchronous loop for as many milliseconds as the input says',
    seeds: () => [],
    mutators: [],
    variants: ['default'],
    async run(input) {
      const until = performance.now() + Number(new TextDecoder().decode(input.bytes));
      while (performance.now() < until) {
        // Busy: the event loop cannot run the cancel timer.
      }
      return [];
    },
  },
  {
    name: 'calibration:grow',
    covers: 'allocates and touches as many MB as the input says, then holds them for two seconds',
    seeds: () => [],
    mutators: [],
    variants: ['default'],
    async run(input) {
      const blocks = Array.from({ length: Number(new TextDecoder().decode(input.bytes)) }, () => new Uint8Array(1 << 20).fill(1));
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return blocks.every((b) => b[0] === 1) ? [] : ['memory did not hold what was written'];
    },
  },
];

export function targetByName(name: string): Target {
  const t = [...TARGETS, ...CALIBRATION_TARGETS].find((x) => x.name === name);
  if (!t) throw new Error(`no fuzz target "${name}" (targets: ${TARGETS.map((x) => x.name).join(', ')})`);
  return t;
}
