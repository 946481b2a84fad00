/**
 * PyTorch checkpoints (torch.save since 1.6: a zip with <name>/data.pkl and one raw storage per
 * <name>/data/<key>): a state_dict, a dict holding several (model, optimiser), or a pickled
 * module. The pickle is read by pickle.ts, which never runs code; every tensor found is listed
 * under its dotted path, and a 2-D contiguous one is read straight from its stored member.
 */
import { eventLoopPacer, throwIfAborted } from '../abort.ts';
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { TableFile } from '../tableFile.ts';
import { dtypeOf, type DTypeLookup, type DTypeName } from './dtype.ts';
import { inflateRange } from './inflateRange.ts';
import { isGlobal, isObject, PickleError, unpickle, type PickleValue, type PyGlobal, type UnpickleHooks } from './pickle.ts';
import { readRowBlocks } from './rowBlocks.ts';
import { type RowLayout } from '../tableFile.ts';
import { tableFromTensors } from './tableFromTensors.ts';
import { classifyTensor, decodeIntegerVector, elementCount, MAX_VECTOR_ELEMENTS, pyShape, unreadableTensor, type Tensor } from './tensor.ts';
import { readZipDirectory, zipEntryDataOffset, type ZipEntry } from './zipDirectory.ts';

export const FIX = 'Save the weights with torch.save(model.state_dict(), path), or export them with safetensors';
export const FIX_MANY = 'Save only the embedding tables, e.g. torch.save({k: v for k, v in model.state_dict().items() if "embedding" in k}, path)';

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

export interface StorageRef {
  kind: 'torch-storage';
  key: string;
  dtype: DTypeLookup;
  /** Elements the storage holds, as its persistent id declares (torch >= 1.6 writes it); null when absent. */
  numel: number | null;
}

