/**
 * PyTorch checkpoints (torch.save since 1.6: a zip with <name>/data.pkl and one raw storage per
 * <name>/data/<key>): a state_dict, a dict holding several (model, optimiser), or a pickled
 * module. The pickle is read by pickle.ts, which never runs code; every tensor found is listed
 * under its dotted path, and a 2-D contiguous one is read straight from its stored member.
 */
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { TableFile } from '../tableFile.ts';
import { dtypeOf, type DTypeLookup, type DTypeName } from './dtype.ts';
import { inflateRange } from './inflateRange.ts';
import { isObject, PickleError, unpickle, type PickleValue, type PyGlobal } from './pickle.ts';
import { readRowBlocks, type RowLayout } from './rowBlocks.ts';
import { tableFromTensors } from './tableFromTensors.ts';
import { classifyTensor, elementCount, pyShape, unreadableTensor, type Tensor } from './tensor.ts';
import { readZipDirectory, zipEntryDataOffset, type ZipEntry } from './zipDirectory.ts';

const FIX = 'Save the weights with torch.save(model.state_dict(), path), or export them with safetensors';

const STORAGE_DTYPES: Record<string, DTypeName> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

interface StorageRef {
  kind: 'torch-storage';
  key: string;
  dtype: DTypeLookup;
}

interface TensorRef {
  kind: 'torch-tensor';
  storage: StorageRef;
  offset: number;
  shape: number[];
  stride: number[];
}

/** The first bytes of a legacy (before 1.6) torch.save file: a pickled magic number. */
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

export function isLegacyTorchSave(first: Uint8Array): boolean {
  return LEGACY_MAGIC.every((b, i) => first[i] === b);
}

function storageDtype(type: PickleValue): DTypeLookup {
  const name = type && typeof type === 'object' && 'name' in type ? String((type as PyGlobal).name) : String(type);
  const dtype = STORAGE_DTYPES[name];
  return dtype ? { dtype: dtypeOf(dtype) } : { unsupported: `${name.replace(/Storage$/, '') || 'unknown'} values` };
}

const isCountList = (v: PickleValue): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0);

/** What torch's rebuild functions would return; undefined keeps anything else opaque. */
function rebuild(fn: PyGlobal, args: PickleValue[]): PickleValue | undefined {
  if (fn.module === 'collections' && fn.name === 'OrderedDict') return new Map();
  if (fn.module !== 'torch._utils') return undefined;
  if (fn.name === '_rebuild_tensor_v2' || fn.name === '_rebuild_tensor') {
    const [storage, offset, shape, stride] = args;
    const ok = storage && typeof storage === 'object' && (storage as StorageRef).kind === 'torch-storage' && typeof offset === 'number' && isCountList(shape) && isCountList(stride);
    if (!ok) throw new PickleError(`${fn.name} has arguments RecLens does not understand`);
    const tensor: TensorRef = { kind: 'torch-tensor', storage: storage as StorageRef, offset: offset as number, shape, stride };
    return tensor;
  }
  if (fn.name === '_rebuild_parameter' || fn.name === '_rebuild_parameter_with_state') return args[0];
  return undefined;
}

const MODULE_SLOTS = new Set(['_parameters', '_buffers', '_modules']);

/** Every tensor under a value, named by its dotted path (a module's _parameters/_modules levels left out, as in a state_dict). */
function findTensors(value: PickleValue, path: string, out: { name: string; ref: TensorRef }[], ancestors = new Set<object>()): void {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
  if ((value as TensorRef).kind === 'torch-tensor') {
    out.push({ name: path || 'tensor', ref: value as TensorRef });
    return;
  }
  if (ancestors.has(value)) return;
  ancestors.add(value);
  const join = (key: PickleValue) => {
    const k = String(key);
    return MODULE_SLOTS.has(k) ? path : path ? `${path}.${k}` : k;
  };
  if (value instanceof Map) for (const [k, v] of value) findTensors(v, join(k), out, ancestors);
  else if (Array.isArray(value)) value.forEach((v, i) => findTensors(v, join(i), out, ancestors));
  else if (isObject(value)) {
    if (value.state !== undefined) findTensors(value.state, path, out, ancestors);
    value.args.forEach((a, i) => findTensors(a, value.args.length === 1 ? path : join(i), out, ancestors));
  }
  ancestors.delete(value);
}

