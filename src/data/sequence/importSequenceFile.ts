/**
 * Reads a behaviour-sequence file of any supported format from a ByteSource (a dropped File in the
 * browser) slice by slice, so Cancel works and progress shows; a gzip'd file (the built-in
 * datasets, a .csv.gz) is inflated first, up to MAX_GUNZIPPED_BYTES.
 */
import { gunzipSync } from 'fflate';
import type { SequenceDataset } from '../../contracts/sequence.ts';
import { throwIfAborted } from '../abort.ts';
import { bytesByteSource, type ByteSource } from '../byteSource.ts';
import { textLines } from '../formats/textLines.ts';
import { ImportError } from '../importError.ts';
import { requireSequenceFormat, SEQUENCE_DETECT_LINES } from './detectSequenceFormat.ts';
import { createSequenceParser } from './createSequenceParser.ts';
import type { SequenceFormat, SequenceParseOptions, SequenceParser } from './sequenceParser.ts';

/** A gzip'd file is inflated in memory: at most this many bytes of text (and this many gzip'd). */
export const MAX_GUNZIPPED_BYTES = 512 * 2 ** 20;
export const MAX_GZIP_BYTES = 128 * 2 ** 20;

export interface ImportSequenceOptions extends SequenceParseOptions {
  /** Skips detection. */
  format?: SequenceFormat;
  signal?: AbortSignal;
  onProgress?: (bytesDone: number, totalBytes: number, lines: number) => void;
  sliceBytes?: number;
}

function gunzipSizeOf(bytes: Uint8Array): number {
  // ISIZE: the inflated size mod 2^32, the gzip member's last four bytes (little-endian).
  const n = bytes.length;
  return (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0;
}

async function inflated(src: ByteSource): Promise<ByteSource> {
  if (src.size < 2) return src;
  const head = await src.read(0, 2);
  if (head[0] !== 0x1f || head[1] !== 0x8b) return src;
  if (src.size > MAX_GZIP_BYTES)
    throw new ImportError(
      'too-large',
      `${src.name} is a gzip file of ${src.size} bytes; RecLens inflates at most ${MAX_GZIP_BYTES / 2 ** 20} MB.`,
      'Unpack it and open the text file.',
    );
  const bytes = await src.read(0, src.size);
  if (bytes.length < 18 || gunzipSizeOf(bytes) > MAX_GUNZIPPED_BYTES)
    throw new ImportError(
      'too-large',
      `${src.name} inflates to more than ${MAX_GUNZIPPED_BYTES / 2 ** 20} MB (or is cut short).`,
      'Unpack it and open the text file.',
    );
  let text: Uint8Array;
  try {
    text = gunzipSync(bytes);
  } catch (e) {
    throw new ImportError('truncated', `${src.name} is not a complete gzip file (${(e as Error).message}).`, 'Download it again, or open the unpacked file.');
  }
  return bytesByteSource(text, src.name.replace(/\.gz$/i, ''));
}

export async function importSequenceFile(source: ByteSource, options: ImportSequenceOptions = {}): Promise<SequenceDataset> {
  const src = await inflated(source);
  let parser: SequenceParser | undefined;
  const opts = { fileName: src.name, ...options };
  for await (const batch of textLines(src, options.sliceBytes, options.signal)) {
    if (!parser && batch.lines.length === 0) continue;
    parser ??= createSequenceParser(options.format ?? requireSequenceFormat(batch.lines.slice(0, SEQUENCE_DETECT_LINES), src.name), opts);
    for (const line of batch.lines) parser.push(line);
    options.onProgress?.(batch.bytesDone, src.size, parser.lines);
  }
  throwIfAborted(options.signal);
  if (!parser) throw new ImportError('empty', `${src.name} is empty.`, 'Check that the file is the data file.');
  return parser.finish(options.signal);
}

/** Reads a whole text (Node tools and tests). */
export function importSequenceText(text: string, options: ImportSequenceOptions = {}): Promise<SequenceDataset> {
  return importSequenceFile(bytesByteSource(new TextEncoder().encode(text), options.fileName ?? 'sequence.csv'), options);
}
