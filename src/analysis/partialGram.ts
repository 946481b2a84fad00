import { ImportError } from '../data/importError.ts';
import { commonName, naturalCompare, shardSetName } from '../data/shardedTable.ts';
import type { TableFile } from '../data/tableFile.ts';
import type { GramSums, PartialField, PartialGram } from '../contracts/partialGram.ts';
import type { AnalysisOptions, AnalysisResult, SpectrumMode } from '../contracts/tables.ts';
import { requireFiniteRows, sumTableFile, type AnalysisHooks, type AnalysisRequest, type RowSink } from './analyzeTable.ts';
import { GramAccumulator, type GramState } from './gramAccumulator.ts';
import { checkDimension } from './dimensionLimit.ts';
import { fieldResult } from './spectrum.ts';

/** Sums one field's rows for every recipe at once: the raw Gram with its column sums, and RecScope's row-normalised Gram. */
class PartialFieldAccumulator implements RowSink {
  readonly raw: GramAccumulator;
  readonly recscope: GramAccumulator;

  constructor(dim: number) {
    // 'centered' sums the rows as stored, as 'raw' does, and keeps the column sums too.
    this.raw = new GramAccumulator(dim, 'centered');
    this.recscope = new GramAccumulator(dim, 'recscope');
  }

  add(block: Float32Array | Float64Array, rows: number): void {
    this.raw.add(block, rows);
    this.recscope.add(block, rows);
  }
}

/**
 * The partial Gram of a table file's selected tensors (split by field_dims when given): one pass
 * over the rows. A field with no rows here (a shard that holds none of its rows) has zero sums.
 * `sources` names the files summed (default: the file's own name).
 */
export async function partialGramOfTable(
  file: TableFile,
  request: Omit<AnalysisRequest, 'mode'>,
  hooks: Omit<AnalysisHooks, 'tensorGram'> = {},
  sources: string[] = [file.source.name],
): Promise<PartialGram> {
  const sums = await sumTableFile(file, request, hooks, (dim) => new PartialFieldAccumulator(dim));
  const dims = request.tensors.map((name) => file.tensors.find((t) => t.name === name)?.shape[1] ?? 0);
  const fieldsPerTensor = request.field_dims ? request.field_dims.length : 1;
  const fields = sums.accumulators.map((acc, i): PartialField => {
    const dim = acc?.raw.dim ?? dims[Math.floor(i / fieldsPerTensor)];
    const raw = acc?.raw.state() ?? emptyState(dim, 'centered');
    const recscope = acc?.recscope.state() ?? emptyState(dim, 'recscope');
    return {
      name: sums.fieldNames[i],
      dim,
      rows: raw.rows,
      excluded_rows: raw.excludedRows,
      raw: { ...gramSums(raw), col_sum: raw.colSum },
      recscope: gramSums(recscope),
    };
  });
  const { tensors = [...request.tensors], field_dims, sets } = sums.options;
  return { sources: [...sources], tensors, ...(field_dims ? { field_dims } : {}), ...(sets ? { sets } : {}), fields };
}

/**
 * Adds the partial Grams of disjoint row sets of one table (shards, hosts): the sums of every
 * field, row and excluded-row counts. The parts must describe the same fields (names, widths,
 * tensors, field_dims, sets); `labels` name them in errors (default "part 1", ...). Parts are
 * taken in the natural order of their first source, as a sharded table orders its files.
 */
export function mergePartialGrams(given: PartialGram[], labels: string[] = given.map((_, i) => `part ${i + 1}`)): PartialGram {
  if (given.length === 0) throw new ImportError('empty', 'No partial Gram was given to merge.', 'Give the partial-Gram files written by reclens gram.');
  const parts = sameSingleTensor(given);
  const order = parts.map((_, i) => i).sort((a, b) => naturalCompare(parts[a].sources[0] ?? '', parts[b].sources[0] ?? ''));
  const first = parts[order[0]];
  const seen = new Map<string, string>();
  for (const i of order) {
    checkSameTable(first, labels[order[0]], parts[i], labels[i]);
    for (const source of parts[i].sources) {
      const earlier = seen.get(source);
      if (earlier !== undefined) {
        throw new ImportError(
          'shape-mismatch',
          `${earlier} and ${labels[i]} both hold the sums of ${source}: merging them would count its rows twice.`,
          'Merge each shard’s partial Gram once (files whose shards share a name: give the shards distinct names).',
        );
      }
      seen.set(source, labels[i]);
    }
  }
  const fields = first.fields.map((f, j): PartialField => {
    const raw = GramAccumulator.fromState(fieldState(f, 'centered'));
    const recscope = GramAccumulator.fromState(fieldState(f, 'recscope'));
    for (const i of order.slice(1)) {
      raw.addState(fieldState(parts[i].fields[j], 'centered'));
      recscope.addState(fieldState(parts[i].fields[j], 'recscope'));
    }
    const r = raw.state();
    return {
      name: f.name,
      dim: f.dim,
      rows: r.rows,
      excluded_rows: r.excludedRows,
      raw: { ...gramSums(r), col_sum: r.colSum },
      recscope: gramSums(recscope.state()),
    };
  });
  const { tensors, field_dims, sets } = first;
  return {
    sources: order.flatMap((i) => parts[i].sources),
    tensors: [...tensors],
    ...(field_dims ? { field_dims: [...field_dims] } : {}),
    ...(sets ? { sets: [...sets] } : {}),
    fields,
  };
}

