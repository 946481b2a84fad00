import { ImportError } from '../data/importError.ts';

/**
 * The widest table analysed unless the user raises the limit. The exact spectrum is a K x K
 * float64 eigen-solve, O(K^3): about 0.2 s at K = 512, 1.2 s at 1024 and 9 s at 2048 on a 2-core
 * laptop (bench:eigen), and the Gram itself is 8 K^2 bytes. Real embedding tables are 8..1024
 * wide; a table wider than this is usually a transposed export (dim x rows).
 */
export const DEFAULT_MAX_DIM = 1024;
/** The most the limit can be raised to: a 4096 x 4096 float64 Gram is 128 MB, and its solve takes over a minute here. */
export const MAX_DIM_CEILING = 4096;

/** Refuses a table wider than maxDim before anything is read or allocated; names the table, the limit and how to raise it. */
export function checkDimension(name: string, rows: number, dim: number, maxDim = DEFAULT_MAX_DIM): void {
  if (dim <= maxDim) return;
  const transposed = rows >= 0 && rows < dim ? ` It has fewer rows (${rows}) than columns: is it transposed?` : '';
  const raise =
    maxDim < MAX_DIM_CEILING ? ` To analyse it anyway, raise the dimension limit (up to ${MAX_DIM_CEILING}; the exact spectrum grows as dim³).` : '';
  throw new ImportError(
    'too-large',
    `"${name}" is ${dim} columns wide, above the dimension limit of ${maxDim}.${transposed}`,
    `Export the table as rows x dim (one embedding per row).${raise}`,
  );
}

/** A user-given limit, checked: a whole number from 1 to MAX_DIM_CEILING. */
export function parseMaxDim(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_DIM_CEILING) {
    throw new ImportError(
      'bad-field-dims',
      `The dimension limit must be a whole number from 1 to ${MAX_DIM_CEILING}, got "${text}".`,
      `Give a limit such as ${DEFAULT_MAX_DIM}.`,
    );
  }
  return value;
}
