import { throwIfAborted } from '../data/abort.ts';
import { checkFieldDims } from '../data/fieldDims.ts';
import { ImportError } from '../data/importError.ts';
import type { RowBlock, TableFile } from '../data/tableFile.ts';
import type { AnalysisOptions, AnalysisProgress, AnalysisResult, FieldResult, SpectrumMode, TensorInfo } from '../contracts/tables.ts';
import { checkDimension } from './dimensionLimit.ts';
import { GramAccumulator } from './gramAccumulator.ts';
import { fieldResult } from './spectrum.ts';

export interface AnalysisRequest {
  /** Tensors to analyse: one field each, or one tensor split by field_dims. */
  tensors: string[];
  /** Row counts of the fields of one concatenated table. */
  field_dims?: number[];
  mode: SpectrumMode;
  /** Field names, one per field (default: tensor names, or field_0.. with field_dims; with several sets, one per field of a set). */
  fieldNames?: string[];
  /** With field_dims and several tensors (embedding sets), one label per tensor (default: the tensor names). */
  setNames?: string[];
  /** Widest table analysed (default DEFAULT_MAX_DIM); wider ones are refused before reading. */
  maxDim?: number;
  /**
   * With field_dims: the file holds the table's rows from this one on (one shard of a concatenated
   * table, summed by reclens gram); fields it holds no rows of stay empty. Absent: the file is the whole table.
   */
  firstRow?: number;
}

export interface AnalysisHooks {
  signal?: AbortSignal;
  onProgress?: (p: AnalysisProgress) => void;
  /** Rows per block read from the file. */
  chunkRows?: number;
  /**
   * Sums one whole tensor's Gram some faster way (its rows split over workers); null when it
   * cannot, and the tensor is streamed through readRows here. Not used with field_dims.
   */
  tensorGram?: (tensor: TensorInfo, mode: SpectrumMode, onRows: (rowsDone: number) => void) => Promise<GramAccumulator> | null;
}

const PROGRESS_INTERVAL_MS = 100;

/**
 * Streams the selected tensors of a file once, accumulating one float64 Gram per field, and
 * returns every field's spectrum. Throws ImportError for a bad request or unusable data and
 * the AbortError DOMException when the signal fires.
 */
export async function analyzeTableFile(file: TableFile, request: AnalysisRequest, hooks: AnalysisHooks = {}): Promise<AnalysisResult> {
  const { mode } = request;
  const sums = await sumTableFile(
    file,
    request,
    hooks,
    (dim) => new GramAccumulator(dim, mode),
    (info, onRows) => hooks.tensorGram?.(info, mode, onRows) ?? null,
  );
  const fields: FieldResult[] = sums.accumulators.map((acc, i) => {
    requireFiniteRows(sums.fieldNames[i], acc);
    return fieldResult(sums.fieldNames[i], acc);
  });
  return { source: file.source.name, options: { mode, ...sums.options }, fields };
}

/** What takes a field's rows: a GramAccumulator, or one summing several recipes at once. */
export interface RowSink {
  add(block: Float32Array | Float64Array, rows: number): void;
}

/** One sink per field (undefined: the field had no rows), the fields' names, and the options but the recipe. */
export interface TableSums<A> {
  accumulators: (A | undefined)[];
  fieldNames: string[];
  options: Omit<AnalysisOptions, 'mode'>;
}

/**
 * Streams the selected tensors of a file once into one sink per field (made by `create`), checking
 * the request as analyzeTableFile does. `whole` may sum a whole tensor some faster way (null: it is
 * streamed here). Throws ImportError for a bad request and the AbortError DOMException when the signal fires.
 */
