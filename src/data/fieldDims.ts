import { describeValue } from './describeValue.ts';
import { ImportError } from './importError.ts';

const PARSE_FIX =
  'Give the row count of each field in order, e.g. "2,7,24", "2 7 24", [2,7,24] or {"field_dims": [2,7,24]}, FuxiCTR\'s feature_map.json, or a training log that prints the list';

function bad(message: string): ImportError {
  return new ImportError('bad-field-dims', message, PARSE_FIX);
}

function checkDim(value: unknown, token: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw bad(`field_dims entry "${token}" is not a positive whole number`);
  }
  return value;
}

/** Field sizes as read, with field names when the source has them (FuxiCTR's feature_map.json). */
export interface FieldSizes {
  dims: number[];
  names?: string[];
  /** Where they were found: a plain list, a JSON file, FuxiCTR's feature_map.json or a numpy list printed in a log. */
  from: 'list' | 'json' | 'feature_map' | 'log';
}

/** A training log can be long; the sizes are read from at most this much of it. */
export const MAX_FIELD_SIZES_TEXT = 16 * 1024 * 1024;
const MAX_FIELDS = 100_000;

/**
 * Field sizes from where practitioners keep them: "2,7,24", "2 7 24", a JSON array [2,7,24], a JSON
 * object {"field_dims": [...]}, FuxiCTR's feature_map.json (categorical features' vocab_size, in
 * order), or a training log holding numpy's print of the list ("[   3   24  120 ...]", possibly
 * wrapped over lines; the longest such list is taken). Throws ImportError('bad-field-dims') naming the
 * bad token.
 */
export function readFieldSizes(text: string): FieldSizes {
  if (text.length > MAX_FIELD_SIZES_TEXT) throw bad(`the field sizes text is ${text.length} characters long, above the ${MAX_FIELD_SIZES_TEXT} read`);
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return fromJson(trimmed);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      if (trimmed.startsWith('{')) throw bad(`the field_dims file is not valid JSON: ${error.message}`);
      // Not strict JSON (a Python list with a trailing comma, numpy's print): read its tokens.
    }
  }
  const tokens = listTokens(trimmed.replace(/^[[(]|[\])]$/g, ''));
  if (tokens.length === 0) throw bad('field_dims is empty');
  if (tokens.every((t) => /^\d+$/.test(t))) return { dims: checked(tokens), from: 'list' };
  const printed = longestPrintedList(trimmed);
  if (printed) return { dims: checked(printed), from: 'log' };
  return { dims: checked(tokens), from: 'list' };
}

/** Field sizes as a plain list (see readFieldSizes). */
export function parseFieldDims(text: string): number[] {
  return readFieldSizes(text).dims;
}

function listTokens(text: string): string[] {
  return text.split(/[\s,;]+/).filter((t) => t !== '');
}

function checked(tokens: string[]): number[] {
  if (tokens.length > MAX_FIELDS) throw bad(`field_dims lists ${tokens.length} fields, above the ${MAX_FIELDS} allowed`);
  return tokens.map((t) => checkDim(/^\d+$/.test(t) ? Number(t) : Number.NaN, t));
}

/** The longest bracketed list of whole numbers in a log: numpy's `[   3   24  120]` or Python's `[3, 24, 120]`. */
function longestPrintedList(text: string): string[] | undefined {
  let best: string[] | undefined;
  for (const match of text.matchAll(/\[([\d\s,]*\d[\d\s,]*)\]/g)) {
    const tokens = listTokens(match[1]);
    if (!best || tokens.length > best.length) best = tokens;
  }
  return best;
}

function fromJson(text: string): FieldSizes {
  const value: unknown = JSON.parse(text);
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as { features?: unknown }).features)) {
    return fromFeatureMap((value as { features: unknown[] }).features);
  }
  const dims = Array.isArray(value) ? value : (value as { field_dims?: unknown } | null)?.field_dims;
  if (!Array.isArray(dims)) throw bad('the field_dims file has no "field_dims" array (nor a FuxiCTR "features" list)');
  if (dims.length === 0) throw bad('field_dims is empty');
  if (dims.length > MAX_FIELDS) throw bad(`field_dims lists ${dims.length} fields, above the ${MAX_FIELDS} allowed`);
  return { dims: dims.map((d) => checkDim(d, describeValue(d))), from: 'json' };
}

/**
 * FuxiCTR's feature_map.json: "features" is a list of {name: spec}. A categorical or sequence feature
 * with its own table has rows = vocab_size; numeric features (a linear map, no rows) and features
 * sharing another's table are skipped.
 */
function fromFeatureMap(features: unknown[]): FieldSizes {
  if (features.length > MAX_FIELDS) throw bad(`feature_map.json lists ${features.length} features, above the ${MAX_FIELDS} allowed`);
  const dims: number[] = [];
  const names: string[] = [];
  features.forEach((entry, i) => {
    const pairs = entry !== null && typeof entry === 'object' ? Object.entries(entry as Record<string, unknown>) : [];
    if (pairs.length !== 1) throw bad(`feature_map.json features[${i}] is not {"name": {...}}`);
    const [name, spec] = pairs[0] as [string, { vocab_size?: unknown; share_embedding?: unknown; type?: unknown } | null];
    if (spec === null || typeof spec !== 'object') throw bad(`feature_map.json feature "${name}" has no spec object`);
    if (spec.vocab_size === undefined || spec.share_embedding !== undefined) return;
    dims.push(checkDim(spec.vocab_size, `${name}.vocab_size = ${describeValue(spec.vocab_size)}`));
    names.push(name);
  });
  if (dims.length === 0) throw bad('feature_map.json has no feature with its own vocab_size (numeric features have no embedding rows)');
  return { dims, names, from: 'feature_map' };
}

/** The fields must partition the table's rows exactly. */
export function checkFieldDims(fieldDims: number[], rows: number): void {
  const sum = fieldDims.reduce((a, b) => a + b, 0);
  if (sum !== rows) {
    throw new ImportError(
      'field-dims-mismatch',
      `field_dims sum to ${sum} but the table has ${rows} rows`,
      'Use the field sizes the table was built with: they must add up to its row count',
    );
  }
}
