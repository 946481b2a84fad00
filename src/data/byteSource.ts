/**
 * Random-access bytes of a file, read in slices so a file larger than memory can be streamed.
 * Browsers wrap a File/Blob; Node wraps a file handle (see nodeByteSource.ts).
 */
export interface ByteSource {
  readonly name: string;
  readonly size: number;
  /** Reads bytes [offset, offset + length), clipped at the end of the file. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Another file in the same folder, by name, or undefined when there is none (Node only: a checkpoint's data shards). */
  sibling?(name: string): Promise<ByteSource | undefined>;
}

export function blobByteSource(blob: Blob, name = (blob as File).name ?? 'blob'): ByteSource {
  return {
    name,
    size: blob.size,
    async read(offset, length) {
      const end = Math.min(blob.size, offset + length);
      return new Uint8Array(await blob.slice(offset, end).arrayBuffer());
    },
  };
}

export function bytesByteSource(bytes: Uint8Array, name: string): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    async read(offset, length) {
      return bytes.subarray(offset, Math.min(bytes.byteLength, offset + length));
    },
  };
}
