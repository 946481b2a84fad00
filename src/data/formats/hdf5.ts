/**
 * HDF5 weight files: Keras 2 / tf.keras .h5 (layer_names, <layer>/<layer>/<weight>:0), Keras 3
 * .weights.h5 (layers/<name>/vars/<i>) and the .keras zip that holds one (model.weights.h5), or any
 * other HDF5 file of datasets. Read by h5wasm (the HDF5 C library compiled to WebAssembly, kept by
 * the h5wasm project), imported on first use so the studio's first load does not grow. HDF5 needs
 * random access to a file in its own file system, so the file is copied into it whole (up to
 * MAX_HDF5_BYTES), every dataset is listed by its path, the 2-D numeric ones are read into memory,
 * and the copy is deleted before this returns.
 */
import { eventLoopPacer, throwIfAborted } from '../abort.ts';
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { ReadOptions, RowBlock, TableFile } from '../tableFile.ts';
import { dtypeOf, type DTypeLookup, type DTypeName } from './dtype.ts';
import { inflateRange } from './inflateRange.ts';
import { blockRowCount } from './rowBlocks.ts';
import { tableFromTensors } from './tableFromTensors.ts';
import { classifyTensor, unreadableTensor, type Tensor } from './tensor.ts';
import { readZipDirectory, zipEntryDataOffset, type ZipEntry } from './zipDirectory.ts';

type H5wasm = (typeof import('h5wasm'))['default'];
type H5File = InstanceType<H5wasm['File']>;
type H5Group = InstanceType<H5wasm['Group']>;
type H5Dataset = InstanceType<H5wasm['Dataset']>;

const FIX = 'Save the weights again with Keras (model.save_weights(path)) or h5py, or save the embedding tables as .npy';
/** Bytes of one HDF5 file copied into h5wasm's memory file system. */
export const MAX_HDF5_BYTES = 512 * 2 ** 20;
/** Datasets listed from one file; each becomes a row of the import dialog. */
export const MAX_DATASETS = 100_000;
/** Group levels walked: Keras nests three or four; a deeper tree (or a cycle of hard links) is cut. */
const MAX_DEPTH = 32;
/** Links visited in all: bounds a walk through groups that hard-link each other. */
const MAX_LINKS = 1_000_000;

/** HDF5's signature; the superblock may follow a user block of 512, 1024, 2048... bytes. */
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
export const hasHdf5Signature = (first: Uint8Array) => SIGNATURE.every((b, i) => first[i] === b);

type H5FS = Awaited<H5wasm['ready']>['FS'];
let library: Promise<{ h5: H5wasm; fs: H5FS }> | undefined;
/** h5wasm and its file system, imported and instantiated once, on first use. */
function loadH5wasm(): Promise<{ h5: H5wasm; fs: H5FS }> {
  library ??= import('h5wasm').then(async (m) => ({ h5: m.default, fs: (await m.default.ready).FS }));
  return library;
}

const damaged = (name: string, what: string) => new ImportError('bad-header', `${name} is not a valid HDF5 file: ${what}`, FIX);

/** The HDF5 bytes of a Keras 3 .keras zip: its model.weights.h5 member, inflated. */
async function kerasWeights(src: ByteSource, signal?: AbortSignal): Promise<Uint8Array> {
  const entries = await readZipDirectory(src);
  const member = entries.find((e) => e.name === 'model.weights.h5') ?? entries.find((e) => /\.h5$/i.test(e.name));
  if (!member) {
    throw new ImportError(
      'unsupported-format',
      `${src.name} is a zip but not a Keras model: it has no model.weights.h5`,
      'Save the model with model.save(path.keras), or its weights with model.save_weights(path.weights.h5)',
    );
  }
  return memberBytes(src, member, signal);
}

async function memberBytes(src: ByteSource, member: ZipEntry, signal?: AbortSignal): Promise<Uint8Array> {
  const where = `${member.name} in ${src.name}`;
  if (member.size > MAX_HDF5_BYTES) throw tooLarge(where, member.size);
  const offset = await zipEntryDataOffset(src, member);
  if (member.method === 0) return src.read(offset, member.size);
  if (member.method !== 8)
    throw new ImportError('unsupported-format', `${where} is compressed with zip method ${member.method}, which RecLens does not read`, FIX);
  const out = new Uint8Array(member.size);
  let filled = 0;
  for await (const chunk of inflateRange(src, offset, member.compressedSize, where, { bytes: 0 })) {
    throwIfAborted(signal);
    if (filled + chunk.length > member.size) throw damaged(where, `it inflates to more than the ${member.size} bytes its zip entry declares`);
    out.set(chunk, filled);
    filled += chunk.length;
  }
  if (filled !== member.size)
    throw new ImportError('truncated', `${where} is truncated: it inflates to ${filled} of ${member.size} bytes`, 'Re-export the file; it was cut off');
  return out;
}

const tooLarge = (where: string, size: number) =>
  new ImportError(
    'too-large',
    `${where} is ${size} bytes, over RecLens's limit of ${MAX_HDF5_BYTES} bytes for an HDF5 file`,
    'Save the embedding tables alone (e.g. as .npy or .safetensors)',
  );

let opened = 0;

