import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';

/** One member as the zip central directory records it. */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_BYTES = 22;
const MAX_COMMENT = 65535;
const U32_MAX = 0xffffffff;
/**
 * Limits on what a directory may claim, checked before it is read: a checkpoint has hundreds of
 * members and ~100 bytes of directory each, so these leave room for any real file while a
 * hostile count or size cannot make the reader allocate gigabytes or loop for minutes.
 */
const MAX_ENTRIES = 100_000;
const MAX_DIRECTORY_BYTES = 64 * 2 ** 20;

function corrupt(name: string, what: string): ImportError {
  return new ImportError('bad-header', `${name} is not a valid zip/.npz: ${what}`, 'Re-save it with numpy: np.savez(path, **tables)');
}

function truncated(name: string, what: string): ImportError {
  return new ImportError('truncated', `${name} is truncated: ${what}`, 'Re-export the file; it was cut off');
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function u64(v: DataView, at: number, name: string): number {
  const value = v.getUint32(at + 4, true) * 2 ** 32 + v.getUint32(at, true);
  if (!Number.isSafeInteger(value)) throw corrupt(name, 'a 64-bit size or offset is beyond 2^53');
  return value;
}

async function readExactly(src: ByteSource, offset: number, length: number, what: string): Promise<Uint8Array> {
  if (offset + length > src.size) throw truncated(src.name, `${what} lies past the end of the file (byte ${offset + length} of ${src.size})`);
  return src.read(offset, length);
}

/** Reads the central directory with ranged reads from the end of the file (ZIP64 included). */
export async function readZipDirectory(src: ByteSource): Promise<ZipEntry[]> {
  const tailStart = Math.max(0, src.size - EOCD_BYTES - MAX_COMMENT);
  const tail = await src.read(tailStart, src.size - tailStart);
  const tv = view(tail);
  let eocd = -1;
  for (let i = tail.length - EOCD_BYTES; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD_SIGNATURE && i + EOCD_BYTES + tv.getUint16(i + 20, true) <= tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw truncated(src.name, 'its zip directory (kept at the end of the file) is missing');
  let count = tv.getUint16(eocd + 10, true);
  let directorySize = tv.getUint32(eocd + 12, true);
  let directoryOffset = tv.getUint32(eocd + 16, true);
  if (count === 0xffff || directorySize === U32_MAX || directoryOffset === U32_MAX) {
    const locatorAt = tailStart + eocd - 20;
    const locator = view(await readExactly(src, Math.max(0, locatorAt), 20, 'the ZIP64 locator'));
    if (locatorAt < 0 || locator.getUint32(0, true) !== ZIP64_LOCATOR_SIGNATURE) throw corrupt(src.name, 'the ZIP64 end record is missing');
    const recordAt = u64(locator, 8, src.name);
    const record = view(await readExactly(src, recordAt, 56, 'the ZIP64 end record'));
    if (record.getUint32(0, true) !== ZIP64_EOCD_SIGNATURE) throw corrupt(src.name, 'the ZIP64 end record is damaged');
    count = u64(record, 32, src.name);
    directorySize = u64(record, 40, src.name);
    directoryOffset = u64(record, 48, src.name);
  }
  if (count > MAX_ENTRIES || directorySize > MAX_DIRECTORY_BYTES) {
    throw new ImportError(
      'too-large',
      `${src.name} lists ${count} members in a ${directorySize}-byte zip directory; RecLens opens archives of up to ${MAX_ENTRIES} members and ${MAX_DIRECTORY_BYTES / 2 ** 20} MB of directory`,
      'Save the embedding tables in an archive of their own, e.g. np.savez(path, **tables)',
    );
  }
  const directory = await readExactly(src, directoryOffset, directorySize, 'the zip directory');
  return parseCentralDirectory(directory, count, src.name);
}

function parseCentralDirectory(bytes: Uint8Array, count: number, name: string): ZipEntry[] {
  const v = view(bytes);
  const decoder = new TextDecoder('utf-8');
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || v.getUint32(at, true) !== CENTRAL_SIGNATURE) throw corrupt(name, `directory entry ${i + 1} is damaged`);
    const nameLength = v.getUint16(at + 28, true);
    const extraLength = v.getUint16(at + 30, true);
    const commentLength = v.getUint16(at + 32, true);
    const entry: ZipEntry = {
      name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      method: v.getUint16(at + 10, true),
      flags: v.getUint16(at + 8, true),
      compressedSize: v.getUint32(at + 20, true),
      size: v.getUint32(at + 24, true),
      localHeaderOffset: v.getUint32(at + 42, true),
    };
    applyZip64Extra(entry, bytes.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), name);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Replaces 0xFFFFFFFF placeholders with the 64-bit values of the ZIP64 extra field (id 1), in spec order. */
function applyZip64Extra(entry: ZipEntry, extra: Uint8Array, name: string): void {
  const wanted = (['size', 'compressedSize', 'localHeaderOffset'] as const).filter((k) => entry[k] === U32_MAX);
  if (wanted.length === 0) return;
  const v = view(extra);
  for (let at = 0; at + 4 <= extra.length; at += 4 + v.getUint16(at + 2, true)) {
    if (v.getUint16(at, true) !== 1) continue;
    if (v.getUint16(at + 2, true) < wanted.length * 8 || at + 4 + wanted.length * 8 > extra.length) break;
    wanted.forEach((key, i) => (entry[key] = u64(v, at + 4 + i * 8, name)));
    return;
  }
  throw corrupt(name, `member ${entry.name} needs a ZIP64 size but has none`);
}

/** Offset of a member's first data byte: its local header's name and extra field can differ from the directory's. */
export async function zipEntryDataOffset(src: ByteSource, entry: ZipEntry): Promise<number> {
  const header = view(await readExactly(src, entry.localHeaderOffset, 30, `the header of ${entry.name}`));
  if (header.getUint32(0, true) !== LOCAL_SIGNATURE) throw corrupt(src.name, `the local header of ${entry.name} is damaged`);
  const dataOffset = entry.localHeaderOffset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
  if (dataOffset + entry.compressedSize > src.size) {
    throw truncated(src.name, `member ${entry.name} ends at byte ${dataOffset + entry.compressedSize} but the file holds ${src.size}`);
  }
  return dataOffset;
}