export async function sumTableFile<A extends RowSink>(
  file: TableFile,
  request: Omit<AnalysisRequest, 'mode'>,
  hooks: Omit<AnalysisHooks, 'tensorGram'>,
  create: (dim: number) => A,
  whole?: (tensor: TensorInfo, onRows: (rowsDone: number) => void) => Promise<A> | null,
): Promise<TableSums<A>> {
  if (request.tensors.length === 0) {
    throw new ImportError('no-tensor-selected', 'No tensor was selected for analysis.', 'Select at least one 2-D tensor of the file.');
  }
  const infos = request.tensors.map((name) => analysableTensor(file, name));
  for (const info of infos) checkDimension(info.name, info.shape[0], info.shape[1], request.maxDim);
  const { field_dims: fieldDims } = request;
  if (fieldDims && infos.length > 1) {
    // Several tensors with one split: the embedding sets of a multi-embedding model, each cut the same way.
    const odd = infos.find((t) => t.shape[0] !== infos[0].shape[0] || t.shape[1] !== infos[0].shape[1]);
    if (odd) {
      throw new ImportError(
        'bad-field-dims',
        `field_dims splits every selected tensor the same way, but ${odd.name} is [${odd.shape.join(' x ')}] and ${infos[0].name} is [${infos[0].shape.join(' x ')}].`,
        'Select the embedding sets of one model (same rows and dim), or a single tensor.',
      );
    }
  }
  const sets = fieldDims && infos.length > 1 ? (request.setNames ?? request.tensors) : undefined;
  if (sets && sets.length !== infos.length) throw new RangeError(`${sets.length} set names for ${infos.length} tensors`);
  const fieldCount = fieldDims ? fieldDims.length : infos.length;
  const names = request.fieldNames ?? (fieldDims ? fieldDims.map((_, i) => `field_${i}`) : request.tensors);
  if (names.length !== fieldCount) throw new RangeError(`${names.length} field names for ${fieldCount} fields`);

  const progress = new ProgressReporter(file, infos, hooks.onProgress);
  const read = (info: TensorInfo) => file.readRows(info.name, { chunkRows: hooks.chunkRows, signal: hooks.signal });
  const check = (block: RowBlock) => {
    throwIfAborted(hooks.signal);
    progress.advance(block);
  };

  const accumulators: (A | undefined)[] = [];
  let fieldNames = names;
  if (fieldDims) {
    for (const info of infos) {
      progress.beginTensor();
      accumulators.push(...(await accumulateFields(info, fieldDims, read(info), create, check, request.firstRow)));
    }
    if (sets) fieldNames = sets.flatMap((set) => names.map((n) => setFieldName(set, n)));
  } else {
    for (const info of infos) {
      progress.beginTensor();
      const summed = whole?.(info, (rows) => progress.advanceRows(rows, info));
      accumulators.push(summed ? await summed : await accumulateTensor(read(info), create, check));
    }
  }
  progress.finish();
  const options = fieldDims
    ? { field_dims: [...fieldDims], tensors: [...request.tensors], ...(sets ? { sets: [...sets] } : {}) }
    : { tensors: [...request.tensors] };
  return { accumulators, fieldNames, options };
}

async function accumulateTensor<A extends RowSink>(blocks: AsyncIterable<RowBlock>, create: (dim: number) => A, check: (block: RowBlock) => void) {
  let acc: A | undefined;
  for await (const block of blocks) {
    check(block);
    acc ??= create(block.dim);
    acc.add(block.data, block.rows);
  }
  return acc;
}

/** One tensor cut into contiguous row blocks of field_dims rows; blocks straddling a boundary are split. */
async function accumulateFields<A extends RowSink>(
  info: TensorInfo,
  fieldDims: number[],
  blocks: AsyncIterable<RowBlock>,
  create: (dim: number) => A,
  check: (block: RowBlock) => void,
  firstRow: number | undefined,
): Promise<(A | undefined)[]> {
  const rowsKnown = info.shape[0] >= 0;
  // Without firstRow the file is the whole table; with it (0 too), a shard of it.
  const checkRows = (rows: number) => (firstRow === undefined ? checkFieldDims(fieldDims, rows) : checkShardRows(fieldDims, firstRow, rows));
  if (rowsKnown) checkRows(info.shape[0]);
  const ends: number[] = [];
  fieldDims.reduce((end, n) => (ends.push(end + n), end + n), 0);
  const accs: (A | undefined)[] = fieldDims.map(() => undefined);
  let field = 0;
  let totalRows = 0;
  for await (const block of blocks) {
    check(block);
    const { dim } = block;
    for (let off = 0; off < block.rows;) {
      const row = (firstRow ?? 0) + block.startRow + off;
      while (field < ends.length && row >= ends[field]) field++;
      // Rows past the last field: only text tables get here, and checkFieldDims rejects them below.
      if (field === ends.length) break;
      const n = Math.min(block.rows - off, ends[field] - row);
      const acc = (accs[field] ??= create(dim));
      acc.add(block.data.subarray(off * dim, (off + n) * dim), n);
      off += n;
    }
    totalRows = block.startRow + block.rows;
  }
  if (!rowsKnown) checkRows(totalRows);
  return accs;
}

