import type { TableNotes, TensorInfo } from '../contracts/tables.ts';
import { concatenationHint, optimizerStateNote, type CheckpointLayout } from '../data/checkpointLayout.ts';
import type { FieldSizes } from '../data/fieldDims.ts';
import { ImportError } from '../data/importError.ts';

const FIX = 'Type the row count of each field in order, separated by commas (e.g. "2,7,24"), or load a JSON file like {"field_dims": [2, 7, 24]}.';

/** Parses the field_dims text box ("2, 7, 24" or "2 7 24"); empty text means "no split". */
export function parseFieldDimsText(text: string): number[] | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const parts = trimmed
    .replace(/^\[|\]$/g, '')
    .split(/[\s,;]+/)
    .filter((p) => p !== '');
  return validate(
    parts.map((p) => (/^\d+$/.test(p) ? Number(p) : Number.NaN)),
    parts,
  );
}

/** Reads a field_dims sidecar: a JSON array, or an object with a "field_dims" array. */
export function parseFieldDimsJSON(json: string): number[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ImportError('bad-field-dims', 'The field_dims file is not valid JSON.', FIX);
  }
  const dims = Array.isArray(value) ? value : (value as { field_dims?: unknown } | null)?.field_dims;
  if (!Array.isArray(dims)) {
    throw new ImportError('bad-field-dims', 'The field_dims file has no "field_dims" array.', FIX);
  }
  return validate(
    dims.map((d) => (typeof d === 'number' ? d : Number.NaN)),
    dims.map(String),
  );
}

function validate(dims: number[], raw: string[]): number[] {
  const bad = dims.findIndex((d) => !Number.isInteger(d) || d <= 0);
  if (bad >= 0) {
    throw new ImportError('bad-field-dims', `field_dims entry ${bad + 1} ("${raw[bad]}") is not a positive whole number.`, FIX);
  }
  if (dims.length === 0) throw new ImportError('bad-field-dims', 'field_dims is empty.', FIX);
  return dims;
}

/** Text for the box after a sidecar was loaded. */
export function formatFieldDims(dims: number[]): string {
  return dims.join(', ');
}

/** Where loaded field sizes came from, said on the dialog and the card. */
export function fieldSizesSource(fileName: string, from: FieldSizes['from']): string {
  const how = { list: 'a list', json: 'a JSON list', feature_map: 'FuxiCTR feature map', log: 'the list a training log printed' }[from];
  return `${fileName} (${how})`;
}

export { chosenSetLabels } from '../data/checkpointLayout.ts';

/** What the card must say about the file: optimizer state, a table analysed whole that the model says concatenates fields, where the sizes came from. */
export function tableNotes(
  layout: CheckpointLayout,
  tensors: readonly TensorInfo[],
  chosen: readonly string[],
  fieldDims: number[] | undefined,
  sizesFrom: string | undefined,
): TableNotes | undefined {
  const notes: TableNotes = {};
  if (layout.optimizerState || chosen.every((name) => layout.roles.get(name) === 'optimizer')) notes.optimizerState = optimizerStateNote(tensors);
  const e = layout.fieldCount;
  if (!fieldDims && e) {
    const fit = chosen.map((name) => tensors.find((t) => t.name === name)).find((t) => t && t.shape[1] === e.dim && t.shape[0] >= e.fields);
    if (fit) notes.concatenated = { ...e, text: concatenationHint(e, fit.shape[0]) };
  }
  if (sizesFrom) notes.fieldSizesFrom = sizesFrom;
  return Object.keys(notes).length > 0 ? notes : undefined;
}
