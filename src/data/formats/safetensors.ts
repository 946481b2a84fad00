import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { TableFile } from '../tableFile.ts';
import { parseSafetensorsDType } from './dtype.ts';
import { readRowBlocks } from './rowBlocks.ts';
import { tableFromTensors } from './tableFromTensors.ts';
import { classifyTensor, pyShape, storedByteLength, unreadableTensor, type Tensor } from './tensor.ts';

/** The format's own limit on the JSON header (safetensors' MAX_HEADER_SIZE). */
const MAX_HEADER_BYTES = 100_000_000;
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
    throw new ImportError('truncated', `${src.name} is truncated: it ends inside the 8-byte header length`, 'Re-export the file; it was cut off');
  }
  const v = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const headerSize = v.getUint32(4, true) * 2 ** 32 + v.getUint32(0, true);
  if (headerSize > MAX_HEADER_BYTES) {
    throw badHeader(src.name, `it claims a ${headerSize}-byte header; the format allows at most ${MAX_HEADER_BYTES}`);
  }
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
  const entries = Object.entries(header).filter(([name]) => name !== '__metadata__');
  if (entries.length === 0) throw new ImportError('empty', `${src.name} holds no tensors`, FIX);
  const spans = entries.map(([name, entry]) => ({ name, entry: entryFields(src.name, name, entry) }));
  const tensors = spans.map(({ name, entry }) => entryTensor(src, name, entry, dataStart));
  checkBufferTiling(src, spans, dataStart);
  return tableFromTensors('safetensors', src, tensors, labels);
}

interface EntryFields {
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

function entryFields(fileName: string, name: string, entry: unknown): EntryFields {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw badHeader(fileName, `${name} is not an object`);
  const fields = new Map(Object.entries(entry));
  const dtype = fields.get('dtype');
  const shape = fields.get('shape');
  const offsets = fields.get('data_offsets');
  if (typeof dtype !== 'string') throw badHeader(fileName, `${name} has no dtype`);
  if (!Array.isArray(shape) || !shape.every(isCount)) throw badHeader(fileName, `${name} has no valid shape`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[1] < offsets[0]) {
    throw badHeader(fileName, `${name} has no valid data_offsets`);
  }
  return { dtype, shape, begin: offsets[0], end: offsets[1] };
}

/**
 * The format's rule (safetensors' own validate): the tensors' byte ranges tile the data buffer
 * exactly, in some order, with no overlap and no hole, and the buffer ends where the file ends.
 * Overlaps would let two tensors alias the same bytes; holes let a file smuggle other content.
 */
function checkBufferTiling(src: ByteSource, spans: { name: string; entry: EntryFields }[], dataStart: number): void {
  const sorted = [...spans].sort((a, b) => a.entry.begin - b.entry.begin || a.entry.end - b.entry.end);
  let expected = 0;
  for (const { name, entry } of sorted) {
    if (entry.begin < expected) {
      throw badHeader(src.name, `tensor ${name}'s data_offsets [${entry.begin}, ${entry.end}] overlap another tensor's bytes`);
    }
    if (entry.begin > expected) {
      throw badHeader(src.name, `bytes ${expected}..${entry.begin} of the data belong to no tensor (tensor ${name} starts after a hole)`);
    }
    expected = entry.end;
  }
  const dataBytes = src.size - dataStart;
  if (expected < dataBytes) {
    throw badHeader(src.name, `its last ${dataBytes - expected} bytes belong to no tensor (the tensors end at data byte ${expected} of ${dataBytes})`);
  }
}

function entryTensor(src: ByteSource, name: string, entry: EntryFields, dataStart: number): Tensor {
  const where = `tensor ${name} in ${src.name}`;
  const { dtype, shape, begin, end } = entry;
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
