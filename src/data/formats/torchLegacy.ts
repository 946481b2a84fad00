/**
 * PyTorch checkpoints in the format from before 1.6 (torch.save(..., _use_new_zipfile_serialization=False),
 * still allowed by many research repositories): five pickles back to back (a magic number, the
 * protocol version 1001, sys_info, the saved object, the sorted list of storage keys), then every
 * storage in the order of that list as an 8-byte little-endian element count and its raw bytes.
 * The pickles are read by pickle.ts, which never runs code; tensors are found and named as in the
 * zip format (torchCheckpoint.ts), and a 2-D contiguous one is read straight from its storage.
 */
import { throwIfAborted } from '../abort.ts';
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { RowLayout, TableFile } from '../tableFile.ts';
import { dtypeOf } from './dtype.ts';
import { PickleError, unpickleAt, type PickleValue, type UnpickleHooks } from './pickle.ts';
import { readRowBlocks } from './rowBlocks.ts';
import { tableFromTensors } from './tableFromTensors.ts';
import { classifyTensor, elementCount, pyShape, unreadableTensor, type Tensor } from './tensor.ts';
import {
  checkAgainstStorage,
  findTensors,
  FIX,
  FIX_MANY,
  MAX_PICKLE_BYTES,
  rebuild,
  rowMajor,
  storageDtype,
  type StorageRef,
  type TensorRef,
} from './torchCheckpoint.ts';

/** The magic number torch.save writes first in this format (torch.serialization.MAGIC_NUMBER). */
const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;
/** Bytes of pickles read at first; a checkpoint with a larger pickle is read again in a window 4 times wider. */
const FIRST_WINDOW = 1 << 20;
/** Storages listed: one per tensor that does not share one, so as many as tensors can be. */
const MAX_STORAGES = 100_000;

interface LegacyStorage extends StorageRef {
  /** The persistent id's view_metadata: a view into another storage, written only by PyTorch before 1.0. */
  view: boolean;
}

interface Pickles {
  root: PickleValue;
  keys: string[];
  littleEndian: boolean;
  storages: Map<string, LegacyStorage>;
  /** First byte after the last pickle: where the storages begin. */
  end: number;
}

const corrupt = (name: string, what: string) => new ImportError('bad-header', `${name} is not a valid PyTorch checkpoint (format before 1.6): ${what}`, FIX);

/** Reads the five pickles from bytes [0, window) of the file; PickleError when they do not all fit or are malformed. */
async function readPickles(src: ByteSource, bytes: Uint8Array, signal?: AbortSignal): Promise<Pickles> {
  const storages = new Map<string, LegacyStorage>();
  const hooks: UnpickleHooks = {
    persistentLoad(pid) {
      if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 3) throw new PickleError('a persistent id is not a torch storage');
      const [, type, key, , numel, view] = pid;
      if (typeof key !== 'string') throw new PickleError('a storage key is not a string');
      const known = storages.get(key);
      if (known) return known;
      if (storages.size >= MAX_STORAGES) throw new PickleError(`the checkpoint has more than ${MAX_STORAGES} storages`, 'too-large');
      const declared = typeof numel === 'number' && Number.isSafeInteger(numel) && numel >= 0 ? numel : null;
      const storage: LegacyStorage = { kind: 'torch-storage', key, dtype: storageDtype(type), numel: declared, view: view !== null && view !== undefined };
      storages.set(key, storage);
      return storage;
    },
    reduce: rebuild,
  };
  const none: UnpickleHooks = { persistentLoad: () => null };
  const magic = await unpickleAt(bytes, 0, none, signal);
  if (magic.value !== MAGIC_NUMBER) throw corrupt(src.name, 'its first pickle is not the magic number torch.save writes');
  const protocol = await unpickleAt(bytes, magic.end, none, signal);
  if (protocol.value !== PROTOCOL_VERSION) throw corrupt(src.name, `it declares protocol version ${String(protocol.value)}, not ${PROTOCOL_VERSION}`);
  const sysInfo = await unpickleAt(bytes, protocol.end, none, signal);
  const littleEndian = !(sysInfo.value instanceof Map && sysInfo.value.get('little_endian') === false);
  const main = await unpickleAt(bytes, sysInfo.end, hooks, signal);
  const keyList = await unpickleAt(bytes, main.end, none, signal);
  const keys = keyList.value;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw corrupt(src.name, 'its list of storage keys is not a list of strings');
  if (keys.length > MAX_STORAGES)
    throw new ImportError('too-large', `${src.name} lists ${keys.length} storages, more than RecLens reads (${MAX_STORAGES})`, FIX_MANY);
  return { root: main.value, keys, littleEndian, storages, end: keyList.end };
}

