/**
 * PyTorch checkpoints (torch.save since 1.6: a zip with <name>/data.pkl and one raw storage per
 * <name>/data/<key>): a state_dict, a dict holding several (model, optimiser), or a pickled
 * module. The pickle is read by pickle.ts, which never runs code; every tensor found is listed
 * under its dotted path, and a 2-D contiguous one is read straight from its stored member.
 */
import { throwIfAborted } from '../abort.ts';
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { TableFile } from '../tableFile.ts';
import { dtypeOf, type DTypeLookup, type DTypeName } from './dtype.ts';
import { inflateRange } from './inflateRange.ts';
import { eventLoopPacer, isGlobal, isObject, PickleError, unpickle, type PickleValue, type PyGlobal, type UnpickleHooks } from './pickle.ts';
import { readRowBlocks, type RowLayout } from './rowBlocks.ts';
import { tableFromTensors } from './tableFromTensors.ts';
import { classifyTensor, elementCount, pyShape, unreadableTensor, type Tensor } from './tensor.ts';
import { readZipDirectory, zipEntryDataOffset, type ZipEntry } from './zipDirectory.ts';

const FIX = 'Save the weights with torch.save(model.state_dict(), path), or export them with safetensors';
const FIX_MANY = 'Save only the embedding tables, e.g. torch.save({k: v for k, v in model.state_dict().items() if "embedding" in k}, path)';

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

/** The largest data.pkl read: torch.save writes a few hundred bytes per tensor, so this is millions of tensors. */
export const MAX_PICKLE_BYTES = 128 * 2 ** 20;
/** Tensors listed from one checkpoint; each becomes a row of the import dialog. */
export const MAX_TENSORS = 100_000;
/** Containers nested deeper than this cannot come from torch.save (Python's pickler recurses per level). */
export const MAX_NESTING = 1000;
/** A tensor's dotted path longer than this is not a name anyone can pick from a list. */
export const MAX_NAME_CHARS = 1000;
/** Characters of one dict key kept in a tensor's name. */
const MAX_KEY_CHARS = 200;