/** A shard's rows [firstRow, firstRow + rows) must lie within the table field_dims describe. */
function checkShardRows(fieldDims: number[], firstRow: number, rows: number): void {
  const sum = fieldDims.reduce((a, b) => a + b, 0);
  if (!Number.isSafeInteger(firstRow) || firstRow < 0 || firstRow + rows > sum) {
    throw new ImportError(
      'field-dims-mismatch',
      `field_dims sum to ${sum} rows, but this shard holds rows ${firstRow} to ${firstRow + rows - 1}`,
      'Give the row the shard starts at within the whole table (the rows of the shards before it), and the whole table’s field sizes',
    );
  }
}

/** A field of one embedding set: "embeddings.0 / C1". */
export function setFieldName(set: string, field: string): string {
  return `${set} / ${field}`;
}

function analysableTensor(file: TableFile, name: string): TensorInfo {
  const info = file.tensors.find((t) => t.name === name);
  if (!info) {
    const available = file.tensors.map((t) => t.name).join(', ') || 'none';
    throw new ImportError(
      'no-tensor-selected',
      `${file.source.name} has no tensor named "${name}" (it has: ${available}).`,
      'Select one of the tensors the file holds.',
    );
  }
  if (!info.analysable) {
    const why = info.reason ?? `shape [${info.shape.join(', ')}], dtype ${info.dtype}`;
    throw new ImportError(
      info.shape.length === 2 ? 'unsupported-dtype' : 'not-2d',
      `Tensor "${name}" cannot be analysed as an embedding table: ${why}.`,
      'Select a 2-D numeric tensor (rows x dims).',
    );
  }
  return info;
}

/** Throws ImportError when a field has no rows, or none finite. */
export function requireFiniteRows(name: string, acc: GramAccumulator | undefined): asserts acc is GramAccumulator {
  if (!acc || acc.rows + acc.excludedRows === 0) {
    throw new ImportError('empty', `Field "${name}" has no rows.`, 'Check the file and field_dims: every field needs at least one row.');
  }
  if (acc.rows === 0) {
    throw new ImportError(
      'no-finite-rows',
      `Field "${name}" has no finite rows: all ${acc.excludedRows} rows contain NaN or Inf.`,
      'Export the table again from a checkpoint whose weights are finite (NaNs usually mean training diverged).',
    );
  }
}

/** Rows and bytes read so far, reported at most every PROGRESS_INTERVAL_MS and once at the end. */
class ProgressReporter {
  private readonly start = performance.now();
  private last = -Infinity;
  private rowsDone = 0;
  private rowsBeforeTensor = 0;
  private bytesDone = 0;
  private readonly rowsTotal: number | null;
  private readonly bytesTotal: number;
  private readonly onProgress?: (p: AnalysisProgress) => void;

  constructor(file: TableFile, infos: TensorInfo[], onProgress?: (p: AnalysisProgress) => void) {
    this.onProgress = onProgress;
    this.bytesTotal = file.source.size;
    this.rowsTotal = infos.every((t) => t.shape[0] >= 0) ? infos.reduce((n, t) => n + t.shape[0], 0) : null;
  }

  /** Rows of later tensors count after those already read. */
  beginTensor(): void {
    this.rowsBeforeTensor = this.rowsDone;
  }

  advance(block: RowBlock): void {
    this.moveTo(block.startRow + block.rows, block.bytesDone);
  }

  /** Rows of a tensor summed out of order (by several workers): bytes estimated pro rata. */
  advanceRows(rows: number, info: TensorInfo): void {
    const rowBytes = this.bytesTotal / Math.max(1, this.rowsTotal ?? info.shape[0]);
    this.moveTo(rows, Math.round((this.rowsBeforeTensor + rows) * rowBytes));
  }

  private moveTo(tensorRows: number, bytesDone: number): void {
    this.rowsDone = this.rowsBeforeTensor + tensorRows;
    this.bytesDone = Math.min(this.bytesTotal, Math.max(this.bytesDone, bytesDone));
    if (performance.now() - this.last >= PROGRESS_INTERVAL_MS) this.report();
  }

  finish(): void {
    this.report();
  }

  private report(): void {
    if (!this.onProgress) return;
    const now = performance.now();
    this.last = now;
    const seconds = (now - this.start) / 1000;
    this.onProgress({
      rowsDone: this.rowsDone,
      rowsTotal: this.rowsTotal,
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal,
      rowsPerSecond: seconds > 0 ? this.rowsDone / seconds : 0,
    });
  }
}
