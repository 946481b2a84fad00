/**
 * TensorFlow checkpoints (tf.train.Saver / tf.train.Checkpoint): `<prefix>.index` is a LevelDB
 * table (TensorFlow's lib/io/table: blocks of prefix-compressed keys with restart points, a
 * 48-byte footer ending in a magic number) mapping "" to a BundleHeaderProto and each tensor name
 * to a BundleEntryProto (dtype, shape, shard_id, offset, size); the values lie, little-endian, in
 * `<prefix>.data-0000N-of-0000M` at offset/size. The index is read whole (it is small: names and
 * shapes); the shards are read a row block at a time. Every index block's CRC32C is checked, and
 * each tensor's once all its bytes have been streamed: a damaged shard fails the read that ends it.
 */
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { ReadOptions, RowBlock, RowLayout, TableFile } from '../tableFile.ts';
import { eventLoopPacer, throwIfAborted } from '../abort.ts';
import { CRC32C_INIT, crc32c, crc32cFinish, crc32cUpdate, maskCrc } from './crc32c.ts';
import { dtypeOf, type DTypeLookup, type DTypeName } from './dtype.ts';
import { bytesByteSource } from '../byteSource.ts';
import { varint, WireCursor } from './protobufWire.ts';
import { readRowBlocks } from './rowBlocks.ts';
import { tableFromTensors } from './tableFromTensors.ts';
import { classifyTensor, pyShape, storedByteLength, unreadableTensor, type Tensor } from './tensor.ts';

const FIX = 'Save the checkpoint again with tf.train.Checkpoint or tf.compat.v1.train.Saver, or save the embedding tables as .npy or .safetensors';

/** The last 8 bytes of a LevelDB / TensorFlow table: kTableMagicNumber 0xdb4775248b80fb57, little-endian. */
export const TABLE_MAGIC = [0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb];
const FOOTER_BYTES = 48;
/** A block is followed by its compression type (1 byte) and a masked CRC32C (4 bytes). */
const BLOCK_TRAILER_BYTES = 5;

/** An index larger than this is not a checkpoint's (names and shapes take a few hundred bytes per tensor). */
export const MAX_INDEX_BYTES = 256 * 2 ** 20;
/** Tensors listed from one checkpoint. */
export const MAX_ENTRIES = 100_000;
const MAX_DIMS = 32;
const MAX_NAME_BYTES = 4096;

/** TensorFlow's DataType codes RecLens decodes (types.proto). */
const TF_DTYPES: Record<number, DTypeName> = {
  1: 'float32',
  2: 'float64',
  3: 'int32',
  4: 'uint8',
  5: 'int16',
  6: 'int8',
  9: 'int64',
  10: 'bool',
  14: 'bfloat16',
  17: 'uint16',
  19: 'float16',
  22: 'uint32',
  23: 'uint64',
};
const TF_OTHER: Record<number, string> = {
  7: 'strings (DT_STRING)',
  8: 'complex64 values',
  11: 'quantized int8 values',
  12: 'quantized uint8 values',
  13: 'quantized int32 values',
  15: 'quantized int16 values',
  16: 'quantized uint16 values',
  18: 'complex128 values',
  20: 'resource handles',
  21: 'variants',
};

/** Finds a file the user gave along with the one opened (a checkpoint's data shards), by its name. */
export type CompanionLookup = (name: string) => Promise<ByteSource | undefined>;

export const isTfIndexName = (name: string) => /\.index$/i.test(name);
/** `<prefix>.data-00000-of-00001`: the prefix, or undefined for another name. */
export function tfDataShardPrefix(name: string): string | undefined {
  return /^(.*)\.data-\d{5}-of-\d{5}$/i.exec(name)?.[1];
}
export const tfShardName = (prefix: string, shard: number, shards: number) =>
  `${prefix}.data-${String(shard).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}`;

/** True when the last bytes of a file are the table magic number. */
export const hasTableMagic = (tail: Uint8Array) => tail.length >= 8 && TABLE_MAGIC.every((b, i) => tail[tail.length - 8 + i] === b);

const corrupt = (name: string) => (what: string) => new ImportError('bad-header', `${name} is not a valid TensorFlow checkpoint index: ${what}`, FIX);

