import { ImportError } from './importError.ts';
import type { TableFile } from './tableFile.ts';

/** A 1-D tensor a model keeps its field sizes in: `field_dims` (the sizes) or `offsets` (each field's first row). */
export const SIZES_TENSOR_NAME = /(^|[./_])(field_dims|offsets)$/i;

const FIX = 'Give the field sizes yourself (a list, field_dims.json, feature_map.json or the training log)';

/**
 * Field sizes from a field_dims or offsets tensor's values, for a table of `rows` rows. Offsets
 * must start at 0 and rise; the sizes are their differences, the last field running to the end of
 * the table. Throws ImportError('bad-field-dims') when the values do not partition the rows.
 */
export function fieldSizesFromTensor(name: string, values: readonly number[], rows: number): number[] {
  const bad = (what: string) => new ImportError('bad-field-dims', `${name} ${what}, so it does not give this table's field sizes`, FIX);
  if (values.length < 1) throw bad('is empty');
  const isOffsets = /offsets$/i.test(name);
  const dims = isOffsets ? values.map((start, i) => (i + 1 < values.length ? values[i + 1] : rows) - start) : [...values];
  if (isOffsets && values[0] !== 0) throw bad(`starts at ${values[0]}, not 0`);
  const at = dims.findIndex((d) => !Number.isSafeInteger(d) || d <= 0);
  if (at >= 0)
    throw bad(
      isOffsets ? `does not rise at entry ${at + 1} (${values[at]} then ${values[at + 1] ?? rows})` : `has entry ${at + 1} = ${dims[at]}, not a positive size`,
    );
  const sum = dims.reduce((a, b) => a + b, 0);
  if (sum !== rows) throw bad(`sums to ${sum} rows but the table has ${rows}`);
  return dims;
}

/**
 * The field sizes a checkpoint keeps beside its table, when it has one field_dims / offsets tensor
 * whose values partition `rows`; undefined when there is none, the file cannot read it (damaged), or
 * its values are another table's (the caller then says how many fields the model's shapes suggest).
 */
export async function readFieldSizesTensor(file: TableFile, rows: number): Promise<{ dims: number[]; tensor: string } | undefined> {
  const candidates = file.tensors.filter((t) => t.shape.length === 1 && SIZES_TENSOR_NAME.test(t.name) && t.shape[0] >= 1 && t.shape[0] <= rows);
  for (const t of candidates) {
    try {
      const values = await file.readVector?.(t.name);
      if (values) return { dims: fieldSizesFromTensor(t.name, values, rows), tensor: t.name };
    } catch (error) {
      // A damaged or foreign list leaves the table to be analysed as it is, with the shapes' hint.
      if (!(error instanceof ImportError)) throw error;
    }
  }
  return undefined;
}
