/**
 * Reads back the result of RecLens's warehouse SQL (src/analysis/warehouseSql.ts, docs/warehouse.md):
 * long form (field, stat, i, j, value) as CSV / TSV with a header (DuckDB COPY, spark-sql, bq, trino
 * --output-format CSV_HEADER), a headerless 5-column CSV in that order (Spark's default writer), JSON
 * lines (BigQuery and Spark exports, DuckDB's COPY ... (FORMAT JSON)) or one JSON array of objects.
 * Numbers may be JSON strings (BigQuery writes INT64 so). Every field must hold all of its K x K
 * upper triangle once, its K column sums and its row count; the values must be finite and consistent
 * (Gram diagonal >= 0, |g_ij| <= sqrt(g_ii g_jj), |s_i| <= sqrt(n g_ii), trace of the normalised
 * Gram <= n), so a damaged or hand-edited file is refused with the line at fault, never analysed.
 */
import { eventLoopPacer } from '../abort.ts';
import type { ByteSource } from '../byteSource.ts';
import { CsvRecordReader, sniffDelimiter } from '../csv.ts';
import { ImportError } from '../importError.ts';
import type { TableFile } from '../tableFile.ts';
import type { PartialGram } from '../../contracts/partialGram.ts';
import { partialGramTable } from './partialGramJson.ts';
import { textLines } from './textLines.ts';

/** The largest result file read: K = 1024 with the normalised Gram is ~1.05 M rows (~60 MB of CSV) per field. */
export const MAX_WAREHOUSE_BYTES = 256 * 2 ** 20;
/** The most fields one result may hold. */
export const MAX_WAREHOUSE_FIELDS = 10_000;
/** The widest K read (the analysis's own ceiling; the analysis applies its lower default limit after). */
export const MAX_WAREHOUSE_DIM = 4096;
/** A JSON array result is parsed whole, so it is held to less. */
const MAX_JSON_ARRAY_BYTES = 64 * 2 ** 20;
/** Relative slack of the consistency checks: sums of ~1e9 rows in DOUBLE round at ~1e-7 relative at worst. */
const SLACK = 1e-6;

const COLUMNS = ['field', 'stat', 'i', 'j', 'value'] as const;
const STATS = ['rows', 'excluded', 'wrong_length', 'sum', 'gram', 'ngram'] as const;
type Stat = (typeof STATS)[number];
const FIX =
  "Run the SQL reclens generated (reclens sql, or the studio's Warehouse panel) and save its whole result with its header (field,stat,i,j,value) as CSV, or as JSON.";

/** One field's sums, as the warehouse computed them. */
export interface WarehouseField {
  name: string;
  /** Rows summed. */
  rows: number;
  /** Rows left out: a NULL or empty array, or a NULL, NaN or Inf element. */
  excludedRows: number;
  /** K column sums. */
  colSum: Float64Array;
  /** K x K, row-major, symmetric: sum of e_i e_j over the rows. */
  gram: Float64Array;
  /** The same over the rows normalised to e / (||e|| + 1e-8), when the SQL computed it. */
  normalisedGram?: Float64Array;
}

export interface WarehouseResult {
  source: string;
  dim: number;
  /** True when every field has its normalised Gram (the SQL was generated with --normalised). */
  normalised: boolean;
  fields: WarehouseField[];
}

interface Entry {
  stat: Stat;
  i: number;
  j: number;
  value: number;
  line: number;
}

/** One field's entries as read, checked for duplicates as they come. */
class FieldEntries {
  readonly counts = new Map<string, { value: number; line: number }>();
  readonly cells = new Map<string, Map<number, number>>();
  maxIndex = 0;
  constructor(readonly name: string) {}
}

/**
 * True when a file's first bytes read as a warehouse result: a CSV / TSV header naming field, stat,
 * i, j and value, a headerless 5-cell line with a known stat second, or JSON objects with "field" and "stat".
 */