interface BlockHandle {
  offset: number;
  size: number;
}

interface BundleEntry {
  name: string;
  dtype: number;
  shape: number[];
  unknownRank: boolean;
  shard: number;
  offset: number;
  size: number;
  /** Masked CRC32C of the tensor's bytes, when the entry has one. */
  crc?: number;
  sliced: boolean;
}

export async function openTfCheckpoint(index: ByteSource, companion: CompanionLookup | undefined, labels?: string[], signal?: AbortSignal): Promise<TableFile> {
  const problem = corrupt(index.name);
  if (index.size < FOOTER_BYTES) throw problem(`it is ${index.size} bytes, shorter than a table footer (${FOOTER_BYTES})`);
  if (index.size > MAX_INDEX_BYTES) {
    throw new ImportError('too-large', `${index.name} is ${index.size} bytes, more than a checkpoint index RecLens reads (${MAX_INDEX_BYTES})`, FIX);
  }
  const bytes = await index.read(0, index.size);
  if (bytes.length < index.size) throw new ImportError('truncated', `${index.name} ended after ${bytes.length} of ${index.size} bytes`, FIX);
  if (!hasTableMagic(bytes)) throw problem('it does not end with the table magic number 57 fb 80 8b 24 75 47 db');
  const footer = FOOTER_BYTES;
  const [, afterMeta] = blockHandle(bytes, bytes.length - footer, problem);
  const [indexHandle] = blockHandle(bytes, afterMeta, problem);
  const pace = eventLoopPacer(signal);
  let steps = 0;
  const records: [string, Uint8Array][] = [];
  for (const [, handleBytes] of blockEntries(blockAt(bytes, indexHandle, 'index', problem), problem)) {
    const [dataHandle] = blockHandle(handleBytes, 0, problem);
    for (const record of blockEntries(blockAt(bytes, dataHandle, 'data', problem), problem)) {
      const turn = pace(++steps);
      if (turn) await turn;
      if (records.length > MAX_ENTRIES) {
        throw new ImportError('too-large', `${index.name} lists more than ${MAX_ENTRIES} tensors, more than RecLens lists`, FIX);
      }
      records.push(record);
    }
  }
  if (records.length === 0 || records[0][0] !== '') throw problem('it has no bundle header (the entry with the empty key)');
  const header = await readHeader(records[0][1], problem);
  if (header.bigEndian) {
    throw new ImportError('unsupported-format', `${index.name} was written on a big-endian machine; RecLens reads little-endian checkpoints`, FIX);
  }
  const entries: BundleEntry[] = [];
  for (const [name, value] of records.slice(1)) {
    const turn = pace(++steps);
    if (turn) await turn;
    entries.push(await readEntry(name, value, problem));
  }
  if (entries.length === 0) throw new ImportError('empty', `${index.name} lists no tensors`, FIX);
  throwIfAborted(signal);
  const prefix = index.name.replace(/\.index$/i, '');
  const shards = new Map<number, ByteSource>();
  for (const shard of new Set(entries.filter((e) => !e.sliced && e.size > 0).map((e) => e.shard))) {
    if (shard >= header.shards) throw problem(`a tensor is in shard ${shard} but the header says there are ${header.shards}`);
    const name = tfShardName(prefix, shard, header.shards);
    const src = companion ? await companion(name) : undefined;
    if (!src) {
      throw new ImportError(
        'unsupported-format',
        `${index.name} lists the tensors, but their values are in ${name}, which was not given with it`,
        `Open ${index.name} together with ${name}${header.shards > 1 ? ` and the other ${header.shards - 1} data shard(s)` : ''} (pick or drop them all at once; the CLI finds them next to the index)`,
      );
    }
    shards.set(shard, src);
  }
  return tableFromTensors(
    'tfcheckpoint',
    index,
    entries.map((e) => entryTensor(e, shards.get(e.shard), index.name)),
    labels,
  );
}

/** A BlockHandle (two varint64s) at bytes[pos]: the handle and where it ends. */
function blockHandle(bytes: Uint8Array, pos: number, problem: (what: string) => ImportError): [BlockHandle, number] {
  const [offset, n1] = varint(bytes, pos, problem, pos);
  const [size, n2] = varint(bytes, pos + n1, problem, pos + n1);
  return [{ offset, size }, pos + n1 + n2];
}

