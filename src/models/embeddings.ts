/** The per-set embedding tables and the first-order (linear) term shared by the models. */
import * as tf from '@tensorflow/tfjs';
import { fieldOffsets, type CtrField } from '../data/ctr/ctrDataset.ts';
import { ADD_FIELD_OFFSETS, fieldOffsetsKernelReady } from '../engine/fieldOffsetsKernel.ts';
import { LINEAR_TERM, LINEAR_TERM_GRAD, linearTermKernelsReady } from '../engine/linearTermKernel.ts';
import { embeddingLookup } from './embeddingLookup.ts';
import type { Params } from './params.ts';

export interface EmbeddingSets {
  /** One concatenated table per set (rows = sum of cardinalities), xavier-uniform. */
  tables: tf.Variable[];
  /** Field embeddings of every set for local indices (batch x F): each batch x F x K. */
  lookup(indices: tf.Tensor2D): tf.Tensor3D[];
  /** The same for rows already made global (globalRows), for a model that needs those too. */
  lookupRows(globalRows: tf.Tensor2D): tf.Tensor3D[];
  /** Local indices (batch x F) to rows of the concatenated table (batch x F). */
  globalRows(indices: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

export function totalRows(fields: CtrField[]): number {
  return fields.reduce((n, f) => n + f.cardinality, 0);
}

export function createEmbeddingSets(p: Params, fields: CtrField[], dim: number, sets: number): EmbeddingSets {
  const rows = totalRows(fields);
  const tables: tf.Variable[] = [];
  for (let s = 0; s < sets; s++) tables.push(p.xavier([rows, dim], rows, dim));
  // Shape [F], not [1, F]: wasm broadcasts an int32 add of a 2-D [1, F] through a slow generic
  // loop (10 ms vs 0.8 ms for 1024 x 26).
  const offsets = tf.tensor1d(fieldOffsets(fields), 'int32');
  const globalRows = (indices: tf.Tensor2D): tf.Tensor2D =>
    fieldOffsetsKernelReady(indices, offsets) ? (tf.engine().runKernel(ADD_FIELD_OFFSETS, { indices, offsets }) as tf.Tensor2D) : tf.add(indices, offsets);
  const lookupRows = (g: tf.Tensor2D) => tables.map((t) => embeddingLookup(t, g) as tf.Tensor3D);
  return {
    tables,
    globalRows,
    lookup: (indices) => lookupRows(globalRows(indices)),
    lookupRows,
    dispose: () => offsets.dispose(),
  };
}

/** sum_f w[row_f] + b: pytorch-fm's FeaturesLinear, one weight per vocabulary row. */
export function linearTerm(p: Params, rows: number): (globalRows: tf.Tensor2D) => tf.Tensor1D {
  const w = p.constant([rows, 1], 0);
  const b = p.constant([1], 0);
  return (g) => tf.add(linearTermKernelsReady(w, g) ? fieldWeightSum(w, g, rows) : tf.sum(embeddingLookup(w, g), [1, 2]), b) as tf.Tensor1D;
}

/** sum_f w[g[b, f]] and its gradient as the wasm kernels (engine/linearTermKernel.ts); the rows are closed over and saved. */
function fieldWeightSum(w: tf.Tensor, g: tf.Tensor2D, tableRows: number): tf.Tensor1D {
  const op = tf.customGrad((...inputs) => {
    (inputs[1] as tf.GradSaveFunc)([g]);
    return {
      value: tf.engine().runKernel(LINEAR_TERM, { w: inputs[0] as tf.Tensor, rows: g }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(LINEAR_TERM_GRAD, { dy, rows: saved[0] }, { tableRows }) as tf.Tensor,
    };
  });
  return op(w) as tf.Tensor1D;
}

/** Batch x F x K to batch x (F*K), fields major. */
export function flatten(e: tf.Tensor3D): tf.Tensor2D {
  return e.reshape([e.shape[0], e.shape[1] * e.shape[2]]);
}
