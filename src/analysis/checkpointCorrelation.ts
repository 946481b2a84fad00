/**
 * The learned correlation of an uploaded checkpoint (RecScope RQ2): read its category and position
 * embedding tables (and the target's own tables where the model keeps them) and compute, for each
 * chosen target category, the N x P matrix of SCIENCE.md section 4 (learnedCorrelation.ts). Only
 * the rows the matrices need are kept: the chosen categories' rows and positions 0..P.
 */
import { throwIfAborted } from '../data/abort.ts';
import { ImportError } from '../data/importError.ts';
import type { TableFile } from '../data/tableFile.ts';
import type { TensorInfo } from '../contracts/tables.ts';
import { learnedCorrelationMaps, type CorrelationMethod, type EmbeddingRows } from './learnedCorrelation.ts';

/** Most categories one request shows (N; the heatmaps are N x P each, one per category). */
export const MAX_CORRELATION_CATEGORIES = 50;
/** Most positions one request shows (P). */
export const MAX_CORRELATION_POSITIONS = 1000;
/** Widest embedding the tool reads. */
export const MAX_CORRELATION_DIM = 4096;

export interface CorrelationRequest {
  method: CorrelationMethod;
  /** Behaviour category embeddings (rows = category ids). */
  categoryTable: string;
  /** Position embeddings: row 0 = the target, row p = target-relative position p. */
  positionTable: string;
  /** The target's own category / position tables, when the model keeps separate ones. */
  targetCategoryTable?: string;
  targetPositionTable?: string;
  /** Category ids (rows of the category table) shown as rows and, each in turn, as the target. */
  categories: number[];
  /** Positions 1..positions. */
  positions: number;
}

export interface CheckpointCorrelation {
  method: CorrelationMethod;
  categories: number[];
  positions: number;
  /** One matrix per target in the order of `categories`, N x P row-major, min-max normalised. */
  maps: number[][];
  /** Dims of the category and position tables read. */
  categoryDim: number;
  positionDim: number;
}

export interface CorrelationHooks {
  signal?: AbortSignal;
}

function tableInfo(file: TableFile, name: string, role: string): TensorInfo {
  const info = file.tensors.find((t) => t.name === name);
  if (!info) {
    throw new ImportError(
      'no-tensor-selected',
      `${file.source.name} has no tensor named "${name}" for the ${role} (it has: ${file.tensors.map((t) => t.name).join(', ') || 'none'}).`,
      'Pick one of the tensors the file holds.',
    );
  }
  if (!info.analysable || info.shape.length !== 2 || info.shape[0] < 1) {
    throw new ImportError(
      'not-2d',
      `"${name}" (the ${role}) is not a 2-D numeric array (${info.reason ?? `shape [${info.shape.join(', ')}]`}).`,
      'Pick a 2-D float embedding table.',
    );
  }
  if (info.shape[1] > MAX_CORRELATION_DIM) {
    throw new ImportError('too-large', `"${name}" (the ${role}) is ${info.shape[1]} wide, wider than ${MAX_CORRELATION_DIM}.`, 'Pick an embedding table.');
  }
  return info;
}

/**
 * The wanted rows of a tensor, in the order asked, as a dense table whose row r is the r-th wanted
 * row; reading stops after the last wanted row. Throws when a wanted row is missing or not finite.
 */
async function readRowsOf(file: TableFile, info: TensorInfo, wanted: readonly number[], role: string, signal?: AbortSignal): Promise<EmbeddingRows> {
  const [rows, dim] = info.shape;
  for (const r of wanted) {
    if (r >= rows) {
      throw new ImportError(
        'shape-mismatch',
        `"${info.name}" (the ${role}) has ${rows} rows; row ${r} is asked for.`,
        role.includes('position') ? 'Show fewer positions, or pick the position table.' : 'Pick category ids below the table size.',
      );
    }
  }
  const slot = new Map<number, number[]>();
  wanted.forEach((r, i) => slot.set(r, [...(slot.get(r) ?? []), i]));
  const last = Math.max(...wanted);
  const values = new Float64Array(wanted.length * dim);
  for await (const block of file.readRows(info.name, { signal, chunkRows: 4096 })) {
    throwIfAborted(signal);
    for (let b = 0; b < block.rows; b++) {
      const into = slot.get(block.startRow + b);
      if (!into) continue;
      for (let k = 0; k < dim; k++) {
        const v = block.data[b * dim + k];
        if (!Number.isFinite(v)) {
          throw new ImportError(
            'no-finite-rows',
            `"${info.name}" (the ${role}) holds ${v} at [${block.startRow + b}, ${k}].`,
            'Use a checkpoint whose weights are finite (NaNs usually mean training diverged).',
          );
        }
        for (const i of into) values[i * dim + k] = v;
      }
    }
    if (block.startRow + block.rows > last) break;
  }
  return { rows: wanted.length, dim, values };
}

