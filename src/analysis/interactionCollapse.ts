import { throwIfAborted } from '../data/abort.ts';
import { checkFieldDims } from '../data/fieldDims.ts';
import { ImportError } from '../data/importError.ts';
import type { TableFile } from '../data/tableFile.ts';
import type { TensorInfo } from '../contracts/tables.ts';
import { GramAccumulator } from './gramAccumulator.ts';
import { informationAbundance, singularValuesFromGram } from './spectrum.ts';

/** The DCNv2 interaction-collapse matrix (SCIENCE.md section 1), in field order. */
export interface InteractionCollapse {
  fields: string[];
  /** ia[i][j]: IA of field i as seen by field j, E_i W0[j-block, i-block]^T (RecScope recipe). */
  ia: number[][];
  /** IA of each field's own rows, the order the view sorts both axes by. */
  rawIa: number[];
}

/** Widest first cross layer read whole (F*K); 4096 x 4096 float64 is 128 MB. */
export const MAX_CROSS_SIDE = 4096;

/** IA of accumulated rows: RecScope's sum s_i / s_1 from a float64 Gram. */
export function gramIa(acc: GramAccumulator): number {
  return informationAbundance(singularValuesFromGram(acc.gram(), acc.dim, acc.rows));
}

/**
 * One field's row of the matrix: for each row e of field i (K values) the F projections
 * W0[j-block, i-block] e, each row-normalised into its own float64 Gram (GramAccumulator,
 * 'recscope' mode, so the recipe, NaN handling and precision are the analysis's own).
 */
class FieldProjector {
  readonly projected: GramAccumulator[];
  readonly own: GramAccumulator;
  /** W0[:, i-block] copied contiguous: F*K rows of K. */
  private readonly block: Float64Array;
  private buffer = new Float64Array(0);

  constructor(
    w0: Float64Array,
    private readonly f: number,
    private readonly k: number,
    i: number,
  ) {
    const side = f * k;
    this.block = new Float64Array(side * k);
    for (let r = 0; r < side; r++) for (let c = 0; c < k; c++) this.block[r * k + c] = w0[r * side + i * k + c];
    this.projected = Array.from({ length: f }, () => new GramAccumulator(k, 'recscope'));
    this.own = new GramAccumulator(k, 'recscope');
  }

  add(rows: Float32Array | Float64Array, n: number): void {
    const { f, k, block } = this;
    if (this.buffer.length < n * k) this.buffer = new Float64Array(n * k);
    const out = this.buffer;
    this.own.add(rows, n);
    for (let j = 0; j < f; j++) {
      for (let r = 0; r < n; r++) {
        for (let a = 0; a < k; a++) {
          const w = (j * k + a) * k;
          let s = 0;
          for (let b = 0; b < k; b++) s += block[w + b] * rows[r * k + b];
          out[r * k + a] = s;
        }
      }
      this.projected[j].add(out, n);
    }
  }
}

export interface InteractionRequest {
  /** The concatenated embedding table (N x K). */
  tensor: string;
  /** The first cross layer (F*K x F*K). */
  weight: string;
  /** Row counts of the F fields of the table. */
  fieldDims: number[];
  fieldNames?: string[];
}

export interface InteractionHooks {
  signal?: AbortSignal;
  chunkRows?: number;
  /** Rows of the table read so far, of rowsTotal. */
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
}

/**
 * The interaction-collapse matrix of a DCNv2 checkpoint: the table streamed once, W0 read whole.
 * Throws ImportError naming the mismatch when the shapes do not fit F fields of dim K.
 */
