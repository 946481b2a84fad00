import type { ByteSource } from '../data/byteSource.ts';

/**
 * Sequential reads overlap with the work done on each: after a bulk read of [o, o + n) the next
 * [o + n, o + 2n) is requested at once, so a Blob read (browser IPC + disk) runs while the caller
 * accumulates the previous block. Reads of other ranges pass straight through.
 */
export function readAheadSource(src: ByteSource, minBulkBytes = 256 * 1024): ByteSource {
  let ahead: { offset: number; length: number; bytes: Promise<Uint8Array> } | null = null;
  return {
    name: src.name,
    size: src.size,
    read(offset, length) {
      let bytes: Promise<Uint8Array>;
      if (ahead && ahead.offset === offset && ahead.length === length) bytes = ahead.bytes;
      else bytes = src.read(offset, length);
      ahead = null;
      const next = offset + length;
      if (length >= minBulkBytes && next < src.size) {
        const pending = src.read(next, length);
        pending.catch(() => {}); // a failed read-ahead surfaces when (if) that range is read
        ahead = { offset: next, length, bytes: pending };
      }
      return bytes;
    },
  };
}
