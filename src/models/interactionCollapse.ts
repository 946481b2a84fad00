import * as tf from '@tensorflow/tfjs';
import type { InteractionCollapse } from '../analysis/interactionCollapse.ts';
import { informationAbundance, singularValuesFromGram } from '../analysis/spectrum.ts';
import { fieldOffsets, type CtrField } from '../data/ctr/ctrDataset.ts';
import { addGram, chunkRows, normalisedGram } from './rowGram.ts';

export type { InteractionCollapse };

/**
 * The DCNv2 interaction-collapse matrix (SCIENCE.md section 1). For field i all F projections
 * come from one matmul E_i W0[:, i-block]^T (N_i x F*K), whose j-th K-column block is field i as
 * seen by field j; batched backend Grams of the row-normalised blocks are summed in float64 and
 * their spectra solved in float64. An uploaded checkpoint's matrix is the same recipe without tfjs
 * (analysis/interactionCollapse.ts); interactionCollapse.test.ts holds both to numpy's numbers.
 */
export async function interactionCollapse(table: tf.Tensor2D, w0: tf.Tensor2D, fields: CtrField[]): Promise<InteractionCollapse> {
  const f = fields.length;
  const k = table.shape[1];
  if (w0.shape[0] !== f * k || w0.shape[1] !== f * k) {
    throw new RangeError(`W0 is [${w0.shape}], expected [${f * k}, ${f * k}] for ${f} fields of dim ${k}`);
  }
  const offsets = fieldOffsets(fields);
  const step = chunkRows((f + 1) * k);
  const ia: number[][] = [];
  const rawIa: number[] = [];
  for (let i = 0; i < f; i++) {
    const rows = fields[i].cardinality;
    const projected = new Float64Array(f * k * k);
    const own = new Float64Array(k * k);
    for (let start = 0; start < rows; start += step) {
      const n = Math.min(step, rows - start);
      const [pg, og] = tf.tidy(() => {
        const e = tf.slice(table, [offsets[i] + start, 0], [n, k]);
        const wi = tf.slice(w0, [0, i * k], [f * k, k]);
        const p = tf.transpose(tf.matMul(e, wi, false, true).reshape([n, f, k]), [1, 0, 2]);
        return [normalisedGram(p), normalisedGram(e)];
      });
      await Promise.all([addGram(projected, pg), addGram(own, og)]);
    }
    ia.push(Array.from({ length: f }, (_, j) => informationAbundance(singularValuesFromGram(projected.subarray(j * k * k, (j + 1) * k * k), k, rows))));
    rawIa.push(informationAbundance(singularValuesFromGram(own, k, rows)));
  }
  return { fields: fields.map((x) => x.name), ia, rawIa };
}
