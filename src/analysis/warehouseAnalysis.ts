import { ImportError } from '../data/importError.ts';
import type { WarehouseResult } from '../data/formats/warehouseResult.ts';
import type { PartialGram } from '../contracts/partialGram.ts';
import type { AnalysisResult, SpectrumMode } from '../contracts/tables.ts';
import { checkDimension } from './dimensionLimit.ts';
import { analyzePartialGram } from './partialGram.ts';

/**
 * A warehouse result (docs/warehouse.md) as the partial Gram of its whole table: per field, the rows,
 * excluded rows, Gram and column sums the warehouse summed, and the row-normalised Gram when the SQL
 * computed it. Without it the 'recscope' sums are zero and must not be analysed (analyzeWarehouseResult
 * refuses that recipe).
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
 * The analysis of a warehouse result: each field's Gram, as the warehouse summed it, through the same
 * code as a partial Gram file (analyzePartialGram): 'recscope' takes the normalised Gram, 'raw' the
 * Gram, 'centered' the Gram minus s s^T / n.
 */
export function analyzeWarehouseResult(result: WarehouseResult, mode: SpectrumMode, maxDim?: number): AnalysisResult {
  checkDimension(result.source, -1, result.dim, maxDim);
  if (mode === 'recscope' && !result.normalised) {
    throw new ImportError(
      'no-tensor-selected',
      `${result.source} has no row-normalised Gram, which the RecScope recipe needs: the SQL was generated without --normalised.`,
      'Generate the SQL again with --normalised (the panel\'s "row-normalised Gram" box), or analyse it with --mode raw or centered.',
    );
  }
  const empty = result.fields.find((f) => f.rows === 0);
  if (empty) {
    throw new ImportError(
      'no-finite-rows',
      `Field "${empty.name}" has no usable rows: all ${empty.excludedRows} were NULL or empty arrays, or held NULL, NaN or Inf.`,
      'Check those embeddings in the warehouse, or filter the field out of the table the SQL reads.',
    );
  }
  return analyzePartialGram(warehousePartialGram(result), mode);
}
