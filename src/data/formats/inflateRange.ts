import { Inflate } from 'fflate';
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';

/** Compressed bytes fed to the inflater at a time; bounds memory even for highly compressible data. */
const COMPRESSED_SLICE = 1 << 18;
/** Compressed bytes pushed into the inflater at once: at most ~16 MB of output waits for the consumer. */
const PUSH_BYTES = 1 << 14;

/**
 * Inflates the raw DEFLATE stream in bytes [offset, offset + length) of src, reading it in slices,
 * and yields the decompressed output chunk by chunk. `consumed.bytes` tracks compressed bytes read.
 */
export async function* inflateRange(src: ByteSource, offset: number, length: number, name: string, consumed: { bytes: number }): AsyncGenerator<Uint8Array> {
  const output: Uint8Array[] = [];
  const inflater = new Inflate((chunk) => {
    if (chunk.length > 0) output.push(chunk);
  });
  for (let pos = 0; pos < length;) {
    const n = Math.min(COMPRESSED_SLICE, length - pos);
    const slice = await src.read(offset + pos, n);
    if (slice.length < n) {
      throw new ImportError('truncated', `${name} is truncated: its compressed data is cut off`, 'Re-export the file; it was cut off');
    }
    pos += n;
    consumed.bytes = pos;
    // DEFLATE expands at most ~1032:1, so pushing PUSH_BYTES at a time bounds what is held before the consumer takes it.
    for (let at = 0; at < slice.length; at += PUSH_BYTES) {
      try {
        inflater.push(slice.subarray(at, at + PUSH_BYTES), pos >= length && at + PUSH_BYTES >= slice.length);
      } catch (error) {
        throw new ImportError(
          'read-failed',
          `${name} could not be decompressed: ${(error as Error).message}`,
          'Re-export the file; its compressed data is damaged',
        );
      }
      yield* output.splice(0);
    }
  }
}
