import { ImportError } from '../data/importError.ts';
import type { WarehouseField, WarehouseResult } from '../data/formats/warehouseResult.ts';
import type { AnalysisResult, SpectrumMode } from '../contracts/tables.ts';
import { checkDimension } from './dimensionLimit.ts';
import { GramAccumulator } from './gramAccumulator.ts';
import { fieldResult } from './spectrum.ts';

/**
 * The analysis of a warehouse result (docs/warehouse.md): each field's Gram, as the warehouse summed
 * it, goes through the same eigen-solve and spectrum code as a file streamed here. 'recscope' takes
 * the normalised Gram, 'raw' the Gram, 'centered' the Gram minus s s^T / n.
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
  const fields = result.fields.map((f) => {
    if (f.rows === 0) {
      throw new ImportError(
        'no-finite-rows',
        `Field "${f.name}" has no finite rows: all ${f.excludedRows} rows were NULL or held NULL, NaN or Inf.`,
        'Check the table in the warehouse: those embeddings are not usable.',
      );
    }
    return fieldResult(f.name, GramAccumulator.fromState(gramState(f, result.dim, mode)));
  });
  return { source: result.source, options: { mode }, fields };
}

/** One field's sums as the accumulator's state: what a streamed table of the same rows would have summed. */
function gramState(f: WarehouseField, dim: number, mode: SpectrumMode) {
  const g = mode === 'recscope' ? f.normalisedGram! : f.gram;
  return {
    dim,
    mode,
    rows: f.rows,
    excludedRows: f.excludedRows,
    upper: g.slice(),
    colSum: mode === 'centered' ? f.colSum.slice() : new Float64Array(dim),
    scaleExp: 0,
    peak: 0,
  };
}
