import { ImportError } from '../importError.ts';
import type { ReadOptions, RowBlock, RowLayout } from '../tableFile.ts';
import type { TensorInfo } from '../../contracts/tables.ts';
import type { DType, DTypeLookup } from './dtype.ts';

/** One tensor of an opened file: what it is, and how to stream its rows. */
export interface Tensor {
  info: TensorInfo;
  /** Why its rows cannot be read (not 2-D, unsupported dtype, empty); read() throws it. */
  problem?: ImportError;
  read(opts: ReadOptions): AsyncIterable<RowBlock>;
  /**
   * Where its rows lie as C-order bytes of the opened file itself (not of an archive member's
   * decompressed bytes), when they do: row ranges can then be read straight from the file in
   * parallel. Absent for Fortran order and deflated members.
   */
  layout?: RowLayout;
  /** The values of a small 1-D integer tensor (a model's field_dims / offsets buffer), when the reader can give them. */
  vector?(): Promise<number[]>;
}

/** 1-D tensors longer than this are not a list of field sizes. */
export const MAX_VECTOR_ELEMENTS = 4096;

/** Integer values of `bytes` as `dtype` (int8..int64, uint8..uint64); a value beyond 2^53 is a corrupt list, not a size. */
export function decodeIntegerVector(bytes: Uint8Array, dtype: DType, count: number, where: string): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = dtype.littleEndian;
  const at = (i: number): number => {
    const o = i * dtype.itemSize;
    switch (dtype.name) {
      case 'int8':
        return view.getInt8(o);
      case 'uint8':
        return view.getUint8(o);
      case 'int16':
        return view.getInt16(o, le);
      case 'uint16':
        return view.getUint16(o, le);
      case 'int32':
        return view.getInt32(o, le);
      case 'uint32':
        return view.getUint32(o, le);
      case 'int64':
        return Number(view.getBigInt64(o, le));
      case 'uint64':
        return Number(view.getBigUint64(o, le));
      default:
        throw new ImportError(
          'unsupported-dtype',
          `${where} holds ${dtype.name}, not integers`,
          'Field sizes are whole numbers: save them as an integer tensor',
        );
    }
  };
  if (bytes.byteLength < count * dtype.itemSize) {
    throw new ImportError('truncated', `${where} needs ${count * dtype.itemSize} bytes but has ${bytes.byteLength}`, 'Re-export the file; it was cut off');
  }
  const values = Array.from({ length: count }, (_, i) => at(i));
  if (values.some((v) => !Number.isSafeInteger(v))) {
    throw new ImportError('bad-header', `${where} holds a value beyond 2^53, which no field size or offset can be`, 'Re-export the file; it is damaged');
  }
  return values;
}

const NOT_2D_FIX = 'Pick a 2-D tensor, or reshape the array to (rows, dim) before saving it';
const DTYPE_FIX = 'Convert the table to float32 before saving it, e.g. np.save(path, table.astype(np.float32))';

/** Python's tuple notation, as numpy prints shapes: (3000,), (3000, 32). */
export function pyShape(shape: number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** "3000 x 32" for messages. */
export function shapeText(shape: number[]): string {
  return shape.length === 0 ? 'a scalar' : shape.join(' x ');
}

export function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Bytes a tensor occupies; absurd shapes (beyond 2^53 bytes) are a corrupt header, not a real table. */
export function storedByteLength(shape: number[], itemSize: number, where: string): number {
  const bytes = elementCount(shape) * itemSize;
  if (!Number.isSafeInteger(bytes)) {
    throw new ImportError(
      'bad-header',
      `${where} has a corrupt header: shape ${pyShape(shape)} would need more than 2^53 bytes`,
      'Re-export the file; its header is damaged',
    );
  }
  return bytes;
}

/** A stored tensor's TensorInfo, with either its decodable dtype and 2-D size or the problem that stops reading it. */
export type ClassifiedTensor = { info: TensorInfo; problem: ImportError } | { info: TensorInfo; dtype: DType; rows: number; dim: number };

/** Classifies a stored tensor; `where` names it in messages ("table.npy", "field_0.npy in fields.npz"). */
export function classifyTensor(name: string, shape: number[], lookup: DTypeLookup, where: string): ClassifiedTensor {
  if ('unsupported' in lookup) {
    const reason = `${lookup.unsupported} cannot be analysed: only real numbers can`;
    return {
      info: { name, shape, dtype: 'unsupported', analysable: false, reason },
      problem: new ImportError('unsupported-dtype', `${where} holds ${lookup.unsupported}, which cannot be analysed: only real numbers can`, DTYPE_FIX),
    };
  }
  const dtype = lookup.dtype.name;
  if (shape.length !== 2) {
    const reason =
      shape.length === 0
        ? '0-D array (a scalar): an embedding table is 2-D (rows x dim)'
        : `${shape.length}-D array of shape ${pyShape(shape)}: an embedding table is 2-D (rows x dim)`;
    return {
      info: { name, shape, dtype, analysable: false, reason },
      problem: new ImportError('not-2d', `${where} is a ${reason}`, NOT_2D_FIX),
    };
  }
  if (shape[0] === 0 || shape[1] === 0) {
    const reason = `empty array of shape ${pyShape(shape)}: it has no values`;
    return {
      info: { name, shape, dtype, analysable: false, reason },
      problem: new ImportError('empty', `${where} is an ${reason}`, 'Export the table after it has been filled'),
    };
  }
  return { info: { name, shape, dtype, analysable: true }, dtype: lookup.dtype, rows: shape[0], dim: shape[1] };
}

/** A tensor whose read() fails with its problem. */
export function unreadableTensor(info: TensorInfo, problem: ImportError): Tensor {
  return {
    info,
    problem,
    read: () => ({
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(problem) }),
    }),
  };
}