interface StorageRef {
  kind: 'torch-storage';
  key: string;
  dtype: DTypeLookup;
  /** Elements the storage holds, as its persistent id declares (torch >= 1.6 writes it); null when absent. */
  numel: number | null;
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

/** A storage type torch names: torch.FloatStorage (torch.cuda.* in files saved from a GPU). */
const TORCH_STORAGE = /^[A-Z][A-Za-z0-9]*Storage$/;

function storageDtype(type: PickleValue, fileName: string): DTypeLookup {
  if (!isGlobal(type) || (type.module !== 'torch' && type.module !== 'torch.cuda') || !TORCH_STORAGE.test(type.name)) {
    const named = isGlobal(type) ? `the global ${type.module}.${type.name}` : 'something that is not a global';
    throw new ImportError('unsupported-dtype', `${fileName} gives a storage the type ${named}, which is not a torch storage type`, FIX);
  }
  // An own-property lookup: a name like "constructor" must not find Object.prototype's members.
  const dtype = Object.hasOwn(STORAGE_DTYPES, type.name) ? STORAGE_DTYPES[type.name] : undefined;
  return dtype ? { dtype: dtypeOf(dtype) } : { unsupported: `${type.name.replace(/Storage$/, '')} values` };
}

const isIntList = (v: PickleValue): v is number[] => Array.isArray(v) && v.every((x) => Number.isSafeInteger(x));

/** What torch's rebuild functions would return; undefined keeps anything else opaque. Values are checked against the storage once the tensor has a name. */
function rebuild(fn: PyGlobal, args: PickleValue[]): PickleValue | undefined {
  if (fn.module === 'collections' && fn.name === 'OrderedDict') return new Map();
  if (fn.module !== 'torch._utils') return undefined;
  if (fn.name === '_rebuild_tensor_v2' || fn.name === '_rebuild_tensor') {
    const [storage, offset, shape, stride] = args;
    const ok = storage && typeof storage === 'object' && (storage as StorageRef).kind === 'torch-storage' && Number.isSafeInteger(offset) && isIntList(shape) && isIntList(stride);
    if (!ok) throw new PickleError(`${fn.name} has arguments RecLens does not understand`);
    const tensor: TensorRef = { kind: 'torch-tensor', storage: storage as StorageRef, offset: offset as number, shape, stride };
    return tensor;
  }
  if (fn.name === '_rebuild_parameter' || fn.name === '_rebuild_parameter_with_state') return args[0];
  return undefined;
}

const MODULE_SLOTS = new Set(['_parameters', '_buffers', '_modules']);

/** A dict key as a name part, never stringified deeply: a tuple key shows its first items, a nested container as "…". */
function keyLabel(key: PickleValue, nested = false): string {
  if (typeof key === 'string') return key.length > MAX_KEY_CHARS ? `${key.slice(0, MAX_KEY_CHARS)}…` : key;
  if (typeof key === 'number' || typeof key === 'bigint') return keyLabel(String(key));
  if (typeof key === 'boolean') return key ? 'True' : 'False';
  if (key === null) return 'None';
  if (nested) return '…';
  if (Array.isArray(key)) return `(${key.slice(0, 4).map((k) => keyLabel(k, true)).join(', ')}${key.length > 4 ? ', …' : ''})`;
  if (isGlobal(key)) return keyLabel(`${key.module}.${key.name}`);
  if (isObject(key)) return keyLabel(key.type);
  return key instanceof Map ? 'dict' : key instanceof Uint8Array ? 'bytes' : 'object';
}

/** A value still to walk, with its dotted path and how deeply it is nested. */
interface WalkItem {
  value: PickleValue;
  path: string;
  depth: number;
}

const isTensorRef = (v: object): v is TensorRef => (v as TensorRef).kind === 'torch-tensor';

/**
 * Every tensor under a value, named by its dotted path (a module's _parameters/_modules levels
 * left out, as in a state_dict). Iterative, and each container is queued once: a value the pickle
 * shares (memo, DUP) is named by the first path that reaches it, so a DAG stays a DAG and the
 * queue never outgrows the pickle. A tensor itself is listed under every path (tied weights keep
 * both names). Paced like unpickle.
 */
async function findTensors(root: PickleValue, fileName: string, signal?: AbortSignal): Promise<{ name: string; ref: TensorRef }[]> {
  const found: { name: string; ref: TensorRef }[] = [];
  const queued = new Set<object>(root !== null && typeof root === 'object' ? [root] : []);
  let tensorsQueued = 0;
  const todo: WalkItem[] = [{ value: root, path: '', depth: 0 }];
  const pace = eventLoopPacer(signal);
  for (let steps = 1; todo.length > 0; steps++) {
    const turn = pace(steps);
    if (turn) await turn;
    const { value, path, depth } = todo.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (isTensorRef(value)) {
      const name = path || 'tensor';
      if (name.length > MAX_NAME_CHARS) {
        throw new ImportError('too-large', `${fileName} names a tensor with a path longer than ${MAX_NAME_CHARS} characters: ${name.slice(0, 80)}…`, FIX);
      }
      found.push({ name, ref: value });
      continue;
    }
    if (depth >= MAX_NESTING) {
      throw new ImportError('bad-header', `${fileName} nests containers more than ${MAX_NESTING} levels deep, which torch.save cannot write: the file is damaged or not a checkpoint`, FIX);
    }
    const children: WalkItem[] = [];
    const add = (v: PickleValue, childPath: string) => {
      if (v === null || typeof v !== 'object' || v instanceof Uint8Array || isGlobal(v)) return;
      if (isTensorRef(v)) {
        if (++tensorsQueued > MAX_TENSORS) throw new ImportError('too-large', `${fileName} holds more than ${MAX_TENSORS} tensors, more than RecLens lists`, FIX_MANY);
      } else if (queued.has(v)) return;
      else queued.add(v);
      children.push({ value: v, path: childPath, depth: depth + 1 });
    };
    const keyed = (v: PickleValue, key: PickleValue) => {
      const k = keyLabel(key);
      add(v, MODULE_SLOTS.has(k) ? path : path ? `${path}.${k}` : k);
    };
    if (value instanceof Map) for (const [k, v] of value) keyed(v, k);
    else if (Array.isArray(value)) value.forEach((v, i) => keyed(v, i));
    else if (isObject(value)) {
      if (value.state !== undefined) add(value.state, path);
      value.args.forEach((a, i) => (value.args.length === 1 ? add(a, path) : keyed(a, i)));
    }
    // Pushed last-first so they are walked in order, as a recursive walk would.
    for (let i = children.length - 1; i >= 0; i--) todo.push(children[i]);
  }
  return found;
}

/** data.pkl, inflated if deflated, refused past MAX_PICKLE_BYTES or past the size its zip entry declares. */
async function readPickle(src: ByteSource, entry: ZipEntry): Promise<Uint8Array> {
  const where = `${entry.name} in ${src.name}`;
  if (entry.size > MAX_PICKLE_BYTES) {
    throw new ImportError('too-large', `${where} is ${entry.size} bytes, over RecLens's limit of ${MAX_PICKLE_BYTES} bytes for a checkpoint's pickle`, FIX_MANY);
  }
  const offset = await zipEntryDataOffset(src, entry);
  if (entry.method === 0) return src.read(offset, entry.size);
  const chunks: Uint8Array[] = [];
  let inflated = 0;
  for await (const chunk of inflateRange(src, offset, entry.compressedSize, where, { bytes: 0 })) {
    inflated += chunk.length;
    if (inflated > entry.size) throw new ImportError('bad-header', `${where} inflates to more than the ${entry.size} bytes its zip entry declares`, 'Re-export the file; its zip directory is damaged');
    chunks.push(chunk);
  }
  return new Uint8Array(await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer());
}

const rowMajor = (shape: number[], stride: number[]) => shape.every((n, i) => n <= 1 || stride[i] === shape.slice(i + 1).reduce((a, b) => a * b, 1));

export async function openTorchCheckpoint(src: ByteSource, labels?: string[], signal?: AbortSignal): Promise<TableFile> {
  const entries = await readZipDirectory(src);
  const pickleEntry = entries.find((e) => /(^|\/)data\.pkl$/.test(e.name));
  if (!pickleEntry) {
    throw new ImportError('unsupported-format', `${src.name} is a zip but not a PyTorch checkpoint: it has no data.pkl`, FIX);
  }
  const prefix = pickleEntry.name.slice(0, -'data.pkl'.length);
  let root: PickleValue;
  try {
    const hooks: UnpickleHooks = {
      persistentLoad(pid) {
        if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 3) throw new PickleError('a persistent id is not a torch storage');
        const [, type, key, , numel] = pid;
        if (typeof key !== 'string') throw new PickleError('a storage key is not a string');
        const declared = typeof numel === 'number' && Number.isSafeInteger(numel) && numel >= 0 ? numel : null;
        const storage: StorageRef = { kind: 'torch-storage', key, dtype: storageDtype(type, src.name), numel: declared };
        return storage;
      },
      reduce: rebuild,
    };
    root = await unpickle(await readPickle(src, pickleEntry), hooks, signal);
  } catch (error) {
    if (error instanceof PickleError) {
      const fix = error.code === 'too-large' ? FIX_MANY : FIX;
      throw new ImportError(error.code, `${src.name} has a checkpoint RecLens cannot read: ${error.message}`, fix);
    }
    throw error;
  }
  const found = await findTensors(root, src.name, signal);
  if (found.length === 0) throw new ImportError('empty', `${src.name} holds no tensors`, FIX);
  const members = new Map(entries.map((e) => [e.name, e]));
  // Views share a storage: its local header is read once.
  const dataOffsets = new Map<string, Promise<number>>();
  const dataOffset = (member: ZipEntry) => {
    if (!dataOffsets.has(member.name)) dataOffsets.set(member.name, zipEntryDataOffset(src, member));
    return dataOffsets.get(member.name)!;
  };
  throwIfAborted(signal);
  const tensors = await Promise.all(found.map(({ name, ref }) => checkpointTensor(src, name, ref, members.get(`${prefix}data/${ref.storage.key}`), dataOffset)));
  return tableFromTensors('torch', src, tensors, labels);
}