export function looksLikeWarehouseResult(head: Uint8Array): boolean {
  const text = new TextDecoder('utf-8')
    .decode(head)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (text.startsWith('{') || text.startsWith('[')) return /"field"\s*:/.test(text) && /"stat"\s*:/.test(text);
  const line = text.split('\n', 1)[0].replace(/\r$/, '');
  const cells = line.split(sniffDelimiter(line)).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const names = cells.map((c) => c.toLowerCase());
  return COLUMNS.every((c) => names.includes(c)) || (cells.length === 5 && (STATS as readonly string[]).includes(cells[1]));
}

export async function readWarehouseResult(src: ByteSource, signal?: AbortSignal): Promise<WarehouseResult> {
  if (src.size === 0) throw new ImportError('empty', `${src.name} is empty.`, FIX);
  if (src.size > MAX_WAREHOUSE_BYTES) {
    throw new ImportError(
      'too-large',
      `${src.name} is ${Math.round(src.size / 2 ** 20)} MB, above the ${MAX_WAREHOUSE_BYTES / 2 ** 20} MB a warehouse result may be (it holds K x K numbers per field).`,
      'Check that this is the result of the Gram SQL, not the table itself; or split the fields over several queries.',
    );
  }
  const fields = new Map<string, FieldEntries>();
  const pace = eventLoopPacer(signal);
  let step = 0;
  const add = async (entry: Entry, field: string) => {
    let f = fields.get(field);
    if (!f) {
      if (fields.size >= MAX_WAREHOUSE_FIELDS) fail(src.name, entry.line, `more than ${MAX_WAREHOUSE_FIELDS} fields`);
      fields.set(field, (f = new FieldEntries(field)));
    }
    addEntry(src.name, f, entry);
    await pace(++step);
  };
  const first = (await src.read(0, 4096)).find((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0xef && b !== 0xbb && b !== 0xbf);
  if (first === 0x5b /* [ */) await readJsonArray(src, add);
  else if (first === 0x7b /* { */) await readJsonLines(src, add, signal);
  else await readCsv(src, add, signal);
  if (fields.size === 0) throw new ImportError('empty', `${src.name} holds no rows of a warehouse result.`, FIX);
  return assemble(src.name, [...fields.values()]);
}

/**
 * A warehouse result as the partial Gram of its whole table: per field, the rows, excluded rows, Gram
 * and column sums the warehouse summed, and the row-normalised Gram when the SQL computed it. Without
 * it the 'recscope' sums are zero and must not be analysed (analyzeWarehouseResult refuses that recipe).
 */
export function warehousePartialGram(result: WarehouseResult): PartialGram {
  const k = result.dim;
  return {
    sources: [result.source],
    tensors: [],
    fields: result.fields.map((f) => ({
      name: f.name,
      dim: k,
      rows: f.rows,
      excluded_rows: f.excludedRows,
      raw: { scale_exp: 0, gram: f.gram, peak: 0, col_sum: f.colSum },
      recscope: { scale_exp: 0, gram: f.normalisedGram ?? new Float64Array(k * k), peak: 0 },
    })),
  };
}

/**
 * A warehouse result opened as a table (the studio's drop, the import dialog): one "tensor" per field,
 * analysed from its sums as a partial-Gram file is. The studio's recipes include RecScope's, so the
 * result must hold the normalised Gram; \`reclens analyze\` reads one without it for --mode raw / centered.
 */
export async function openWarehouseResult(src: ByteSource, signal?: AbortSignal): Promise<TableFile> {
  const result = await readWarehouseResult(src, signal);
  if (!result.normalised) {
    throw new ImportError(
      'unsupported-format',
      `${src.name} is a warehouse result without the row-normalised Gram, which the studio's default (RecScope) recipe needs.`,
      'Generate the SQL again with "row-normalised Gram" ticked (reclens sql --normalised), or analyse this one with reclens analyze --mode raw or centered.',
    );
  }
  const empty = result.fields.find((f) => f.rows === 0);
  if (empty) throw noRows(empty);
  return partialGramTable(warehousePartialGram(result), src);
}

/** A field whose every row the SQL left out. */
export function noRows(f: WarehouseField): ImportError {
  return new ImportError(
    'no-finite-rows',
    `Field "${f.name}" has no usable rows: all ${f.excludedRows} were NULL or empty arrays, or held NULL, NaN or Inf.`,
    'Check those embeddings in the warehouse, or filter the field out of the table the SQL reads.',
  );
}

function fail(name: string, line: number, what: string): never {
  throw new ImportError('bad-header', `${name}${line > 0 ? ` line ${line}` : ''}: ${what}.`, FIX);
}

async function readCsv(src: ByteSource, add: (e: Entry, field: string) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let reader: CsvRecordReader | undefined;
  let order: number[] | undefined;
  for await (const batch of textLines(src, undefined, signal)) {
    for (let n = 0; n < batch.lines.length; n++) {
      const lineNumber = batch.firstLine + n;
      let line = batch.lines[n];
      if (lineNumber === 1) line = line.replace(/^\uFEFF/, '');
      if (!reader) {
        if (line.trim() === '') continue;
        reader = new CsvRecordReader(sniffDelimiter(line), src.name);
      }
      if (!reader.pending && line.trim() === '') continue;
      // Every engine ends its CSV with a line end: a last line without one may be a value cut short.
      if (batch.lastLineUnterminated && n === batch.lines.length - 1) {
        fail(src.name, lineNumber, 'the last line has no line end, so the file may be cut short (a value cut short reads as another number)');
      }
      const cells = reader.push(line, lineNumber);
      if (!cells) continue;
      const at = reader.recordLine;
      if (!order) {
        const names = cells.map((c) => c.trim().toLowerCase());
        if (COLUMNS.every((c) => names.includes(c))) {
          order = COLUMNS.map((c) => names.indexOf(c));
          continue;
        }
        // Spark's CSV writer leaves the header out unless asked: five cells, a known stat second.
        if (cells.length === 5 && (STATS as readonly string[]).includes(cells[1].trim())) order = [0, 1, 2, 3, 4];
        else fail(src.name, at, `the header names columns ${shown(cells.join(','))}, not ${COLUMNS.join(', ')}`);
      }
      if (cells.length < order.length || order.some((c) => c >= cells.length)) fail(src.name, at, `${cells.length} cells, fewer than the header's columns`);
      const [field, stat, i, j, value] = order.map((c) => cells[c]);
      await add(entry(src.name, at, stat.trim(), i, j, value), field);
    }
  }
  reader?.end();
}

async function readJsonLines(src: ByteSource, add: (e: Entry, field: string) => Promise<void>, signal?: AbortSignal): Promise<void> {
  for await (const batch of textLines(src, undefined, signal)) {
    for (let n = 0; n < batch.lines.length; n++) {
      const line = batch.lines[n].trim();
      if (line === '') continue;
      const lineNumber = batch.firstLine + n;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        fail(src.name, lineNumber, `not a JSON object${batch.lastLineUnterminated && n === batch.lines.length - 1 ? ' (the file may be cut short)' : ''}`);
      }
      await addRecord(src.name, lineNumber, record, add);
    }
  }
}

