import type { ByteSource } from '../byteSource.ts';
import { textLines } from './textLines.ts';

/**
 * Row labels from an Embedding Projector metadata TSV: one label per line; when the file has more
 * than one column its first line is a header and the label is the first column. Blank lines are
 * skipped, as they are in the table.
 */
export async function readMetadataLabels(src: ByteSource, sliceBytes?: number): Promise<string[]> {
  const labels: string[] = [];
  let columns = 0;
  for await (const batch of textLines(src, sliceBytes)) {
    for (const line of batch.lines) {
      if (line.trim() === '') continue;
      if (columns === 0) {
        columns = line.split('\t').length;
        if (columns > 1) continue;
      }
      labels.push(columns > 1 ? line.split('\t', 1)[0] : line);
    }
  }
  return labels;
}
