/**
 * Which behaviour-sequence format a file is, from its first lines: the sequence-sample CSV by its
 * header, Taobao's UserBehavior.csv by its five header-less columns with a behaviour type
 * (pv, buy, cart, fav) fourth, a CTR CSV by a `^`-separated sequence column in its header.
 */
import { Gunzip } from 'fflate';
import type { ByteSource } from '../byteSource.ts';
import { sniffDelimiter } from '../csv.ts';
import { ImportError } from '../importError.ts';
import { isCtrSequenceHeader } from './ctrSequenceCsv.ts';
import { isSequenceCsvHeader, SEQUENCE_CSV_COLUMNS } from './sequenceCsv.ts';
import type { SequenceFormat } from './sequenceParser.ts';

export const SEQUENCE_DETECT_LINES = 5;
const TAOBAO_BEHAVIOURS = new Set(['pv', 'buy', 'cart', 'fav']);

export function detectSequenceFormat(lines: readonly string[]): SequenceFormat | null {
  const first = lines.find((l) => l.trim() !== '');
  if (first === undefined) return null;
  if (isSequenceCsvHeader(first)) return 'sequence-csv';
  if (isCtrSequenceHeader(first)) return 'ctr-sequence-csv';
  const cells = first.split(sniffDelimiter(first)).map((c) => c.trim());
  if (cells.length === 5 && TAOBAO_BEHAVIOURS.has(cells[3]) && /^\d+$/.test(cells[4])) return 'taobao-user-behavior';
  return null;
}

export function requireSequenceFormat(lines: readonly string[], fileName: string): SequenceFormat {
  const format = detectSequenceFormat(lines);
  if (format) return format;
  throw new ImportError(
    'unsupported-format',
    `${fileName} is not a behaviour-sequence file RecLens knows: its first line is neither the header ${SEQUENCE_CSV_COLUMNS.join(',')}, nor a Taobao UserBehavior.csv line (user,item,category,behavior,timestamp), nor a CTR CSV header with a click_sequence column.`,
    'Use the sequence-sample CSV, Taobao UserBehavior.csv, or a CTR CSV with a click_sequence column.',
  );
}

/** Bytes read to tell a dropped file's format (inflated first when it is gzip'd). */
export const SEQUENCE_DETECT_BYTES = 64 * 1024;

/**
 * The behaviour-sequence format of a file from its first bytes (a gzip'd file's first inflated
 * bytes), or null: for the studio's drop handler, which sends a file here or to the CTR readers.
 */
export async function detectSequenceFile(src: ByteSource): Promise<SequenceFormat | null> {
  let head = await src.read(0, Math.min(SEQUENCE_DETECT_BYTES, src.size));
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const parts: Uint8Array[] = [];
    try {
      const gunzip = new Gunzip((chunk) => parts.push(chunk));
      gunzip.push(head, false);
    } catch {
      return null;
    }
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (joined.set(p, at), at + p.length), 0);
    head = joined;
  }
  const text = new TextDecoder().decode(head.subarray(0, SEQUENCE_DETECT_BYTES));
  return detectSequenceFormat(
    text
      .split('\n')
      .slice(0, SEQUENCE_DETECT_LINES)
      .map((l) => l.replace(/\r$/, '')),
  );
}
