import type { ByteSource } from './byteSource.ts';
import type { DType } from './formats/dtype.ts';
import type { PartialGram } from '../contracts/partialGram.ts';
import type { TableFormat, TensorInfo } from '../contracts/tables.ts';

/**
 * A block of consecutive rows, row-major, rows x dim. Read-only: for aligned little-endian
 * float32/float64 data it is a view over the bytes read from the file (no copy).
 */
export interface RowBlock {
  data: Float32Array | Float64Array;
  rows: number;
  dim: number;
  /** Index of the first row of this block within the tensor. */
  startRow: number;
  /** Bytes of the file consumed so far (for progress). */
  bytesDone: number;
}

export interface ReadOptions {
  /** Rows per block (a hint; the last block is shorter). */
  chunkRows?: number;
  signal?: AbortSignal;
}

/** An opened file: its tensors, and a streaming row reader for any of them. */
export interface TableFile {
  format: TableFormat;
  source: ByteSource;
  tensors: TensorInfo[];
  /** Row labels when the format carries them (Embedding Projector label column or metadata TSV). */
  labels?: string[];
  /** Where a tensor's rows lie as C-order bytes of the file, when they do (see Tensor.layout). */
  rowLayout?(tensor: string): RowLayout | undefined;
  /** Streams the rows of one tensor in order. Throws ImportError on malformed data. */
  readRows(tensor: string, opts?: ReadOptions): AsyncIterable<RowBlock>;
  /** The values of a small 1-D integer tensor (a field_dims / offsets buffer); undefined when this file cannot give them. */
  readVector?(tensor: string): Promise<number[] | undefined>;
  /** A partial-Gram file holds each field's sums, not rows: its "tensors" are its fields, analysed from these. */
  partialGram?: PartialGram;
}

/** Where a 2-D tensor's values lie: rows x dim elements of dtype from dataOffset, C or Fortran order. */
export interface RowLayout {
  rows: number;
  dim: number;
  dtype: DType;
  fortran: boolean;
  dataOffset: number;
}