export async function interactionCollapseOfFile(file: TableFile, request: InteractionRequest, hooks: InteractionHooks = {}): Promise<InteractionCollapse> {
  const table = tensorInfo(file, request.tensor);
  const weight = tensorInfo(file, request.weight);
  const [rows, k] = table.shape;
  const f = request.fieldDims.length;
  checkFieldDims(request.fieldDims, rows);
  const side = f * k;
  if (weight.shape[0] !== weight.shape[1]) {
    throw new ImportError(
      'shape-mismatch',
      `"${weight.name}" is [${weight.shape.join(', ')}], not square: it is not a DCNv2 cross-layer weight (F*K x F*K).`,
      'Name the first cross layer with --weight (Multi-Embedding: cn.W.0, or cns.<m>.0.W.0 per set).',
    );
  }
  if (weight.shape[0] !== side) {
    const fits = weight.shape[0] % k === 0 ? ` It fits ${weight.shape[0] / k} fields of dim ${k}.` : '';
    throw new ImportError(
      'shape-mismatch',
      `"${weight.name}" is ${weight.shape[0]} x ${weight.shape[0]}, but ${f} fields of dim ${k} need ${side} x ${side}.${fits}`,
      'Give the field sizes the model was trained with, and the cross layer of this table.',
    );
  }
  if (side > MAX_CROSS_SIDE) {
    throw new ImportError(
      'too-large',
      `"${weight.name}" is ${side} x ${side}, wider than ${MAX_CROSS_SIDE}.`,
      'Analyse a model with fewer fields or a smaller dim.',
    );
  }
  const w0 = await readWhole(file, weight, hooks.signal);
  const names = request.fieldNames ?? request.fieldDims.map((_, i) => `field_${i}`);
  if (names.length !== f) throw new RangeError(`${names.length} field names for ${f} fields`);

  const ends: number[] = [];
  request.fieldDims.reduce((end, n) => (ends.push(end + n), end + n), 0);
  const ia: number[][] = [];
  const rawIa: number[] = [];
  let field = 0;
  let projector = new FieldProjector(w0, f, k, 0);
  const finish = () => {
    if (projector.own.rows === 0) {
      throw new ImportError(
        'no-finite-rows',
        `Field "${names[field]}" has no finite rows${projector.own.excludedRows > 0 ? `: all ${projector.own.excludedRows} contain NaN or Inf` : ''}.`,
        'Check the field sizes and the checkpoint: every field needs a finite row.',
      );
    }
    ia.push(projector.projected.map(gramIa));
    rawIa.push(gramIa(projector.own));
    field++;
    if (field < f) projector = new FieldProjector(w0, f, k, field);
  };
  for await (const block of file.readRows(table.name, { chunkRows: hooks.chunkRows ?? 4096, signal: hooks.signal })) {
    throwIfAborted(hooks.signal);
    for (let off = 0; off < block.rows;) {
      const row = block.startRow + off;
      while (field < f && row >= ends[field]) finish();
      if (field === f) break;
      const n = Math.min(block.rows - off, ends[field] - row);
      projector.add(block.data.subarray(off * k, (off + n) * k), n);
      off += n;
    }
    hooks.onProgress?.(block.startRow + block.rows, rows);
    // A turn for the event loop, so a cancel is seen between blocks.
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
  while (field < f) finish();
  return { fields: names, ia, rawIa };
}

function tensorInfo(file: TableFile, name: string): TensorInfo {
  const info = file.tensors.find((t) => t.name === name);
  if (!info) {
    throw new ImportError(
      'no-tensor-selected',
      `${file.source.name} has no tensor named "${name}" (it has: ${file.tensors.map((t) => t.name).join(', ') || 'none'}).`,
      'Name one of the tensors the file holds.',
    );
  }
  if (!info.analysable || info.shape.length !== 2 || info.shape[0] < 0) {
    throw new ImportError(
      'not-2d',
      `Tensor "${name}" is not a 2-D numeric array (${info.reason ?? `shape [${info.shape.join(', ')}]`}).`,
      'Name a 2-D float tensor.',
    );
  }
  return info;
}

async function readWhole(file: TableFile, info: TensorInfo, signal?: AbortSignal): Promise<Float64Array> {
  const [rows, cols] = info.shape;
  const out = new Float64Array(rows * cols);
  for await (const block of file.readRows(info.name, { signal })) {
    throwIfAborted(signal);
    out.set(block.data.subarray(0, block.rows * cols), block.startRow * cols);
  }
  // A NaN or Inf weight would poison every projection through it, and every such row would be dropped.
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new ImportError(
      'no-finite-rows',
      `"${info.name}" holds ${out[bad]} at [${Math.floor(bad / cols)}, ${bad % cols}]: a cross layer must be finite.`,
      'Use a checkpoint whose weights are finite (NaNs usually mean training diverged).',
    );
  }
  return out;
}

/**
 * The first cross layer that goes with an embedding table, by Multi-Embedding's key layout:
 * `embedding.embedding.weight` -> `cn.W.0`; set m's `embeddings.<m>.embedding.weight` ->
 * `cns.<m>.0.W.0` (MultiDCN) or the shared `cn.0.W.0`. Otherwise the one square 2-D tensor
 * named *.W.0 (or *W0*) whose side is a multiple of the table's dim; undefined when none or
 * several fit.
 */
export function defaultCrossWeight(tensors: readonly TensorInfo[], table: TensorInfo): string | undefined {
  const k = table.shape[1];
  const square = tensors.filter(
    (t) => t.analysable && t.shape.length === 2 && t.shape[0] === t.shape[1] && t.shape[0] % k === 0 && t.shape[0] >= k && t.name !== table.name,
  );
  const set = /(?:^|\.)embeddings\.(\d+)\./.exec(table.name)?.[1];
  const byName = (names: string[]) => names.map((n) => square.find((t) => t.name === n)).find((t) => t !== undefined);
  const prefix = table.name.startsWith('module.') ? 'module.' : '';
  const exact = set !== undefined ? byName([`${prefix}cns.${set}.0.W.0`, `${prefix}cn.0.W.0`]) : byName([`${prefix}cn.W.0`, `${prefix}cn.0.W.0`]);
  if (exact) return exact.name;
  const first = square.filter((t) => /(?:^|[._])W\.?0$/i.test(t.name) || /(?:^|[._/])w0(?:$|[._/])/i.test(t.name));
  return first.length === 1 ? first[0].name : undefined;
}

/**
 * What the cross layer says of a table without field sizes: F = side / K fields of dim K,
 * when the side is a multiple of K and F > 1.
 */
export function fieldsFromCross(side: number, k: number): number | undefined {
  return side % k === 0 && side / k > 1 ? side / k : undefined;
}