async function readJsonArray(src: ByteSource, add: (e: Entry, field: string) => Promise<void>): Promise<void> {
  if (src.size > MAX_JSON_ARRAY_BYTES) {
    throw new ImportError(
      'too-large',
      `${src.name} is one JSON array of ${Math.round(src.size / 2 ** 20)} MB, above the ${MAX_JSON_ARRAY_BYTES / 2 ** 20} MB read whole.`,
      'Save the result as CSV or JSON lines (one object per line), which are read in slices.',
    );
  }
  const text = new TextDecoder('utf-8').decode(await src.read(0, src.size));
  let records: unknown;
  try {
    records = JSON.parse(text);
  } catch (e) {
    fail(src.name, 0, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!Array.isArray(records)) fail(src.name, 0, 'the JSON is not an array of objects');
  for (let n = 0; n < records.length; n++) await addRecord(src.name, n + 1, records[n], add);
}

async function addRecord(name: string, line: number, record: unknown, add: (e: Entry, field: string) => Promise<void>): Promise<void> {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) fail(name, line, 'not a JSON object');
  const r = record as Record<string, unknown>;
  const missing = COLUMNS.filter((c) => !(c in r));
  if (missing.length > 0) fail(name, line, `the object has no ${missing.join(', ')}`);
  const text = (v: unknown, what: string) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    if (v === null && what === 'field') return '(null)';
    return fail(name, line, `${what} is ${JSON.stringify(v)?.slice(0, 40)}, not a string or number`);
  };
  await add(entry(name, line, text(r.stat, 'stat'), text(r.i, 'i'), text(r.j, 'j'), text(r.value, 'value')), text(r.field, 'field'));
}

