import type { ByteSource } from './byteSource.ts';

/** The bytes [offset, offset + length) of another source, seen as a file of their own (an .npz member). */
export function subByteSource(parent: ByteSource, offset: number, length: number, name: string): ByteSource {
  const size = Math.max(0, Math.min(length, parent.size - offset));
  return {
    name,
    size,
    read(start, count) {
      const end = Math.min(size, start + count);
      return parent.read(offset + start, Math.max(0, end - start));
    },
  };
}
