/**
 * Parquet files holding embeddings: a list column of numbers (list<float>, fixed_size_list<double>)
 * with one vector per row, as pandas/pyarrow/polars write them. Decoded by hyparquet (a maintained,
 * dependency-free reader) with hyparquet-compressors for gzip/zstd/brotli/lz4, both loaded on
 * first use so the studio's first load does not grow. With a field column (field, feature,
 * field_name, feature_name, slot), each field's rows are their own table, named
 * "<column>[field=<value>]"; without one, the column is one table.
 * The footer is checked before the library sees it, rows are read one row group at a time, and a
 * file the decoder cannot make sense of is refused as damaged, never passed on as a crash.
 */
import { throwIfAborted } from '../abort.ts';
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { ReadOptions, RowBlock, TableFile } from '../tableFile.ts';
import type { TensorInfo } from '../../contracts/tables.ts';
import { dtypeOf, type DTypeName } from './dtype.ts';
import { blockRowCount } from './rowBlocks.ts';
import { tableFromTensors } from './tableFromTensors.ts';
import { classifyTensor, unreadableTensor, type Tensor } from './tensor.ts';

type Hyparquet = typeof import('hyparquet');
type FileMetaData = Awaited<ReturnType<Hyparquet['parquetMetadataAsync']>>;
type SchemaTree = ReturnType<Hyparquet['parquetSchema']>;
type Compressors = (typeof import('hyparquet-compressors'))['compressors'];
type PageHeaderReader = (typeof import('hyparquet/src/column.js'))['parquetHeader'];
interface AsyncBuffer {
  byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer>;
}

const FIX = 'Write the embeddings again with pyarrow or pandas (df.to_parquet(path)), one list<float> per row, or save them as .npy';
const MAGIC = [0x50, 0x41, 0x52, 0x31]; // PAR1
/** The footer (Thrift FileMetaData) is read whole: real ones are kilobytes, a wide schema's a few MB. */
export const MAX_FOOTER_BYTES = 64 * 2 ** 20;
/** Rows of one file: a field column is held in memory to group rows. */
export const MAX_ROWS = 50_000_000;
/** Values of one row group of the embedding column: a row group is decoded at once. */
export const MAX_ROW_GROUP_VALUES = 1 << 25;
/** Distinct values of a field column that are listed as separate tables. */
export const MAX_FIELDS = 1000;
const FIELD_COLUMN = /^(field|feature|field_name|feature_name|slot)$/i;
const NUMERIC: Partial<Record<string, DTypeName>> = { FLOAT: 'float32', DOUBLE: 'float64', INT32: 'int32', INT64: 'int64' };

let library: Promise<{ hp: Hyparquet; compressors: Compressors; pageHeader: PageHeaderReader }> | undefined;
/** hyparquet, its page header reader and its decompressors, imported once, on first use. */
function loadLibrary() {
  library ??= Promise.all([import('hyparquet'), import('hyparquet-compressors'), import('hyparquet/src/column.js')]).then(([hp, c, column]) => ({
    hp,
    compressors: c.compressors,
    pageHeader: column.parquetHeader,
  }));
  return library;
}

const damaged = (name: string, what: string) => new ImportError('bad-header', `${name} is not a valid Parquet file: ${what}`, FIX);

export const hasParquetMagic = (first: Uint8Array) => MAGIC.every((b, i) => first[i] === b);

/**
 * A failure inside the decoder on bytes it was given: a message it wrote itself ("parquet
 * unsupported compression codec: LZO") is kept; an engine error (a TypeError on a damaged page)
 * says only that the file could not be decoded and where.
 */
function decodeFailure(name: string, where: string, error: unknown): unknown {
  if (error instanceof ImportError || (error instanceof DOMException && error.name === 'AbortError')) return error;
  const message = error instanceof Error ? error.message : String(error);
  const own =
    error instanceof Error &&
    error.constructor === Error &&
    /parquet|thrift|snappy|zstd|gzip|brotli|lz4|codec|page|column|schema/i.test(message) &&
    !/undefined|NaN|null/.test(message);
  const what = own ? message.slice(0, 200) : `its ${where} could not be decoded (the bytes are damaged or use a feature RecLens does not read)`;
  return damaged(name, what);
}

function asyncBuffer(src: ByteSource): AsyncBuffer {
  return {
    byteLength: src.size,
    async slice(start, end = src.size) {
      const bytes = await src.read(start, end - start);
      return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
    },
  };
}

