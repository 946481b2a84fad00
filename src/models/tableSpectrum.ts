import * as tf from '@tensorflow/tfjs';
import type { FieldResult } from '../contracts/tables.ts';
import { fieldOffsets, type CtrField } from '../data/ctr/ctrDataset.ts';
import { addGram, chunkRows, gramFieldResult, normalisedGram } from './rowGram.ts';

/**
 * The RecScope spectrum of every field of a live concatenated table (fieldOffsets layout): each
 * field's Gram of row-normalised rows is a backend matmul (float32, chunked), read back
 * asynchronously and summed in float64; the K x K eigenproblem is solved in float64. All rows of
 * a field count, also those no training example has touched yet.
 */
export async function tableSpectrum(table: tf.Tensor2D, fields: CtrField[]): Promise<FieldResult[]> {
  const dim = table.shape[1];
  const offsets = fieldOffsets(fields);
  const step = chunkRows(dim);
  const results: FieldResult[] = [];
  for (let f = 0; f < fields.length; f++) {
    const gram = new Float64Array(dim * dim);
    const rows = fields[f].cardinality;
    for (let start = 0; start < rows; start += step) {
      const n = Math.min(step, rows - start);
      await addGram(
        gram,
        tf.tidy(() => normalisedGram(tf.slice(table, [offsets[f] + start, 0], [n, dim]))),
      );
    }
    results.push(gramFieldResult(fields[f].name, gram, dim, rows));
  }
  return results;
}
