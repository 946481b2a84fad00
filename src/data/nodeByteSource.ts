import { open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ByteSource } from './byteSource.ts';

/** A ByteSource over a file on disk (CLI, tests, benchmarks). Call close() when done; it closes the siblings opened too. */
export async function nodeByteSource(path: string): Promise<ByteSource & { close(): Promise<void> }> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  const siblings: { close(): Promise<void> }[] = [];
  return {
    name: basename(path),
    size,
    async read(offset, length) {
      const n = Math.max(0, Math.min(size, offset + length) - offset);
      const buf = new Uint8Array(n);
      let done = 0;
      while (done < n) {
        const { bytesRead } = await handle.read(buf, done, n - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === n ? buf : buf.subarray(0, done);
    },
    async sibling(name) {
      if (basename(name) !== name) return undefined;
      const other = await nodeByteSource(join(dirname(path), name)).catch((error: unknown) => {
        if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
        throw error;
      });
      if (other) siblings.push(other);
      return other;
    },
    close: async () => {
      await Promise.all(siblings.map((s) => s.close()));
      await handle.close();
    },
  };
}