/** One listable table: a list column, or the rows of one field of it. */
interface Column {
  name: string;
  column: string;
  dtype: DTypeName;
  /** Row indices of its field, in file order; undefined when the whole column is the table. */
  rows?: Int32Array | number[];
}

export async function openParquet(src: ByteSource, labels?: string[], signal?: AbortSignal): Promise<TableFile> {
  await checkFooter(src);
  const { hp, compressors, pageHeader } = await loadLibrary();
  throwIfAborted(signal);
  const file = asyncBuffer(src);
  let metadata: FileMetaData;
  let schema: SchemaTree;
  try {
    metadata = await hp.parquetMetadataAsync(file, { geoparquet: false }); // its geo pass loops on a negative num_children
    schema = hp.parquetSchema(metadata);
  } catch (error) {
    throw decodeFailure(src.name, 'footer (metadata)', error);
  }
  const rowCount = Number(metadata.num_rows);
  if (!Number.isSafeInteger(rowCount) || rowCount < 0) throw damaged(src.name, `it declares ${String(metadata.num_rows)} rows`);
  if (rowCount > MAX_ROWS) throw new ImportError('too-large', `${src.name} has ${rowCount} rows, more than RecLens reads (${MAX_ROWS})`, FIX);
  const groups = metadata.row_groups.map((g) => Number(g.num_rows));
  if (groups.some((n) => !Number.isSafeInteger(n) || n < 0) || groups.reduce((a, b) => a + b, 0) !== rowCount) {
    throw damaged(src.name, `its row groups hold ${groups.join(' + ')} rows, not the ${rowCount} it declares`);
  }
  const lists = schema.children.flatMap((c) => listColumn(c));
  if (lists.length === 0) {
    const names = schema.children.map((c) => c.element.name).join(', ');
    throw new ImportError(
      'no-tensor-selected',
      `${src.name} has no column holding one vector of numbers per row (its columns: ${names.slice(0, 300)})`,
      'Store each embedding as a list<float> column, e.g. pd.DataFrame({"embedding": list(table)}).to_parquet(path)',
    );
  }
  const checked = new Set<string>();
  const read = async (column: string, rowStart: number, rowEnd: number): Promise<unknown[][]> => {
    let rows: unknown[][] = [];
    let start = 0;
    for (const [g, n] of groups.entries()) {
      if (start < rowEnd && start + n > rowStart && !checked.has(`${g}/${column}`)) {
        await checkPages(src, metadata.row_groups[g], columnLevels(schema, column), pageHeader, compressors);
        checked.add(`${g}/${column}`);
      }
      start += n;
    }
    try {
      await hp.parquetRead({ file, metadata, columns: [column], rowStart, rowEnd, compressors, geoparquet: false, onComplete: (r) => (rows = r) });
    } catch (error) {
      throw decodeFailure(src.name, `column ${column}`, error);
    }
    return rows;
  };
  const fieldColumn = schema.children.find((c) => FIELD_COLUMN.test(c.element.name) && c.children.length === 0);
  const fields = fieldColumn && rowCount > 0 ? await fieldGroups(src.name, fieldColumn.element.name, rowCount, groups, read, signal) : undefined;
  const columns: Column[] = lists.flatMap(({ column, dtype }) =>
    fields ? [...fields].map(([value, rows]) => ({ name: `${column}[field=${value}]`, column, dtype, rows })) : [{ name: column, column, dtype }],
  );
  const tensors = await Promise.all(columns.map((c) => columnTensor(src, c, rowCount, groups, read)));
  return tableFromTensors('parquet', src, tensors, labels);
}

/** PAR1 at both ends, and a footer length that fits the file and RecLens's limit. */
async function checkFooter(src: ByteSource): Promise<void> {
  if (src.size < 12) throw new ImportError('truncated', `${src.name} is truncated: a Parquet file has at least 12 bytes`, 'Re-export the file; it was cut off');
  const head = await src.read(0, 4);
  const tail = await src.read(src.size - 8, 8);
  if (!hasParquetMagic(head)) throw damaged(src.name, 'it does not start with PAR1');
  if (!hasParquetMagic(tail.subarray(4))) {
    throw new ImportError('truncated', `${src.name} is truncated: it does not end with PAR1, so its footer is missing`, 'Re-export the file; it was cut off');
  }
  const footer = new DataView(tail.buffer, tail.byteOffset, 4).getUint32(0, true);
  if (footer > src.size - 12) throw damaged(src.name, `its footer claims ${footer} bytes, more than the file holds`);
  if (footer > MAX_FOOTER_BYTES)
    throw new ImportError('too-large', `${src.name} has a ${footer}-byte footer, over RecLens's limit of ${MAX_FOOTER_BYTES}`, FIX);
}