/**
 * Checks a tensor's offset, shape and stride against its storage: every element it addresses
 * must lie inside the storage, or it would read other bytes of the file as its values.
 */
function checkAgainstStorage(where: string, ref: TensorRef, storageElements: number | null): void {
  const corrupt = (what: string) => new ImportError('bad-header', `${where} has a corrupt header: ${what}`, 'Re-export the file; its pickle is damaged');
  const { offset, shape, stride } = ref;
  if (offset < 0) throw corrupt(`storage offset ${offset} is negative`);
  if (shape.length !== stride.length) throw corrupt(`shape ${pyShape(shape)} and stride ${pyShape(stride)} differ in length`);
  if (shape.some((n) => n < 0)) throw corrupt(`shape ${pyShape(shape)} has a negative size`);
  if (stride.some((n) => n < 0)) throw corrupt(`stride ${pyShape(stride)} is negative, which torch does not write`);
  if (shape.includes(0) || storageElements === null) return;
  // One past the last element addressed; above 2^53 it is past any storage anyway.
  const end = shape.reduce((last, n, i) => last + (n - 1) * stride[i], offset) + 1;
  if (!Number.isSafeInteger(end) || end > storageElements) {
    throw corrupt(`offset ${offset}, shape ${pyShape(shape)} and stride ${pyShape(stride)} reach element ${end} of a storage that holds ${storageElements}`);
  }
}

async function checkpointTensor(src: ByteSource, name: string, ref: TensorRef, member: ZipEntry | undefined, dataOffset: (member: ZipEntry) => Promise<number>): Promise<Tensor> {
  const where = `tensor ${name} in ${src.name}`;
  checkAgainstStorage(where, ref, ref.storage.numel);
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
  const layout: RowLayout = { rows, dim, dtype, fortran: false, dataOffset: (await dataOffset(member)) + ref.offset * dtype.itemSize };
  const rowBytes = dim * dtype.itemSize;
  return { info: tensor.info, read: (opts) => readRowBlocks(src, layout, opts, (done) => layout.dataOffset + done * rowBytes), layout };
}