function blockAt(bytes: Uint8Array, handle: BlockHandle, what: string, problem: (what: string) => ImportError): Uint8Array {
  const end = handle.offset + handle.size + BLOCK_TRAILER_BYTES;
  if (end > bytes.length - FOOTER_BYTES) {
    throw problem(`its ${what} block at byte ${handle.offset} (${handle.size} bytes) runs past the end of the file`);
  }
  const compression = bytes[handle.offset + handle.size];
  if (compression === 1) {
    throw new ImportError('unsupported-format', `the ${what} block at byte ${handle.offset} is Snappy-compressed, which RecLens does not decompress`, FIX);
  }
  if (compression !== 0) throw problem(`its ${what} block at byte ${handle.offset} has an unknown compression type ${compression}`);
  const stored = new DataView(bytes.buffer, bytes.byteOffset + handle.offset + handle.size + 1, 4).getUint32(0, true);
  if (maskCrc(crc32c(bytes.subarray(handle.offset, handle.offset + handle.size + 1))) !== stored) {
    throw problem(`its ${what} block at byte ${handle.offset} does not match its checksum (CRC32C): the file is damaged`);
  }
  return bytes.subarray(handle.offset, handle.offset + handle.size);
}

/** The (key, value) entries of a block, keys rebuilt from their shared prefixes. */
function* blockEntries(block: Uint8Array, problem: (what: string) => ImportError): Generator<[string, Uint8Array]> {
  if (block.length < 4) throw problem(`a block of ${block.length} bytes has no restart count`);
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const restarts = view.getUint32(block.length - 4, true);
  const limit = block.length - 4 - 4 * restarts;
  if (restarts === 0 || limit < 0) throw problem(`a block of ${block.length} bytes claims ${restarts} restart points`);
  const entries = block.subarray(0, limit);
  let key = new Uint8Array(0);
  const decoder = new TextDecoder();
  for (let pos = 0; pos < entries.length;) {
    const [shared, a] = varint(entries, pos, problem, pos);
    const [unshared, b] = varint(entries, pos + a, problem, pos + a);
    const [valueLength, c] = varint(entries, pos + a + b, problem, pos + a + b);
    const start = pos + a + b + c;
    if (shared > key.length) throw problem(`a key shares ${shared} bytes with a previous key of ${key.length}`);
    if (start + unshared + valueLength > entries.length) throw problem(`an entry at byte ${pos} of a block runs past the block's end`);
    if (shared + unshared > MAX_NAME_BYTES) throw problem(`a key is longer than ${MAX_NAME_BYTES} bytes`);
    const next = new Uint8Array(shared + unshared);
    next.set(key.subarray(0, shared));
    next.set(entries.subarray(start, start + unshared), shared);
    key = next;
    yield [decoder.decode(key), entries.subarray(start + unshared, start + unshared + valueLength)];
    pos = start + unshared + valueLength;
  }
}

async function readHeader(value: Uint8Array, problem: (what: string) => ImportError): Promise<{ shards: number; bigEndian: boolean }> {
  const cursor = new WireCursor(bytesByteSource(value, 'header'), problem);
  let shards = 1;
  let bigEndian = false;
  for await (const f of cursor.fields(0, value.length)) {
    if (f.field === 1 && f.wire === 0) shards = f.value;
    if (f.field === 2 && f.wire === 0) bigEndian = f.value === 1;
  }
  if (shards < 1 || shards > 99_999) throw problem(`its header says ${shards} data shards`);
  return { shards, bigEndian };
}