/** Pages of one column chunk: more than this is not a real writer's. */
const MAX_PAGES = 1_000_000;

/**
 * Walks a column chunk's page headers before the decoder does: each page must lie inside the
 * chunk, inflate to no more than the chunk declares, and the pages' value counts must add up to
 * the chunk's, which is at most MAX_ROW_GROUP_VALUES. A damaged header that declares millions
 * of values would otherwise keep the decoder busy for seconds, out of reach of Cancel.
 */
async function checkPages(
  src: ByteSource,
  group: FileMetaData['row_groups'][number],
  levels: Levels,
  pageHeader: PageHeaderReader,
  compressors: Compressors,
): Promise<void> {
  const column = levels.column;
  const chunk = group.columns.find((c) => c.meta_data?.path_in_schema?.[0] === column)?.meta_data;
  if (!chunk) return; // the decoder names a missing column itself
  const where = `column ${column}`;
  const numValues = Number(chunk.num_values);
  const start = Number(chunk.dictionary_page_offset ?? chunk.data_page_offset);
  const size = Number(chunk.total_compressed_size);
  const inflated = Number(chunk.total_uncompressed_size);
  if (![numValues, start, size, inflated].every((n) => Number.isSafeInteger(n) && n >= 0) || start + size > src.size) {
    throw damaged(src.name, `${where} declares a chunk of ${size} bytes at byte ${start}, outside the file`);
  }
  if (numValues > MAX_ROW_GROUP_VALUES) {
    throw new ImportError(
      'too-large',
      `${src.name}: ${where} has ${numValues} values in one row group, more than RecLens decodes at once (${MAX_ROW_GROUP_VALUES})`,
      'Write it with smaller row groups (row_group_size=100_000)',
    );
  }
  const bytes = await src.read(start, size);
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  let values = 0;
  for (let pages = 0; reader.offset < bytes.length; pages++) {
    let header: ReturnType<PageHeaderReader>;
    try {
      header = pageHeader(reader);
    } catch {
      throw damaged(src.name, `a page header of ${where} at byte ${start + reader.offset} is damaged`);
    }
    const stored = header.compressed_page_size;
    if (pages >= MAX_PAGES || !Number.isSafeInteger(stored) || stored < 0 || reader.offset + stored > bytes.length) {
      throw damaged(src.name, `a page of ${where} reaches past the end of its column chunk`);
    }
    if (!(header.uncompressed_page_size >= 0 && header.uncompressed_page_size <= inflated)) {
      throw damaged(src.name, `a page of ${where} inflates to ${header.uncompressed_page_size} bytes, more than its chunk's ${inflated}`);
    }
    const count = header.data_page_header?.num_values ?? header.data_page_header_v2?.num_values;
    if (count !== undefined) {
      if (!Number.isSafeInteger(count) || count < 0) throw damaged(src.name, `a page of ${where} declares ${count} values`);
      values += count;
      const page = bytes.subarray(reader.offset, reader.offset + stored);
      checkPageRuns(src.name, where, header, page, chunk.codec, levels, compressors);
    }
    reader.offset += stored;
  }
  if (values !== numValues) throw damaged(src.name, `the pages of ${where} hold ${values} values, not the ${numValues} its chunk declares`);
}

/** A column's name and its maximum repetition and definition levels (how deep its leaf is repeated and optional). */
interface Levels {
  column: string;
  maxRep: number;
  maxDef: number;
}

function columnLevels(schema: SchemaTree, column: string): Levels {
  let node = schema.children.find((c) => c.element.name === column);
  let maxRep = 0;
  let maxDef = 0;
  while (node) {
    if (node.element.repetition_type === 'REPEATED') maxRep++;
    if (node.element.repetition_type !== 'REQUIRED') maxDef++;
    node = node.children.length === 1 ? node.children[0] : undefined;
  }
  return { column, maxRep, maxDef };
}

const bitWidth = (n: number) => 32 - Math.clz32(n);

/**
 * The run-length/bit-packed runs of a data page's levels and dictionary indices must cover no
 * more than its values (plus a bit-packed group's padding): the decoder writes a run as long as
 * its header says, so a damaged run of 2^31 would take it seconds and gigabytes.
 */