/** Opens an HDF5 file (.h5, .hdf5) or a Keras 3 .keras zip. */
export async function openHdf5(src: ByteSource, format: 'hdf5' | 'keras', labels?: string[], signal?: AbortSignal): Promise<TableFile> {
  let bytes: Uint8Array;
  if (format === 'keras') bytes = await kerasWeights(src, signal);
  else {
    if (src.size > MAX_HDF5_BYTES) throw tooLarge(src.name, src.size);
    bytes = await src.read(0, src.size);
  }
  if (!hasHdf5Signature(bytes)) throw damaged(src.name, 'it does not start with the HDF5 signature');
  const { h5, fs } = await loadH5wasm();
  throwIfAborted(signal);
  const path = `/reclens-${++opened}.h5`;
  fs.writeFile(path, bytes);
  let file: H5File | undefined;
  try {
    try {
      file = new h5.File(path, 'r');
    } catch (error) {
      throw damaged(src.name, `the HDF5 library could not open it (${error instanceof Error ? error.message.slice(0, 120) : 'unknown error'})`);
    }
    if (file.file_id < 0n) throw damaged(src.name, 'the HDF5 library could not open it');
    const tensors = await readDatasets(h5, src, file, signal);
    if (tensors.length === 0) throw new ImportError('empty', `${src.name} holds no datasets`, FIX);
    return tableFromTensors(format, src, tensors, labels);
  } catch (error) {
    if (error instanceof ImportError || (error instanceof DOMException && error.name === 'AbortError')) throw error;
    // The library's own failure on bytes that passed the signature check: the file is damaged.
    throw damaged(src.name, 'the HDF5 library could not read its structure');
  } finally {
    try {
      file?.close();
    } catch {
      // a file the library failed to open has nothing to close
    }
    fs.unlink(path);
  }
}

/** Every dataset under the root, breadth first in the file's key order, named by its path without the leading slash. */
async function readDatasets(h5: H5wasm, src: ByteSource, file: H5File, signal?: AbortSignal): Promise<Tensor[]> {
  const tensors: Tensor[] = [];
  const pace = eventLoopPacer(signal);
  let links = 0;
  const queue: { group: H5Group; prefix: string; depth: number }[] = [{ group: file, prefix: '', depth: 0 }];
  for (let q = 0; q < queue.length; q++) {
    const { group, prefix, depth } = queue[q];
    for (const key of group.keys()) {
      const turn = pace(++links);
      if (turn) await turn;
      if (links > MAX_LINKS) throw new ImportError('too-large', `${src.name} has more than ${MAX_LINKS} links between its groups`, FIX);
      const entity = group.get(key);
      const name = `${prefix}${key}`;
      if (entity instanceof h5.Dataset) {
        if (tensors.length >= MAX_DATASETS)
          throw new ImportError('too-large', `${src.name} has more than ${MAX_DATASETS} datasets, more than RecLens lists`, FIX);
        tensors.push(datasetTensor(src, name, entity));
      } else if (entity instanceof h5.Group && depth < MAX_DEPTH) {
        queue.push({ group: entity, prefix: `${name}/`, depth: depth + 1 });
      }
    }
  }
  return tensors;
}

function lookupDtype(meta: H5Dataset['metadata']): DTypeLookup {
  const sizes: Record<number, DTypeName | undefined> =
    meta.type === 1
      ? { 2: 'float16', 4: 'float32', 8: 'float64' }
      : meta.type === 0
        ? meta.signed
          ? { 1: 'int8', 2: 'int16', 4: 'int32', 8: 'int64' }
          : { 1: 'uint8', 2: 'uint16', 4: 'uint32', 8: 'uint64' }
        : {};
  const name = sizes[meta.size];
  if (name) return { dtype: dtypeOf(name, meta.littleEndian) };
  const kinds: Record<number, string> = {
    2: 'time values',
    3: 'strings',
    4: 'bit fields',
    5: 'opaque values',
    6: 'compound records',
    7: 'references',
    8: 'enum values',
    9: 'variable-length values',
    10: 'arrays',
  };
  return { unsupported: kinds[meta.type] ?? `values of HDF5 type class ${meta.type}` };
}

function datasetTensor(src: ByteSource, name: string, dataset: H5Dataset): Tensor {
  const where = `dataset ${name} in ${src.name}`;
  const meta = dataset.metadata;
  const shape = meta.shape ?? [];
  const lookup = lookupDtype(meta);
  const tensor = classifyTensor(name, shape, lookup, where);
  if ('problem' in tensor) return unreadableTensor(tensor.info, tensor.problem);
  const { rows, dim, dtype } = tensor;
  if (dtype.name === 'float16' || dtype.name === 'bfloat16') {
    const reason = 'holds float16 values, which h5wasm cannot read here: save it as float32';
    return unreadableTensor({ ...tensor.info, analysable: false, reason }, new ImportError('unsupported-dtype', `${where} ${reason}`, FIX));
  }
  let values: ArrayLike<number | bigint> | null;
  try {
    values = dataset.value as ArrayLike<number | bigint> | null;
  } catch {
    values = null;
  }
  if (!values || values.length !== rows * dim) {
    const reason = 'could not be read by the HDF5 library (its data is damaged or uses a filter RecLens lacks)';
    return unreadableTensor({ ...tensor.info, analysable: false, reason }, damaged(src.name, `${name} ${reason}`));
  }
  const float32 = dtype.name === 'float32' || dtype.name === 'int8' || dtype.name === 'uint8' || dtype.name === 'int16' || dtype.name === 'uint16';
  const data = float32 ? new Float32Array(rows * dim) : new Float64Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = Number(values[i]);
  return { info: tensor.info, read: (opts) => memoryRows(data, rows, dim, src.size, opts) };
}

async function* memoryRows(data: Float32Array | Float64Array, rows: number, dim: number, size: number, opts: ReadOptions): AsyncGenerator<RowBlock> {
  const step = blockRowCount(opts.chunkRows, dim);
  for (let startRow = 0; startRow < rows; startRow += step) {
    throwIfAborted(opts.signal);
    const n = Math.min(step, rows - startRow);
    yield { data: data.subarray(startRow * dim, (startRow + n) * dim), rows: n, dim, startRow, bytesDone: Math.round((size * (startRow + n)) / rows) };
  }
}