function entry(name: string, line: number, stat: string, i: string, j: string, value: string): Entry {
  if (!(STATS as readonly string[]).includes(stat)) fail(name, line, `unknown stat ${shown(stat)} (expected ${STATS.join(', ')})`);
  const index = (text: string, what: string) => {
    const v = Number(text.trim());
    if (text.trim() === '' || !Number.isInteger(v) || v < 0 || v > MAX_WAREHOUSE_DIM) {
      fail(name, line, `${what} is ${shown(text)}, not a whole number from 0 to ${MAX_WAREHOUSE_DIM}`);
    }
    return v;
  };
  const v = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(v)) fail(name, line, `the value ${shown(value)} is not a finite number`);
  return { stat: stat as Stat, i: index(i, 'i'), j: index(j, 'j'), value: v, line };
}

function addEntry(name: string, f: FieldEntries, e: Entry): void {
  const where = `field ${shown(f.name)}, ${e.stat} (${e.i}, ${e.j})`;
  if (e.stat === 'rows' || e.stat === 'excluded' || e.stat === 'wrong_length') {
    if (e.i !== 0 || e.j !== 0) fail(name, e.line, `${where}: a count has i = j = 0`);
    if (!Number.isInteger(e.value) || e.value < 0) fail(name, e.line, `${where}: a row count must be a whole number >= 0, got ${e.value}`);
    if (f.counts.has(e.stat)) fail(name, e.line, `${where} appears twice (first on line ${f.counts.get(e.stat)!.line})`);
    f.counts.set(e.stat, { value: e.value, line: e.line });
    return;
  }
  if (e.i < 1) fail(name, e.line, `${where}: i starts at 1`);
  if (e.stat === 'sum' && e.j !== 0) fail(name, e.line, `${where}: a column sum has j = 0`);
  if (e.stat !== 'sum' && e.j < e.i) fail(name, e.line, `${where}: only the upper triangle (j >= i) is expected`);
  let cells = f.cells.get(e.stat);
  if (!cells) f.cells.set(e.stat, (cells = new Map()));
  const key = e.i * (MAX_WAREHOUSE_DIM + 1) + e.j;
  if (cells.has(key)) fail(name, e.line, `${where} appears twice`);
  cells.set(key, e.value);
  f.maxIndex = Math.max(f.maxIndex, e.i, e.j);
}

function assemble(name: string, entries: FieldEntries[]): WarehouseResult {
  const dim = Math.max(...entries.map((f) => f.maxIndex));
  const normalised = entries.some((f) => f.cells.has('ngram'));
  const fields = entries.map((f) => assembleField(name, f, dim, normalised));
  if (dim === 0) {
    // No row had the SQL's length and finite values: nothing was summed.
    throw new ImportError('no-finite-rows', `${name}: no field has a row that could be summed (every array was NULL, empty or held NaN / Inf).`, FIX);
  }
  return { source: name, dim, normalised, fields };
}

