import type { ByteSource } from '../byteSource.ts';
import { cutShortError } from './cutShort.ts';
import { textLines } from './textLines.ts';

/**
 * Row labels from an Embedding Projector metadata TSV: one label per line; when the file has more
 * than one column its first line is a header and the label is the first column. Blank lines are
 * skipped, as they are in the table. A multi-column file's last line with fewer columns than its
 * header, and no newline after it, is a file cut short (cutShort.ts); a one-column file's last
 * label cannot reveal a cut.
 */
export async function readMetadataLabels(src: ByteSource, sliceBytes?: number): Promise<string[]> {
  const labels: string[] = [];
  let columns = 0;
  for await (const batch of textLines(src, sliceBytes)) {
    for (let i = 0; i < batch.lines.length; i++) {
      const line = batch.lines[i];
      if (line.trim() === '') continue;
      if (columns === 0) {
        columns = line.split('\t').length;
        if (columns > 1) continue;
      }
      const cells = columns > 1 ? line.split('\t').length : 1;
      if (cells < columns && batch.lastLineUnterminated && i === batch.lines.length - 1) {
        throw cutShortError(src.name, batch.firstLine + i, `it has ${cells} of the ${columns} columns the header names`);
      }
      labels.push(columns > 1 ? line.split('\t', 1)[0] : line);
    }
  }
  return labels;
}
