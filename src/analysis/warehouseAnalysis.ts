import { ImportError } from '../data/importError.ts';
import { noRows, warehousePartialGram, type WarehouseResult } from '../data/formats/warehouseResult.ts';
import type { AnalysisResult, SpectrumMode } from '../contracts/tables.ts';
import { checkDimension } from './dimensionLimit.ts';
import { analyzePartialGram } from './partialGram.ts';

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
  if (empty) throw noRows(empty);
  return analyzePartialGram(warehousePartialGram(result), mode);
}