function checkRequest(request: CorrelationRequest): void {
  const { categories, positions } = request;
  if (categories.length < 1 || categories.length > MAX_CORRELATION_CATEGORIES) {
    throw new ImportError(
      'too-large',
      `${categories.length} categories asked for; the tool shows 1 to ${MAX_CORRELATION_CATEGORIES}.`,
      'Pick fewer category ids.',
    );
  }
  const bad = categories.find((c) => !Number.isInteger(c) || c < 0);
  if (bad !== undefined) throw new ImportError('bad-field-dims', `Category id ${bad} is not a row number.`, 'Give category ids as whole numbers from 0.');
  if (!Number.isInteger(positions) || positions < 1 || positions > MAX_CORRELATION_POSITIONS) {
    throw new ImportError(
      'bad-field-dims',
      `Positions must be a whole number from 1 to ${MAX_CORRELATION_POSITIONS} (got ${positions}).`,
      'Give how many target-relative positions to show.',
    );
  }
}

/** Reads the tables a request names and computes its learned-correlation matrices. */
export async function checkpointCorrelation(file: TableFile, request: CorrelationRequest, hooks: CorrelationHooks = {}): Promise<CheckpointCorrelation> {
  checkRequest(request);
  const { categories, positions, signal } = { ...request, signal: hooks.signal };
  const category = tableInfo(file, request.categoryTable, 'category table');
  const position = tableInfo(file, request.positionTable, 'position table');
  const targetCategory = request.targetCategoryTable ? tableInfo(file, request.targetCategoryTable, 'target category table') : undefined;
  const targetPosition = request.targetPositionTable ? tableInfo(file, request.targetPositionTable, 'target position table') : undefined;
  if (targetCategory && targetCategory.shape[1] !== category.shape[1]) {
    throw new ImportError(
      'shape-mismatch',
      `The target category table "${targetCategory.name}" has dim ${targetCategory.shape[1]}, the category table "${category.name}" ${category.shape[1]}: their dot products are undefined.`,
      'Pick a target table of the same width.',
    );
  }
  if (targetPosition && targetPosition.shape[1] !== position.shape[1]) {
    throw new ImportError(
      'shape-mismatch',
      `The target position table "${targetPosition.name}" has dim ${targetPosition.shape[1]}, the position table "${position.name}" ${position.shape[1]}.`,
      'Pick a target position table of the same width.',
    );
  }
  if (request.method === 'tin' && category.shape[1] !== position.shape[1]) {
    throw new ImportError(
      'shape-mismatch',
      `TIN adds the position embedding to the category embedding, but "${category.name}" has dim ${category.shape[1]} and "${position.name}" ${position.shape[1]}.`,
      'Use the attention-only formula, or pick tables of the same width.',
    );
  }
  if (position.shape[0] < positions + 1) {
    throw new ImportError(
      'shape-mismatch',
      `"${position.name}" has ${position.shape[0]} rows: positions 1..${positions} need ${positions + 1} (row 0 is the target).`,
      `Show at most ${Math.max(1, position.shape[0] - 1)} positions, or pick the position table.`,
    );
  }
  // Dense tables over the wanted rows: category ids map to 0..N-1 (the target's own table too).
  const index = categories.map((_, i) => i);
  const positionRows = Array.from({ length: positions + 1 }, (_, p) => p);
  const emb = {
    categories: await readRowsOf(file, category, categories, 'category table', signal),
    positions: await readRowsOf(file, position, positionRows, 'position table', signal),
    ...(targetCategory ? { targetCategories: await readRowsOf(file, targetCategory, categories, 'target category table', signal) } : {}),
    ...(targetPosition ? { targetPositions: await readRowsOf(file, targetPosition, [0], 'target position table', signal) } : {}),
  };
  const maps = learnedCorrelationMaps(request.method, emb, index, positions).map((m) => Array.from(m));
  return { method: request.method, categories: [...categories], positions, maps, categoryDim: category.shape[1], positionDim: position.shape[1] };
}