export interface TensorRef {
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

/**
 * The dtype of a storage type global (torch.FloatStorage, torch.cuda.HalfStorage). Any other
 * global (torch 2's torch.storage.UntypedStorage, a hostile torch.constructor) makes only the
 * tensors on that storage unreadable, never the whole file.
 */
export function storageDtype(type: PickleValue): DTypeLookup {
  if (!isGlobal(type)) return { unsupported: 'values of a storage whose type is not a global' };
  const torchStorage = type.module === 'torch' || type.module === 'torch.cuda';
  // An own-property lookup: a name like "constructor" must not find Object.prototype's members.
  const dtype = torchStorage && Object.hasOwn(STORAGE_DTYPES, type.name) ? STORAGE_DTYPES[type.name] : undefined;
  if (dtype) return { dtype: dtypeOf(dtype) };
  if (torchStorage && /^[A-Z][A-Za-z0-9]*Storage$/.test(type.name)) return { unsupported: `${type.name.replace(/Storage$/, '')} values` };
  const name = `${type.module}.${type.name}`;
  return { unsupported: `values of storage type ${name.length > 80 ? `${name.slice(0, 80)}…` : name}` };
}

const isIntList = (v: PickleValue): v is number[] => Array.isArray(v) && v.every((x) => Number.isSafeInteger(x));

/** What torch's rebuild functions would return; undefined keeps anything else opaque. Values are checked against the storage once the tensor has a name. */
export function rebuild(fn: PyGlobal, args: PickleValue[]): PickleValue | undefined {
  if (fn.module === 'collections' && fn.name === 'OrderedDict') return new Map();
  if (fn.module !== 'torch._utils') return undefined;
  if (fn.name === '_rebuild_tensor_v2' || fn.name === '_rebuild_tensor') {
    const [storage, offset, shape, stride] = args;
    const ok =
      storage &&
      typeof storage === 'object' &&
      (storage as StorageRef).kind === 'torch-storage' &&
      Number.isSafeInteger(offset) &&
      isIntList(shape) &&
      isIntList(stride);
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
  if (Array.isArray(key))
    return `(${key
      .slice(0, 4)
      .map((k) => keyLabel(k, true))
      .join(', ')}${key.length > 4 ? ', …' : ''})`;
  if (isGlobal(key)) return keyLabel(`${key.module}.${key.name}`);
  if (isObject(key)) return keyLabel(key.type);
  return key instanceof Map ? 'dict' : key instanceof Uint8Array ? 'bytes' : 'object';
}

const isTensorRef = (v: object): v is TensorRef => (v as TensorRef).kind === 'torch-tensor';

/** One tensor found under a container, named relative to it. */
interface Named {
  name: string;
  ref: TensorRef;
}

/** A container being walked: its child edges (a null key keeps the path, as a module's _parameters level does) and what was found so far. */
interface Frame {
  node: object;
  edges: [string | null, PickleValue][];
  next: number;
  found: Named[];
}

const joinPath = (key: string | null, name: string) => (key === null || key === '' ? name : name === '' ? key : `${key}.${name}`);

function childEdges(value: object): [string | null, PickleValue][] {
  const edges: [string | null, PickleValue][] = [];
  const keyed = (key: PickleValue, v: PickleValue) => {
    const k = keyLabel(key);
    edges.push([MODULE_SLOTS.has(k) ? null : k, v]);
  };
  if (value instanceof Map) for (const [k, v] of value) keyed(k, v);
  else if (Array.isArray(value)) value.forEach((v, i) => keyed(i, v));
  else if (isObject(value)) {
    if (value.state !== undefined) edges.push([null, value.state]);
    value.args.forEach((a, i) => (value.args.length === 1 ? edges.push([null, a]) : keyed(i, a)));
  }
  return edges.filter(([, v]) => v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !isGlobal(v));
}

/**
 * Every tensor under a value, named by its dotted path (a module's _parameters/_modules levels
 * left out, as in a state_dict), listed under every path that reaches it: a state dict saved
 * twice in one checkpoint ({'model': sd, 'ema': sd}) and tied weights keep all their names.
 * Iterative and memoised: a container the pickle shares (memo, DUP) is walked once and its
 * tensors re-prefixed per path, so a DAG of shared empty tuples costs its size, not its paths;
 * a DAG whose paths multiply tensors stops at MAX_TENSORS names. Cycles are cut. Paced like unpickle.
 */
export async function findTensors(root: PickleValue, fileName: string, signal?: AbortSignal): Promise<Named[]> {
  if (root === null || typeof root !== 'object') return [];
  if (isTensorRef(root)) return [{ name: 'tensor', ref: root }];
  const done = new Map<object, Named[]>();
  const open = new Set<object>();
  const stack: Frame[] = [];
  const enter = (node: object) => {
    if (stack.length >= MAX_NESTING) {
      throw new ImportError(
        'bad-header',
        `${fileName} nests containers more than ${MAX_NESTING} levels deep, which torch.save cannot write: the file is damaged or not a checkpoint`,
        FIX,
      );
    }
    open.add(node);
    stack.push({ node, edges: childEdges(node), next: 0, found: [] });
  };
  const append = (frame: Frame, key: string | null, named: Named[]) => {
    if (frame.found.length + named.length > MAX_TENSORS) {
      throw new ImportError(
        'too-large',
        `${fileName} holds more than ${MAX_TENSORS} tensors (counting every path to a shared one), more than RecLens lists`,
        FIX_MANY,
      );
    }
    for (const { name, ref } of named) {
      const full = joinPath(key, name);
      if (full.length > MAX_NAME_CHARS) {
        throw new ImportError('too-large', `${fileName} names a tensor with a path longer than ${MAX_NAME_CHARS} characters: ${full.slice(0, 80)}…`, FIX);
      }
      frame.found.push({ name: full, ref });
    }
  };
  enter(root);
  const pace = eventLoopPacer(signal);
  for (let steps = 1; stack.length > 0; steps++) {
    const turn = pace(steps);
    if (turn) await turn;
    const frame = stack[stack.length - 1];
    if (frame.next === frame.edges.length) {
      stack.pop();
      open.delete(frame.node);
      done.set(frame.node, frame.found);
      const parent = stack[stack.length - 1];
      if (parent) append(parent, parent.edges[parent.next++][0], frame.found);
      continue;
    }
    const [key, child] = frame.edges[frame.next] as [string | null, object];
    if (isTensorRef(child)) {
      append(frame, key, [{ name: '', ref: child }]);
      frame.next++;
    } else if (done.has(child)) {
      append(frame, key, done.get(child)!);
      frame.next++;
    } else if (open.has(child)) {
      frame.next++; // a cycle: the container is already being walked above
    } else {
      enter(child);
    }
  }
  return done.get(root)!.map(({ name, ref }) => ({ name: name || 'tensor', ref }));
}

/** data.pkl, inflated if deflated, refused past MAX_PICKLE_BYTES or past the size its zip entry declares. */
async function readPickle(src: ByteSource, entry: ZipEntry): Promise<Uint8Array> {
  const where = `${entry.name} in ${src.name}`;
  if (entry.size > MAX_PICKLE_BYTES) {
    throw new ImportError(
      'too-large',
      `${where} is ${entry.size} bytes, over RecLens's limit of ${MAX_PICKLE_BYTES} bytes for a checkpoint's pickle`,
      FIX_MANY,
    );
  }
  const offset = await zipEntryDataOffset(src, entry);
  if (entry.method === 0) return src.read(offset, entry.size);
  const chunks: Uint8Array[] = [];
  let inflated = 0;
  for await (const chunk of inflateRange(src, offset, entry.compressedSize, where, { bytes: 0 })) {
    inflated += chunk.length;
    if (inflated > entry.size)
      throw new ImportError(
        'bad-header',
        `${where} inflates to more than the ${entry.size} bytes its zip entry declares`,
        'Re-export the file; its zip directory is damaged',
      );
    chunks.push(chunk);
  }
  return new Uint8Array(await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer());
}

export const rowMajor = (shape: number[], stride: number[]) => shape.every((n, i) => n <= 1 || stride[i] === shape.slice(i + 1).reduce((a, b) => a * b, 1));

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
        const storage: StorageRef = { kind: 'torch-storage', key, dtype: storageDtype(type), numel: declared };
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
  const tensors = await Promise.all(
    found.map(({ name, ref }) => checkpointTensor(src, name, ref, members.get(`${prefix}data/${ref.storage.key}`), dataOffset)),
  );
  return tableFromTensors('torch', src, tensors, labels);
}

/**
 * Checks a tensor's offset, shape and stride against its storage: every element it addresses
 * must lie inside the storage, or it would read other bytes of the file as its values.
 */
export function checkAgainstStorage(where: string, ref: TensorRef, storageElements: number | null): void {
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

/** Reads a short stored 1-D integer tensor (a registered field_dims / offsets buffer) whole; undefined for anything else. */
function integerVector(
  src: ByteSource,
  ref: TensorRef,
  member: ZipEntry | undefined,
  dataOffset: (member: ZipEntry) => Promise<number>,
  where: string,
): (() => Promise<number[]>) | undefined {
  const lookup = ref.storage.dtype;
  if (!('dtype' in lookup) || !/^u?int(8|16|32|64)$/.test(lookup.dtype.name)) return undefined;
  const [count] = ref.shape;
  if (ref.shape.length !== 1 || count < 1 || count > MAX_VECTOR_ELEMENTS || (count > 1 && ref.stride[0] !== 1)) return undefined;
  if (!member || member.method !== 0) return undefined;
  const { dtype } = lookup;
  const begin = ref.offset * dtype.itemSize;
  if (begin + count * dtype.itemSize > member.size) return undefined;
  return async () => decodeIntegerVector(await src.read((await dataOffset(member)) + begin, count * dtype.itemSize), dtype, count, where);
}

async function checkpointTensor(
  src: ByteSource,
  name: string,
  ref: TensorRef,
  member: ZipEntry | undefined,
  dataOffset: (member: ZipEntry) => Promise<number>,
): Promise<Tensor> {
  const where = `tensor ${name} in ${src.name}`;
  checkAgainstStorage(where, ref, ref.storage.numel);
  const tensor = classifyTensor(name, ref.shape, ref.storage.dtype, where);
  if ('problem' in tensor) {
    const vector = integerVector(src, ref, member, dataOffset, where);
    return { ...unreadableTensor(tensor.info, tensor.problem), ...(vector ? { vector } : {}) };
  }
  const unreadable = (reason: string, code: 'truncated' | 'unsupported-format' = 'unsupported-format') =>
    unreadableTensor(
      { ...tensor.info, analysable: false, reason },
      new ImportError(code, `${where} ${reason}`, code === 'truncated' ? 'Re-export the file; it was cut off' : FIX),
    );
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
