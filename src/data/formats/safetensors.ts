import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { TableFile } from '../tableFile.ts';
import { parseSafetensorsDType } from './dtype.ts';
import { readRowBlocks } from './rowBlocks.ts';
import { tableFromTensors } from './tableFromTensors.ts';
import { classifyTensor, pyShape, storedByteLength, unreadableTensor, type Tensor } from './tensor.ts';

const FIX = 'Re-save the tensors with safetensors: save_file(tensors, path)';

function badHeader(name: string, what: string): ImportError {
  return new ImportError('bad-header', `${name} has a malformed safetensors header: ${what}`, FIX);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** True when the first bytes look like safetensors: an 8-byte little-endian header length, then '{'. */
export function looksLikeSafetensors(first: Uint8Array, fileSize: number): boolean {
  if (first.length < 9 || first[8] !== 0x7b) return false;
  const v = new DataView(first.buffer, first.byteOffset, 8);
  return v.getUint32(4, true) === 0 && v.getUint32(0, true) <= fileSize - 8;
}

/** Opens a .safetensors file: every tensor is listed; the 2-D numeric ones are analysable. */
export async function openSafetensors(src: ByteSource, labels?: string[]): Promise<TableFile> {
  const prefix = await src.read(0, 8);
  if (prefix.length < 8) {
    throw new ImportError(
      'truncated',
      `${src.name} is truncated: it ends inside the 8-byte header length`,
      'Re-export the file; it was cut off',
    );
  }
  const v = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const headerSize = v.getUint32(4, true) * 2 ** 32 + v.getUint32(0, true);
  if (headerSize > src.size - 8) {
    throw new ImportError(
      'truncated',
      `${src.name} is truncated: its header claims ${headerSize} bytes but only ${src.size - 8} follow the 8-byte length`,
      'Re-export the file; it was cut off',
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8').decode(await src.read(8, headerSize)));
  } catch (error) {
    throw badHeader(src.name, (error as Error).message);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw badHeader(src.name, 'it is not a JSON object');
  const dataStart = 8 + headerSize;
  const tensors = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, entry]) => entryTensor(src, name, entry, dataStart));
  if (tensors.length === 0) throw new ImportError('empty', `${src.name} holds no tensors`, FIX);
  return tableFromTensors('safetensors', src, tensors, labels);
}

function entryTensor(src: ByteSource, name: string, entry: unknown, dataStart: number): Tensor {
  const where = `tensor ${name} in ${src.name}`;
  const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as Record<string, unknown>;
  if (typeof dtype !== 'string') throw badHeader(src.name, `${name} has no dtype`);
  if (!Array.isArray(shape) || !shape.every(isCount)) throw badHeader(src.name, `${name} has no valid shape`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[1] < offsets[0]) {
    throw badHeader(src.name, `${name} has no valid data_offsets`);
  }
  const [begin, end] = offsets as [number, number];
  const lookup = parseSafetensorsDType(dtype);
  if ('dtype' in lookup) {
    const needed = storedByteLength(shape, lookup.dtype.itemSize, where);
    if (needed !== end - begin) {
      throw new ImportError(
        'shape-mismatch',
        `${where}: shape ${pyShape(shape)} of ${dtype} needs ${needed} bytes but its data_offsets span ${end - begin}`,
        FIX,
      );
    }
  }
  if (dataStart + end > src.size) {
    throw new ImportError(
      'truncated',
      `${src.name} is truncated: tensor ${name} ends at byte ${dataStart + end} but the file holds ${src.size}`,
      'Re-export the file; it was cut off',
    );
  }
  const tensor = classifyTensor(name, shape, lookup, where);
  if ('problem' in tensor) return unreadableTensor(tensor.info, tensor.problem);
  const { rows, dim, dtype: decoded } = tensor;
  const layout = { rows, dim, dtype: decoded, fortran: false, dataOffset: dataStart + begin };
  const rowBytes = dim * decoded.itemSize;
  return { info: tensor.info, read: (opts) => readRowBlocks(src, layout, opts, (done) => done * rowBytes), layout };
}