function assembleField(name: string, f: FieldEntries, k: number, normalised: boolean): WarehouseField {
  const count = (stat: Stat) => f.counts.get(stat)?.value ?? 0;
  const rows = count('rows');
  const wrong = count('wrong_length');
  if (wrong > 0) {
    throw new ImportError(
      'shape-mismatch',
      `${name}: field ${shown(f.name)} has ${wrong} rows whose array is not ${k > 0 ? `${k} long (K = ${k})` : "as long as the SQL's K"}; the SQL left them out, so this is not the whole field.`,
      'Generate the SQL again with the --dim of the table, or filter those rows out in the warehouse first.',
    );
  }
  const field: WarehouseField = {
    name: f.name,
    rows,
    excludedRows: count('excluded'),
    colSum: new Float64Array(k),
    gram: new Float64Array(k * k),
  };
  if (rows === 0) {
    if (f.cells.size > 0) fail(name, 0, `field ${shown(f.name)} has sums but no "rows" count`);
    if (normalised) field.normalisedGram = new Float64Array(k * k);
    return field;
  }
  const sums = f.cells.get('sum');
  for (let i = 1; i <= k; i++) {
    const v = sums?.get(i * (MAX_WAREHOUSE_DIM + 1));
    if (v === undefined) fail(name, 0, `field ${shown(f.name)} has no column sum for i = ${i} of K = ${k} (is the file cut short?)`);
    field.colSum[i - 1] = v;
  }
  field.gram = symmetric(name, f, 'gram', k);
  if (normalised) field.normalisedGram = symmetric(name, f, 'ngram', k);
  checkConsistent(name, field, k);
  return field;
}

function symmetric(name: string, f: FieldEntries, stat: 'gram' | 'ngram', k: number): Float64Array {
  const cells = f.cells.get(stat);
  const g = new Float64Array(k * k);
  for (let i = 1; i <= k; i++) {
    for (let j = i; j <= k; j++) {
      const v = cells?.get(i * (MAX_WAREHOUSE_DIM + 1) + j);
      if (v === undefined) {
        const hint = stat === 'ngram' && !cells ? ' (other fields have the normalised Gram: is the file cut short?)' : ' (is the file cut short?)';
        fail(name, 0, `field ${shown(f.name)} has no ${stat} entry (${i}, ${j}) of K = ${k}${hint}`);
      }
      g[(i - 1) * k + (j - 1)] = v;
      g[(j - 1) * k + (i - 1)] = v;
    }
  }
  return g;
}

/** Cauchy-Schwarz on every pair, the sums against the diagonal, and the normalised rows' norms. */
function checkConsistent(name: string, f: WarehouseField, k: number): void {
  const bad = (what: string) =>
    new ImportError(
      'bad-header',
      `${name}: field ${shown(f.name)}: ${what}, which no table of ${f.rows} rows can give.`,
      `The result was changed or damaged on the way. ${FIX}`,
    );
  for (const [stat, g] of [['gram', f.gram] as const, ['ngram', f.normalisedGram] as const]) {
    if (!g) continue;
    let trace = 0;
    for (let i = 0; i < k; i++) {
      const gii = g[i * k + i];
      if (gii < 0) throw bad(`${stat} (${i + 1}, ${i + 1}) = ${gii} is negative`);
      trace += gii;
      for (let j = i + 1; j < k; j++) {
        const bound = Math.sqrt(gii * g[j * k + j]);
        if (Math.abs(g[i * k + j]) > bound * (1 + SLACK) + Number.MIN_VALUE)
          throw bad(`|${stat} (${i + 1}, ${j + 1})| = ${Math.abs(g[i * k + j])} exceeds sqrt of its diagonal entries' product (${bound})`);
      }
    }
    if (stat === 'ngram' && trace > f.rows * (1 + SLACK))
      throw bad(`the normalised Gram's trace is ${trace}, above the row count (each normalised row has norm <= 1)`);
  }
  for (let i = 0; i < k; i++) {
    const bound = Math.sqrt(f.rows * f.gram[i * k + i]);
    if (Math.abs(f.colSum[i]) > bound * (1 + SLACK) + Number.MIN_VALUE)
      throw bad(`|sum (${i + 1})| = ${Math.abs(f.colSum[i])} exceeds sqrt(rows x gram (${i + 1}, ${i + 1})) = ${bound}`);
  }
}

function shown(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