/** The pickles, read from a window that grows until they fit (they come first and are small next to the storages). */
async function readAllPickles(src: ByteSource, signal?: AbortSignal): Promise<Pickles> {
  for (let window = Math.min(src.size, FIRST_WINDOW); ; window = Math.min(src.size, window * 4, MAX_PICKLE_BYTES)) {
    try {
      return await readPickles(src, await src.read(0, window), signal);
    } catch (error) {
      const cutByWindow = error instanceof PickleError && /ends inside|past the end/.test(error.message);
      if (cutByWindow && window < src.size && window < MAX_PICKLE_BYTES) continue;
      if (error instanceof PickleError) {
        if (window >= MAX_PICKLE_BYTES && window < src.size && /ends inside/.test(error.message)) {
          throw new ImportError('too-large', `${src.name}'s pickles are longer than RecLens's limit of ${MAX_PICKLE_BYTES} bytes`, FIX_MANY);
        }
        const code = error.code === 'too-large' ? 'too-large' : /ends inside/.test(error.message) ? 'truncated' : 'bad-header';
        throw new ImportError(code, `${src.name} has a checkpoint RecLens cannot read: ${error.message}`, code === 'too-large' ? FIX_MANY : FIX);
      }
      throw error;
    }
  }
}

/** Where each storage's bytes begin: the storages follow the pickles in the order of the key list, each after its element count. */
async function locateStorages(src: ByteSource, pickles: Pickles, signal?: AbortSignal): Promise<Map<string, { offset: number; elements: number } | string>> {
  const found = new Map<string, { offset: number; elements: number } | string>();
  let at = pickles.end;
  for (let i = 0; i < pickles.keys.length; i++) {
    const key = pickles.keys[i];
    if (i % 256 === 0) throwIfAborted(signal);
    const storage = pickles.storages.get(key);
    if (!storage) throw corrupt(src.name, `its key list names storage ${key.slice(0, 40)}, which no tensor uses`);
    if ('unsupported' in storage.dtype) {
      // Its item size is unknown, so where the next storages begin is too.
      for (const rest of pickles.keys.slice(i)) found.set(rest, `lies after a storage of ${storage.dtype.unsupported}, whose size RecLens cannot tell`);
      break;
    }
    const head = await src.read(at, 8);
    if (head.length < 8)
      throw new ImportError('truncated', `${src.name} is truncated: it ends before storage ${key} (byte ${at})`, 'Re-export the file; it was cut off');
    const v = new DataView(head.buffer, head.byteOffset, 8);
    const elements = v.getUint32(4, true) * 2 ** 32 + v.getUint32(0, true);
    const bytes = elements * storage.dtype.dtype.itemSize;
    if (!Number.isSafeInteger(bytes) || at + 8 + bytes > src.size) {
      throw new ImportError(
        'truncated',
        `${src.name} is truncated: storage ${key} declares ${elements} elements, past the end of the file`,
        'Re-export the file; it was cut off',
      );
    }
    if (storage.numel !== null && storage.numel !== elements) {
      throw corrupt(src.name, `storage ${key} holds ${elements} elements but its tensors were saved with ${storage.numel}`);
    }
    found.set(key, { offset: at + 8, elements });
    at += 8 + bytes;
  }
  return found;
}

/** Opens a checkpoint torch.save wrote in the format from before 1.6. */
export async function openTorchLegacy(src: ByteSource, labels?: string[], signal?: AbortSignal): Promise<TableFile> {
  const pickles = await readAllPickles(src, signal);
  const found = await findTensors(pickles.root, src.name, signal);
  if (found.length === 0) throw new ImportError('empty', `${src.name} holds no tensors`, FIX);
  const places = await locateStorages(src, pickles, signal);
  throwIfAborted(signal);
  const tensors = found.map(({ name, ref }) => legacyTensor(src, name, ref, places.get(ref.storage.key), pickles.littleEndian));
  return tableFromTensors('torch', src, tensors, labels);
}

function legacyTensor(
  src: ByteSource,
  name: string,
  ref: TensorRef,
  place: { offset: number; elements: number } | string | undefined,
  littleEndian: boolean,
): Tensor {
  const where = `tensor ${name} in ${src.name}`;
  const lookup = 'dtype' in ref.storage.dtype ? { dtype: dtypeOf(ref.storage.dtype.dtype.name, littleEndian) } : ref.storage.dtype;
  checkAgainstStorage(where, ref, typeof place === 'object' ? place.elements : ref.storage.numel);
  const tensor = classifyTensor(name, ref.shape, lookup, where);
  if ('problem' in tensor) return unreadableTensor(tensor.info, tensor.problem);
  const unreadable = (reason: string, code: 'truncated' | 'unsupported-format' = 'unsupported-format') =>
    unreadableTensor(
      { ...tensor.info, analysable: false, reason },
      new ImportError(code, `${where} ${reason}`, code === 'truncated' ? 'Re-export the file; it was cut off' : FIX),
    );
  if ((ref.storage as LegacyStorage).view) return unreadable('lies in a storage view, which only PyTorch before 1.0 wrote: load and save it again');
  if (place === undefined) return unreadable(`has no storage ${ref.storage.key} in the file`, 'truncated');
  if (typeof place === 'string') return unreadable(place);
  if (!rowMajor(ref.shape, ref.stride)) return unreadable(`is a non-contiguous view (stride ${pyShape(ref.stride)}): save tensor.contiguous()`);
  const { rows, dim, dtype } = tensor;
  if (ref.offset + elementCount(ref.shape) > place.elements) return unreadable(`reaches past the end of its storage`, 'truncated');
  const layout: RowLayout = { rows, dim, dtype, fortran: false, dataOffset: place.offset + ref.offset * dtype.itemSize };
  const rowBytes = dim * dtype.itemSize;
  return { info: tensor.info, read: (opts) => readRowBlocks(src, layout, opts, (done) => layout.dataOffset + done * rowBytes), layout };
}
