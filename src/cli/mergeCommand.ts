import { basename } from 'node:path';
import { mergePartialGrams } from '../analysis/partialGram.ts';
import type { PartialGram } from '../contracts/partialGram.ts';
import { readPartialGramJson } from '../data/formats/partialGramJson.ts';
import { nodeByteSource } from '../data/nodeByteSource.ts';

/**
 * Reads partial-Gram files (reclens gram's, one per shard or host) and adds them: the sums of the
 * whole table. Each file is validated; files of different tables, or the same shard twice, are
 * refused naming them.
 */
export async function mergeGramFiles(paths: string[], signal?: AbortSignal): Promise<PartialGram> {
  const parts: PartialGram[] = [];
  for (const path of paths) {
    const source = await nodeByteSource(path);
    try {
      parts.push(await readPartialGramJson(source, signal));
    } finally {
      await source.close();
    }
  }
  return mergePartialGrams(
    parts,
    paths.map((p) => basename(p)),
  );
}