async function readMember(src: ByteSource, entry: ZipEntry): Promise<Uint8Array> {
  const offset = await zipEntryDataOffset(src, entry);
  if (entry.method === 0) return src.read(offset, entry.size);
  const chunks: Uint8Array[] = [];
  for await (const chunk of inflateRange(src, offset, entry.compressedSize, `${entry.name} in ${src.name}`, { bytes: 0 })) chunks.push(chunk);
  return new Uint8Array(await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer());
}

const rowMajor = (shape: number[], stride: number[]) => shape.every((n, i) => n <= 1 || stride[i] === shape.slice(i + 1).reduce((a, b) => a * b, 1));

export async function openTorchCheckpoint(src: ByteSource, labels?: string[]): Promise<TableFile> {
  const entries = await readZipDirectory(src);
  const pickleEntry = entries.find((e) => /(^|\/)data\.pkl$/.test(e.name));
  if (!pickleEntry) {
    throw new ImportError('unsupported-format', `${src.name} is a zip but not a PyTorch checkpoint: it has no data.pkl`, FIX);
  }
  const prefix = pickleEntry.name.slice(0, -'data.pkl'.length);
  let root: PickleValue;
  try {
    root = unpickle(await readMember(src, pickleEntry), {
      persistentLoad(pid) {
        if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 3) throw new PickleError('a persistent id is not a torch storage');
        const storage: StorageRef = { kind: 'torch-storage', key: String(pid[2]), dtype: storageDtype(pid[1]) };
        return storage;
      },
      reduce: rebuild,
    });
  } catch (error) {
    if (error instanceof PickleError) throw new ImportError('bad-header', `${src.name} has a checkpoint RecLens cannot read: ${error.message}`, FIX);
    throw error;
  }
  const found: { name: string; ref: TensorRef }[] = [];
  findTensors(root, '', found);
  if (found.length === 0) throw new ImportError('empty', `${src.name} holds no tensors`, FIX);
  const members = new Map(entries.map((e) => [e.name, e]));
  const tensors = await Promise.all(found.map(({ name, ref }) => checkpointTensor(src, name, ref, members.get(`${prefix}data/${ref.storage.key}`))));
  return tableFromTensors('torch', src, tensors, labels);
}

async function checkpointTensor(src: ByteSource, name: string, ref: TensorRef, member: ZipEntry | undefined): Promise<Tensor> {
  const where = `tensor ${name} in ${src.name}`;
  const tensor = classifyTensor(name, ref.shape, ref.storage.dtype, where);
  if ('problem' in tensor) return unreadableTensor(tensor.info, tensor.problem);
  const unreadable = (reason: string, code: 'truncated' | 'unsupported-format' = 'unsupported-format') =>
    unreadableTensor({ ...tensor.info, analysable: false, reason }, new ImportError(code, `${where} ${reason}`, code === 'truncated' ? 'Re-export the file; it was cut off' : FIX));
  if (!member) return unreadable(`has no storage data/${ref.storage.key} in the archive`, 'truncated');
  if (member.method !== 0) return unreadable('is stored compressed; torch.save stores tensors uncompressed');
  if (!rowMajor(ref.shape, ref.stride)) return unreadable(`is a non-contiguous view (stride ${pyShape(ref.stride)}): save tensor.contiguous()`);
  const { rows, dim, dtype } = tensor;
  const end = (ref.offset + elementCount(ref.shape)) * dtype.itemSize;
  if (end > member.size) return unreadable(`needs ${end} bytes of its storage, which holds ${member.size}`, 'truncated');
  const layout: RowLayout = { rows, dim, dtype, fortran: false, dataOffset: (await zipEntryDataOffset(src, member)) + ref.offset * dtype.itemSize };
  const rowBytes = dim * dtype.itemSize;
  return { info: tensor.info, read: (opts) => readRowBlocks(src, layout, opts, (done) => layout.dataOffset + done * rowBytes), layout };
}
