import { describeValue } from './describeValue.ts';
import { ImportError } from './importError.ts';

const PARSE_FIX = 'Give the row count of each field in order, e.g. "2,7,24", "2 7 24", [2,7,24] or {"field_dims": [2,7,24]}';

function bad(message: string): ImportError {
  return new ImportError('bad-field-dims', message, PARSE_FIX);
}

function checkDim(value: unknown, token: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw bad(`field_dims entry "${token}" is not a positive whole number`);
  }
  return value;
}

/**
 * Field sizes from a text box or a sidecar file: "2,7,24", "2 7 24", a JSON array [2,7,24] or a
 * JSON object {"field_dims": [...]}. Throws ImportError('bad-field-dims') naming the bad token.
 */
export function parseFieldDims(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return fromJson(trimmed);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      if (trimmed.startsWith('{')) throw bad(`the field_dims file is not valid JSON: ${error.message}`);
      // Not strict JSON (a Python list with a trailing comma): read its tokens.
    }
  }
  const tokens = trimmed
    .replace(/^[[(]|[\])]$/g, '')
    .split(/[\s,;]+/)
    .filter((t) => t !== '');
  if (tokens.length === 0) throw bad('field_dims is empty');
  return tokens.map((t) => checkDim(/^\d+$/.test(t) ? Number(t) : Number.NaN, t));
}

function fromJson(text: string): number[] {
  const value: unknown = JSON.parse(text);
  const dims = Array.isArray(value) ? value : (value as { field_dims?: unknown } | null)?.field_dims;
  if (!Array.isArray(dims)) throw bad('the field_dims file has no "field_dims" array');
  if (dims.length === 0) throw bad('field_dims is empty');
  return dims.map((d) => checkDim(d, describeValue(d)));
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