function checkPageRuns(
  fileName: string,
  where: string,
  header: ReturnType<PageHeaderReader>,
  stored: Uint8Array,
  codec: string,
  levels: Levels,
  compressors: Compressors,
): void {
  const inflate = (bytes: Uint8Array, size: number): Uint8Array => {
    if (codec === 'UNCOMPRESSED') return bytes;
    const decompress = compressors[codec as keyof Compressors];
    if (!decompress) return bytes; // the decoder names the codec it lacks
    try {
      return decompress(bytes, size);
    } catch {
      throw damaged(fileName, `a page of ${where} does not decompress (${codec})`);
    }
  };
  const v1 = header.data_page_header;
  const v2 = header.data_page_header_v2;
  const count = (v1 ?? v2)!.num_values;
  const encoding = (v1 ?? v2)!.encoding;
  const runs = (view: DataView, start: number, end: number, width: number) => checkRuns(fileName, where, view, start, end, width, count);
  let values: DataView;
  let at = 0;
  if (v1) {
    values = viewOf(inflate(stored, header.uncompressed_page_size));
    for (const max of [levels.maxRep, levels.maxDef]) {
      if (max === 0) continue;
      if (at + 4 > values.byteLength) throw damaged(fileName, `a page of ${where} ends inside its levels`);
      const length = values.getUint32(at, true);
      runs(values, at + 4, Math.min(values.byteLength, at + 4 + length), bitWidth(max));
      at += 4 + length;
    }
  } else {
    const repLength = v2!.repetition_levels_byte_length;
    const defLength = v2!.definition_levels_byte_length;
    if (!(repLength >= 0 && defLength >= 0 && repLength + defLength <= stored.length))
      throw damaged(fileName, `a page of ${where} has levels longer than itself`);
    const levelView = viewOf(stored);
    if (levels.maxRep > 0) runs(levelView, 0, repLength, bitWidth(levels.maxRep));
    if (levels.maxDef > 0) runs(levelView, repLength, repLength + defLength, bitWidth(levels.maxDef));
    const rest = stored.subarray(repLength + defLength);
    values = viewOf(v2!.is_compressed ? inflate(rest, header.uncompressed_page_size - repLength - defLength) : rest);
  }
  if (encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY') {
    if (at >= values.byteLength) return;
    const width = values.getUint8(at);
    if (width > 32) throw damaged(fileName, `a page of ${where} packs dictionary indices ${width} bits wide`);
    if (width > 0) runs(values, at + 1, values.byteLength, width);
  }
}

const viewOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function checkRuns(fileName: string, where: string, view: DataView, start: number, end: number, width: number, count: number): void {
  let seen = 0;
  let at = start;
  while (seen < count && at < end) {
    let header = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (at >= end || i >= 5) throw damaged(fileName, `a run header of ${where} is damaged`);
      const b = view.getUint8(at++);
      header += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) break;
    }
    if (header % 2 === 1) {
      const groups = Math.floor(header / 2);
      seen += groups * 8;
      at += groups * width;
      if (seen > count + 7) throw damaged(fileName, `a bit-packed run of ${where} holds more values than its page (${count})`);
    } else {
      seen += Math.floor(header / 2);
      at += (width + 7) >> 3;
      if (seen > count) throw damaged(fileName, `a run of ${where} repeats a value past the end of its page (${count} values)`);
    }
  }
}

/** A top-level column whose one leaf is a repeated number (list<float>, a legacy repeated float): its dtype. */
function listColumn(node: SchemaTree): { column: string; dtype: DTypeName }[] {
  let leaf = node;
  let repeated = node.element.repetition_type === 'REPEATED';
  while (leaf.children.length === 1) {
    leaf = leaf.children[0];
    repeated ||= leaf.element.repetition_type === 'REPEATED';
  }
  if (leaf.children.length > 0 || !repeated || leaf === node) return [];
  const dtype = leaf.element.type ? NUMERIC[leaf.element.type] : undefined;
  return dtype ? [{ column: node.element.name, dtype }] : [];
}

/** The rows of each value of the field column, in order of first appearance; undefined past MAX_FIELDS values. */
async function fieldGroups(
  fileName: string,
  column: string,
  rowCount: number,
  groups: number[],
  read: (column: string, start: number, end: number) => Promise<unknown[][]>,
  signal?: AbortSignal,
): Promise<Map<string, number[]> | undefined> {
  const byValue = new Map<string, number[]>();
  let start = 0;
  for (const n of groups) {
    throwIfAborted(signal);
    const rows = await read(column, start, start + n);
    if (rows.length !== n) throw damaged(fileName, `column ${column} has ${rows.length} rows in a row group of ${n}`);
    for (let i = 0; i < n; i++) {
      const value = rows[i][0];
      const key = value === null || value === undefined ? '(none)' : String(value).slice(0, 100);
      let list = byValue.get(key);
      if (!list) {
        if (byValue.size >= MAX_FIELDS) return undefined;
        byValue.set(key, (list = []));
      }
      list.push(start + i);
    }
    start += n;
  }
  return start === rowCount ? byValue : undefined;
}

