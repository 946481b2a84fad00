/**
 * The word2vec binary format (word2vec's `-binary 1`, gensim's `save_word2vec_format(binary=True)`,
 * the usual way item2vec embeddings are exported): an ASCII line "<count> <dim>\n", then per
 * vector its word in UTF-8, one space and dim little-endian float32 values, optionally followed by
 * a newline. Records have variable length, so rows are read in one pass, words becoming labels.
 */
import { throwIfAborted } from '../abort.ts';
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { ReadOptions, RowBlock, TableFile } from '../tableFile.ts';
import type { TensorInfo } from '../../contracts/tables.ts';
import { stripExtension } from './npy.ts';
import { blockRowCount } from './rowBlocks.ts';
import { asImportError, expectOnlyTensor, labelsToRefill } from './tableFromTensors.ts';

const HEADER = /^\s*(\d+)[ \t]+(\d+)[ \t]*\r?$/;
const SLICE_BYTES = 4 << 20;
/** No real token is this long; past it the bytes are not word2vec records. */
const MAX_WORD_BYTES = 1 << 16;
const SPACE = 0x20;
const NEWLINE = 0x0a;
const RETURN = 0x0d;

/** The header line's values and length, or null when the first bytes are not a word2vec header. */
export function parseWord2vecHeader(first: Uint8Array): { count: number; dim: number; bytes: number } | null {
  const end = first.indexOf(NEWLINE);
  if (end < 0) return null;
  const match = HEADER.exec(new TextDecoder().decode(first.subarray(0, end)));
  if (!match) return null;
  return { count: Number(match[1]), dim: Number(match[2]), bytes: end + 1 };
}

export interface Word2vecOptions {
  /** Labels from a metadata file; they take precedence over the words. */
  metadataLabels?: string[];
  /** Bytes per read (tests use tiny slices to split records across reads). */
  sliceBytes?: number;
}

export async function openWord2vecBinary(src: ByteSource, options: Word2vecOptions = {}): Promise<TableFile> {
  const { metadataLabels, sliceBytes = SLICE_BYTES } = options;
  const header = parseWord2vecHeader(await src.read(0, 256));
  if (!header || header.dim < 1) {
    throw new ImportError(
      'bad-header',
      `${src.name} does not start with a word2vec header line "<count> <dim>"`,
      'Save the vectors with word2vec -binary 1 or gensim save_word2vec_format(binary=True)',
    );
  }
  const { count, dim } = header;
  if (count === 0) throw new ImportError('empty', `${src.name} declares 0 vectors`, 'Export the table with its vectors');
  // Each record holds at least a one-byte word, its space and dim float32 values.
  const fits = Math.floor((src.size - header.bytes) / (dim * 4 + 2));
  if (fits < count) {
    throw new ImportError(
      'truncated',
      `${src.name} declares ${count} vectors of ${dim} values but holds at most ${fits}`,
      'The file was cut short: copy or export it again',
    );
  }
  if (metadataLabels && metadataLabels.length !== count) {
    throw new ImportError(
      'shape-mismatch',
      `the metadata has ${metadataLabels.length} labels but ${src.name} has ${count} rows`,
      'Use the metadata file exported with this table (one label per row)',
    );
  }
  const info: TensorInfo = { name: stripExtension(src.name), shape: [count, dim], dtype: 'float32', analysable: true };
  const labels = metadataLabels ?? [];
  return {
    format: 'word2vec',
    source: src,
    tensors: [info],
    labels,
    async *readRows(name: string, opts: ReadOptions = {}) {
      expectOnlyTensor(src, info, name);
      const words = labelsToRefill(metadataLabels, labels);
      try {
        yield* readRecords(src, { start: header.bytes, count, dim, sliceBytes }, opts, words);
      } catch (error) {
        throw asImportError(error, src.name);
      }
    },
  };
}

async function* readRecords(
  src: ByteSource,
  { start, count, dim, sliceBytes }: { start: number; count: number; dim: number; sliceBytes: number },
  opts: ReadOptions,
  words: string[] | undefined,
): AsyncGenerator<RowBlock> {
  const recordValues = dim * 4;
  const decoder = new TextDecoder();
  let buf = new Uint8Array(0);
  let pos = 0;
  let fileOffset = start;
  /** Keeps the unread bytes and appends the next slice; false at the end of the file. */
  const refill = async (): Promise<boolean> => {
    if (fileOffset >= src.size) return false;
    const slice = await src.read(fileOffset, sliceBytes);
    fileOffset += slice.length;
    const next = new Uint8Array(buf.length - pos + slice.length);
    next.set(buf.subarray(pos));
    next.set(slice, buf.length - pos);
    buf = next;
    pos = 0;
    return true;
  };
  const truncated = (row: number) =>
    new ImportError(
      'truncated',
      `${src.name} ends inside vector ${row + 1} of the ${count} its header declares`,
      'The file was cut short: copy or export it again',
    );

  const step = blockRowCount(opts.chunkRows, dim);
  let block = new Float32Array(Math.min(step, count) * dim);
  let blockBytes = new Uint8Array(block.buffer);
  let filled = 0;
  let startRow = 0;
  for (let row = 0; row < count; row++) {
    // The newline word2vec writes after a vector (gensim does not) belongs to no word.
    for (;;) {
      while (pos < buf.length && (buf[pos] === NEWLINE || buf[pos] === RETURN)) pos++;
      if (pos < buf.length) break;
      if (!(await refill())) throw truncated(row);
    }
    let space = buf.indexOf(SPACE, pos);
    while (space < 0) {
      if (buf.length - pos > MAX_WORD_BYTES) {
        throw new ImportError(
          'bad-header',
          `${src.name}: vector ${row + 1} has no word followed by a space`,
          'This is not a word2vec binary file: export it again with binary=True, or as text',
        );
      }
      if (!(await refill())) throw truncated(row);
      space = buf.indexOf(SPACE, pos);
    }
    words?.push(decoder.decode(buf.subarray(pos, space)));
    pos = space + 1;
    while (buf.length - pos < recordValues) if (!(await refill())) throw truncated(row);
    // Little-endian float32 bytes copied into an aligned block (browsers run little-endian).
    blockBytes.set(buf.subarray(pos, pos + recordValues), filled * recordValues);
    pos += recordValues;
    if (++filled * dim === block.length) {
      yield { data: block, rows: filled, dim, startRow, bytesDone: fileOffset - (buf.length - pos) };
      throwIfAborted(opts.signal);
      startRow += filled;
      filled = 0;
      block = new Float32Array(Math.min(step, count - startRow) * dim);
      blockBytes = new Uint8Array(block.buffer);
    }
  }
  // Only whitespace may follow the declared vectors.
  for (;;) {
    while (pos < buf.length && (buf[pos] === NEWLINE || buf[pos] === RETURN || buf[pos] === SPACE)) pos++;
    if (pos < buf.length) {
      throw new ImportError(
        'shape-mismatch',
        `${src.name} holds more data after the ${count} vectors its header declares`,
        'Check the count in the first line: it must equal the number of vectors',
      );
    }
    if (!(await refill())) break;
  }
}