/**
 * Files of one tensor each (.npy or text shards) name it after the file ("emb.shard-0"): parts that
 * each hold one tensor are of one table, named for what their names share, as shardedTableFile does.
 */
function sameSingleTensor(parts: PartialGram[]): PartialGram[] {
  if (!parts.every((p) => p.tensors.length === 1 && !p.sets)) return parts;
  const name = commonName(parts.map((p) => p.tensors[0]));
  return parts.map((p) => ({
    ...p,
    tensors: [name],
    // Without field_dims the field is the tensor, named as it is.
    fields: p.field_dims ? p.fields : p.fields.map((f) => ({ ...f, name })),
  }));
}

/**
 * The analysis of the rows a partial Gram summed, for one recipe: the same result analyzeTableFile
 * gives for those rows (singular values from the float64 Gram, IA, effective rank, excluded rows).
 * `fields` picks some fields by name (default all). Throws ImportError for a field with no finite rows.
 */
export function analyzePartialGram(partial: PartialGram, mode: SpectrumMode, fields?: string[]): AnalysisResult {
  const chosen = fields ? partial.fields.filter((f) => fields.includes(f.name)) : partial.fields;
  const missing = fields?.find((name) => !partial.fields.some((f) => f.name === name));
  if (missing !== undefined || chosen.length === 0) {
    throw new ImportError(
      'no-tensor-selected',
      missing !== undefined ? `The partial Gram has no field named "${missing}".` : 'No field was selected for analysis.',
      `Select fields it holds: ${partial.fields.map((f) => f.name).join(', ') || 'none'}.`,
    );
  }
  const results = chosen.map((f) => {
    const acc = GramAccumulator.fromState(fieldState(f, mode));
    requireFiniteRows(f.name, acc);
    return fieldResult(f.name, acc);
  });
  const all = chosen.length === partial.fields.length;
  const options: AnalysisOptions =
    all && partial.field_dims
      ? { mode, field_dims: [...partial.field_dims], tensors: [...partial.tensors], ...(partial.sets ? { sets: [...partial.sets] } : {}) }
      : { mode, tensors: all ? [...partial.tensors] : chosen.map((f) => f.name) };
  return { source: shardSetName(partial.sources), options, fields: results };
}

/** A field's sums for one recipe as an accumulator state (raw and centred share the raw sums). */
export function fieldState(f: PartialField, mode: SpectrumMode): GramState {
  const sums = mode === 'recscope' ? f.recscope : f.raw;
  return {
    dim: f.dim,
    mode,
    rows: f.rows,
    excludedRows: f.excluded_rows,
    upper: sums.gram,
    colSum: mode === 'recscope' ? new Float64Array(f.dim) : f.raw.col_sum,
    scaleExp: sums.scale_exp,
    peak: sums.peak,
  };
}

/** The symmetric Gram of a state whose upper triangle holds the sums. */
function gramSums(state: GramState): GramSums {
  const k = state.dim;
  const gram = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const v = state.upper[i * k + j];
      gram[i * k + j] = v;
      gram[j * k + i] = v;
    }
  }
  return { scale_exp: state.scaleExp, gram, peak: state.peak };
}

function emptyState(dim: number, mode: SpectrumMode): GramState {
  return new GramAccumulator(dim, mode).state();
}

function checkSameTable(a: PartialGram, aLabel: string, b: PartialGram, bLabel: string): void {
  const differ = (what: string, x: unknown, y: unknown) => {
    throw new ImportError(
      'shape-mismatch',
      `${bLabel} is not a part of the same table as ${aLabel}: its ${what} ${JSON.stringify(y)}, not ${JSON.stringify(x)}.`,
      'Merge the partial Grams of one table, written with the same tensors and field sizes.',
    );
  };
  const same = (x: unknown, y: unknown) => JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
  if (!same(a.tensors, b.tensors)) differ('tensors are', a.tensors, b.tensors);
  if (!same(a.field_dims, b.field_dims)) differ('field_dims are', a.field_dims, b.field_dims);
  if (!same(a.sets, b.sets)) differ('sets are', a.sets, b.sets);
  if (a.fields.length !== b.fields.length) differ('field count is', a.fields.length, b.fields.length);
  a.fields.forEach((f, j) => {
    const g = b.fields[j];
    if (f.name !== g.name) differ(`field ${j + 1} is named`, f.name, g.name);
    if (f.dim !== g.dim) differ(`field "${f.name}" is K =`, f.dim, g.dim);
  });
}

/**
 * The analysis of a partial-Gram file opened as a table (TableFile.partialGram), as analyzeTableFile
 * gives for a table of rows; undefined for a table of rows. The request's tensors pick fields.
 */
export function analyzeGramTable(file: TableFile, request: AnalysisRequest): AnalysisResult | undefined {
  const partial = file.partialGram;
  if (!partial) return undefined;
  if (request.field_dims) {
    throw new ImportError(
      'bad-field-dims',
      `${file.source.name} holds partial Grams whose fields are already split${partial.field_dims ? ` (field_dims ${partial.field_dims.join(',')})` : ''}: field sizes cannot split them again.`,
      'Clear the field sizes; give them to reclens gram, which reads the rows.',
    );
  }
  for (const f of partial.fields) if (request.tensors.includes(f.name)) checkDimension(f.name, f.rows, f.dim, request.maxDim);
  const all = request.tensors.length === partial.fields.length && partial.fields.every((f) => request.tensors.includes(f.name));
  return analyzePartialGram(partial, request.mode, all ? undefined : request.tensors);
}