async function columnTensor(
  src: ByteSource,
  c: Column,
  rowCount: number,
  groups: number[],
  read: (column: string, start: number, end: number) => Promise<unknown[][]>,
): Promise<Tensor> {
  const where = `${c.name} in ${src.name}`;
  const rows = c.rows?.length ?? rowCount;
  const first = c.rows ? c.rows[0] : 0;
  // The first vector gives the width; every other row is checked against it as it is read.
  let dim = 0;
  if (rows > 0) {
    const sample = (await read(c.column, first, first + 1))[0]?.[0];
    dim = Array.isArray(sample) ? sample.length : 0;
  }
  const tensor = classifyTensor(c.name, [rows, dim], { dtype: dtypeOf(c.dtype) }, where);
  if ('problem' in tensor) return unreadableTensor(tensor.info, tensor.problem);
  const tooWide = groups.find((n) => n * dim > MAX_ROW_GROUP_VALUES);
  if (tooWide !== undefined) {
    const reason = `has a row group of ${tooWide} rows x ${dim} values, more than RecLens decodes at once (${MAX_ROW_GROUP_VALUES}): write it with smaller row groups (row_group_size=100_000)`;
    const info: TensorInfo = { ...tensor.info, analysable: false, reason };
    return unreadableTensor(info, new ImportError('too-large', `${where} ${reason}`, FIX));
  }
  return { info: tensor.info, read: (opts) => readColumn(src, c, dim, groups, read, opts) };
}

async function* readColumn(
  src: ByteSource,
  c: Column,
  dim: number,
  groups: number[],
  read: (column: string, start: number, end: number) => Promise<unknown[][]>,
  opts: ReadOptions,
): AsyncGenerator<RowBlock> {
  const float64 = c.dtype !== 'float32';
  const fileName = src.name;
  const fileSize = src.size;
  const totalRows = groups.reduce((a, b) => a + b, 0);
  const step = blockRowCount(opts.chunkRows, dim);
  let pending: number[] = [];
  let done = 0;
  let bytesDone = 0;
  const block = (rows: number[]): RowBlock => {
    const data = float64 ? Float64Array.from(rows) : Float32Array.from(rows);
    const n = rows.length / dim;
    const out = { data, rows: n, dim, startRow: done, bytesDone };
    done += n;
    return out;
  };
  let start = 0;
  let next = 0; // index into c.rows of the next row of this field
  for (const n of groups) {
    throwIfAborted(opts.signal);
    const end = start + n;
    const wanted = c.rows;
    if (wanted && (next >= wanted.length || wanted[next] >= end)) {
      start = end;
      continue;
    }
    const rows = await read(c.column, start, end);
    if (rows.length !== n) throw damaged(fileName, `column ${c.column} has ${rows.length} rows in a row group of ${n}`);
    bytesDone = Math.round((fileSize * end) / Math.max(1, totalRows));
    const take = (i: number) => {
      const vector = rows[i - start][0];
      if (!Array.isArray(vector) || vector.length !== dim) {
        const what = Array.isArray(vector) ? `${vector.length} values` : 'no vector';
        throw new ImportError('ragged-row', `${c.name} in ${fileName}: row ${i + 1} has ${what}, but the first row has ${dim}`, FIX);
      }
      for (const v of vector) {
        if (typeof v === 'number') pending.push(v);
        else if (typeof v === 'bigint') pending.push(Number(v));
        else
          throw new ImportError(
            'non-numeric',
            `${c.name} in ${fileName}: row ${i + 1} holds a missing (null) value`,
            'Fill or drop rows with missing values before saving',
          );
      }
    };
    if (wanted) for (; next < wanted.length && wanted[next] < end; next++) take(wanted[next]);
    else for (let i = start; i < end; i++) take(i);
    let at = 0;
    for (; pending.length - at >= step * dim; at += step * dim) {
      yield block(pending.slice(at, at + step * dim));
      throwIfAborted(opts.signal);
    }
    pending = pending.slice(at);
    start = end;
  }
  if (pending.length > 0) yield block(pending);
}
