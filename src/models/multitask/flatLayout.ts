/** Several variables seen as one flat tensor (the multi-task optimiser's state and updates). */
import * as tf from '@tensorflow/tfjs';

/**
 * Variables laid end to end: one flat [total] tensor stands for all of them, so the optimiser's
 * element-wise maths runs once per step over every variable instead of once per variable. The
 * maths is element-wise, so each element sees exactly the same float32 operations as before
 * (bench:mtl: MMoE's 17 shared variables took ~600 kernel launches per step one by one).
 */
export class FlatLayout {
  readonly offsets: number[] = [];
  readonly total: number;

  constructor(readonly variables: readonly tf.Variable[]) {
    let total = 0;
    for (const v of variables) {
      this.offsets.push(total);
      total += v.size;
    }
    this.total = total;
  }

  /** The tensors (one per variable, in order, each of its variable's size) as one flat tensor. */
  flatten(tensors: readonly tf.Tensor[]): tf.Tensor1D {
    // A reshape is a kernel launch even where the shape stays (every bias is 1-D already).
    const flat = tensors.map((t) => (t.rank === 1 ? t : t.reshape([-1])));
    return (flat.length === 1 ? flat[0] : tf.concat(flat, 0)) as tf.Tensor1D;
  }

  /** Variable i's part of a flat tensor, in its shape. */
  part(flat: tf.Tensor, i: number): tf.Tensor {
    const v = this.variables[i];
    const part = this.variables.length === 1 ? flat : tf.slice(flat, this.offsets[i], v.size);
    return v.rank === 1 ? part : part.reshape(v.shape);
  }

  /** Variable i's part of a flat array. */
  partOf<A extends Float32Array | Float64Array>(flat: A, i: number): A {
    return flat.subarray(this.offsets[i], this.offsets[i] + this.variables[i].size) as A;
  }
}
