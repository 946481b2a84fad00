import { throwIfAborted } from '../abort.ts';
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';

/** Bytes read per slice when streaming a text file. */
export const TEXT_SLICE_BYTES = 1 << 20;
/**
 * The longest line held while looking for its end: 4,096 float64 values in text take ~100 kB,
 * so only a file that is not line-based (or a single huge line) gets here, and the carried
 * string would otherwise grow to the file's size.
 */
export const MAX_LINE_CHARS = 16 * 2 ** 20;

/** Complete lines decoded from one slice of the file, numbered from 1. */
export interface LineBatch {
  lines: string[];
  firstLine: number;
  /** File bytes read so far. */
  bytesDone: number;
  /**
   * True on the final batch when its last line is the file's last and no newline ends it: that
   * line may be cut short (see cutShort.ts). A trailing '\r' counts as an ending.
   */
  lastLineUnterminated: boolean;
}

/**
 * Streams the lines of a UTF-8 text file in slices: lines and multi-byte characters may straddle
 * slice boundaries; '\r\n' and '\n' both end a line; a final line without a newline is kept (and
 * flagged, lastLineUnterminated).
 */
export async function* textLines(src: ByteSource, sliceBytes = TEXT_SLICE_BYTES, signal?: AbortSignal): AsyncGenerator<LineBatch> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let nextLine = 1;
  for (let offset = 0; offset < src.size;) {
    throwIfAborted(signal);
    const bytes = await src.read(offset, sliceBytes);
    if (bytes.length === 0) break;
    offset += bytes.length;
    const text = carry + decoder.decode(bytes, { stream: offset < src.size });
    const lines = text.split('\n');
    carry = offset < src.size ? lines.pop()! : '';
    if (carry.length > MAX_LINE_CHARS) {
      throw new ImportError(
        'too-large',
        `${src.name}: line ${nextLine + lines.length} is longer than ${MAX_LINE_CHARS / 2 ** 20} M characters with no end in sight, so this is not a table of text lines`,
        'Open a table with one row per line (TSV, CSV or word2vec text), or a binary format such as .npy',
      );
    }
    const last = offset >= src.size;
    const unterminated = last && lines.length > 0 && lines[lines.length - 1] !== '' && !lines[lines.length - 1].endsWith('\r');
    if (last && lines[lines.length - 1] === '') lines.pop();
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
    }
    yield { lines, firstLine: nextLine, bytesDone: offset, lastLineUnterminated: unterminated };
    nextLine += lines.length;
  }
  // The source gave fewer bytes than its size: the line left over is one the file ends inside.
  if (carry !== '') yield { lines: [carry.replace(/\r$/, '')], firstLine: nextLine, bytesDone: src.size, lastLineUnterminated: true };
}