async function readEntry(name: string, value: Uint8Array, problem: (what: string) => ImportError): Promise<BundleEntry> {
  const cursor = new WireCursor(bytesByteSource(value, name), problem);
  const entry: BundleEntry = { name, dtype: 0, shape: [], unknownRank: false, shard: 0, offset: 0, size: 0, sliced: false };
  for await (const f of cursor.fields(0, value.length)) {
    if (f.field === 1 && f.wire === 0) entry.dtype = f.value;
    else if (f.field === 2 && f.wire === 2) {
      for await (const s of cursor.fields(f.offset, f.offset + f.length)) {
        if (s.field === 3 && s.wire === 0) entry.unknownRank = s.value !== 0;
        if (s.field !== 2 || s.wire !== 2) continue;
        let size = 0;
        for await (const d of cursor.fields(s.offset, s.offset + s.length)) {
          if (d.field === 1 && d.wire === 0) size = d.value;
        }
        entry.shape.push(size);
        if (entry.shape.length > MAX_DIMS) throw problem(`tensor ${name} has more than ${MAX_DIMS} dimensions`);
      }
    } else if (f.field === 3 && f.wire === 0) entry.shard = f.value;
    else if (f.field === 4 && f.wire === 0) entry.offset = f.value;
    else if (f.field === 5 && f.wire === 0) entry.size = f.value;
    else if (f.field === 6 && f.wire === 5) entry.crc = f.value;
    else if (f.field === 7) entry.sliced = true;
  }
  if (entry.shape.some((d) => d < 0)) throw problem(`tensor ${name} has a negative dimension ${pyShape(entry.shape)}`);
  return entry;
}

function lookupDtype(code: number): DTypeLookup {
  const name = Object.hasOwn(TF_DTYPES, code) ? TF_DTYPES[code] : undefined;
  if (name) return { dtype: dtypeOf(name) };
  return { unsupported: Object.hasOwn(TF_OTHER, code) ? TF_OTHER[code] : `values of TensorFlow data type ${code}` };
}

function entryTensor(entry: BundleEntry, shard: ByteSource | undefined, indexName: string): Tensor {
  const where = `tensor ${entry.name} in ${indexName}`;
  const tensor = classifyTensor(entry.name, entry.shape, lookupDtype(entry.dtype), where);
  if ('problem' in tensor) return unreadableTensor(tensor.info, tensor.problem);
  const unreadable = (reason: string, code: 'truncated' | 'unsupported-format' | 'bad-header' = 'unsupported-format') =>
    unreadableTensor({ ...tensor.info, analysable: false, reason }, new ImportError(code, `${where} ${reason}`, FIX));
  if (entry.unknownRank) return unreadable('has an unknown rank', 'bad-header');
  if (entry.sliced) return unreadable('was saved in slices (a partitioned variable), which RecLens does not join');
  if (!shard) return unreadable('has no data shard', 'bad-header');
  const { rows, dim, dtype } = tensor;
  const needed = storedByteLength(entry.shape, dtype.itemSize, where);
  if (entry.size !== needed) {
    return unreadable(`holds ${entry.size} bytes but shape ${pyShape(entry.shape)} of ${dtype.name} needs ${needed}`, 'bad-header');
  }
  if (entry.offset + entry.size > shard.size) {
    return unreadable(`lies at bytes ${entry.offset}..${entry.offset + entry.size} of ${shard.name}, which has only ${shard.size}`, 'truncated');
  }
  const layout: RowLayout = { rows, dim, dtype, fortran: false, dataOffset: entry.offset };
  const rowBytes = dim * dtype.itemSize;
  // No `layout` on the Tensor: its offset is in the shard, not in the index file the TableFile's source is.
  return { info: tensor.info, read: (opts) => checkedRowBlocks(shard, layout, opts, entry, where, (done) => entry.offset + done * rowBytes) };
}

/** The rows, with the tensor's CRC32C summed over its bytes as they are read and compared once all have been. */
async function* checkedRowBlocks(
  shard: ByteSource,
  layout: RowLayout,
  opts: ReadOptions,
  entry: BundleEntry,
  where: string,
  progress: (rowsDone: number) => number,
): AsyncGenerator<RowBlock> {
  let state = CRC32C_INIT;
  let next = entry.offset;
  const summing: ByteSource = {
    name: shard.name,
    size: shard.size,
    async read(offset, length) {
      const bytes = await shard.read(offset, length);
      if (offset === next) {
        state = crc32cUpdate(state, bytes);
        next += bytes.length;
      }
      return bytes;
    },
  };
  yield* readRowBlocks(summing, layout, opts, progress);
  if (entry.crc !== undefined && next === entry.offset + entry.size && maskCrc(crc32cFinish(state)) !== entry.crc) {
    throw new ImportError('bad-header', `${where} does not match its checksum (CRC32C): ${shard.name} is damaged`, FIX);
  }
}
