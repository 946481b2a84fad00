import type { ByteSource } from '../data/byteSource.ts';

/** Reads under this size (headers, directories) are plain Blob slices. */
const MIN_STREAM_BYTES = 1 << 20;

interface OpenStream {
  /** File offset the next queued read starts at. */
  offset: number;
  reader: ReadableStreamBYOBReader;
  /** The last queued read: reads of one stream run one after another. */
  tail: Promise<unknown>;
}

/**
 * A ByteSource over a Blob whose consecutive bulk reads are filled from one byte stream with a
 * BYOB reader. In Chromium workers this reads a File 2-4x faster than one Blob.slice().arrayBuffer()
 * per block (measured on a 256 MB file). A bulk read elsewhere than where the stream stands opens
 * a new stream there; several reads may be in flight (read-ahead), each gets a fresh buffer.
 */
export function blobStreamSource(blob: Blob, name = (blob as File).name ?? 'blob'): ByteSource {
  let stream: OpenStream | null = null;
  return {
    name,
    size: blob.size,
    read(offset, length) {
      const n = Math.max(0, Math.min(blob.size, offset + length) - offset);
      if (n < MIN_STREAM_BYTES)
        return blob
          .slice(offset, offset + n)
          .arrayBuffer()
          .then((b) => new Uint8Array(b));
      if (stream?.offset !== offset) {
        void stream?.reader.cancel().catch(() => {});
        stream = { offset, reader: blob.slice(offset).stream().getReader({ mode: 'byob' }), tail: Promise.resolve() };
      }
      const s = stream;
      s.offset += n;
      const bytes = s.tail.then(() => fill(s.reader, n));
      s.tail = bytes.catch(() => {});
      return bytes;
    },
  };
}

/** Reads n bytes (fewer only at the end of the stream) into one new buffer. */
async function fill(reader: ReadableStreamBYOBReader, n: number): Promise<Uint8Array> {
  let buffer = new ArrayBuffer(n);
  let filled = 0;
  while (filled < n) {
    const { done, value } = await reader.read(new Uint8Array(buffer, filled));
    if (!value) break;
    buffer = value.buffer as ArrayBuffer; // the reader hands back the same memory in a new ArrayBuffer
    filled += value.byteLength;
    if (done) break;
  }
  return new Uint8Array(buffer, 0, filled);
}
