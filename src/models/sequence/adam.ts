/**
 * Adam as torch.optim.Adam (weight decay as its L2 term: weightDecay * x added to the gradient; 0 by default) over explicit gradients, with its state in plain
 * arrays: the sequence trainer hands it gradients it has combined itself (the observed copies of a
 * coupled table get the summed gradient) and checkpoints it synchronously. `lr` is one rate for every
 * variable or one per variable (a per-table learning rate).
 *
 * Each variable's update is one fused kernel on cpu and wasm (engine/adamKernel.ts in torch's order:
 * the tensor ops' float32 operations in their order, bit for bit), where the tensor ops were ~12 kernel launches per
 * variable, each costing more than its arithmetic for the small ones and writing a tensor of the
 * item table's size for the large.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM } from '../optimizer.ts';
import { adamUpdate, installAdamKernel } from '../../engine/adamKernel.ts';

export interface AdamState {
  steps: number;
  m: Float32Array[];
  v: Float32Array[];
}

export class ExplicitAdam {
  private t = 0;
  /** Each variable's learning rate (one lr for all by default; per-table lrs are an option). */
  private readonly lrs: number[];
  /** Each variable's first and second moments. */
  private m: tf.Tensor[];
  private v: tf.Tensor[];

  constructor(
    private readonly variables: tf.Variable[],
    lr: number | readonly number[],
    private readonly weightDecay = 0,
  ) {
    this.lrs = typeof lr === 'number' ? variables.map(() => lr) : [...lr];
    if (this.lrs.length !== variables.length) throw new RangeError(`${this.lrs.length} learning rates for ${variables.length} variables`);
    for (const x of this.lrs) if (!(x > 0)) throw new RangeError(`lr must be positive, got ${x}`);
    if (!(weightDecay >= 0)) throw new RangeError(`weightDecay must be >= 0, got ${weightDecay}`);
    this.m = variables.map((x) => tf.keep(tf.zerosLike(x)));
    this.v = variables.map((x) => tf.keep(tf.zerosLike(x)));
    installAdamKernel();
  }

  get steps(): number {
    return this.t;
  }

  /** One update; grads[i] belongs to variables[i]. */
  apply(grads: tf.Tensor[]): void {
    if (grads.length !== this.variables.length) throw new RangeError(`${grads.length} gradients for ${this.variables.length} variables`);
    this.t++;
    const c1 = 1 - ADAM.beta1 ** this.t;
    const c2 = 1 - ADAM.beta2 ** this.t;
    this.variables.forEach((x, i) => {
      const [x2, m2, v2] = adamUpdate(x, grads[i], this.m[i], this.v[i], {
        order: 'torch',
        weightDecay: this.weightDecay,
        beta1: ADAM.beta1,
        oneMinusBeta1: 1 - ADAM.beta1,
        beta2: ADAM.beta2,
        oneMinusBeta2: 1 - ADAM.beta2,
        sqrtC2: Math.sqrt(c2),
        epsilon: ADAM.epsilon,
        stepSize: this.lrs[i] / c1,
      });
      x.assign(x2);
      tf.dispose([this.m[i], this.v[i], x2]);
      this.m[i] = tf.keep(m2);
      this.v[i] = tf.keep(v2);
    });
  }

  exportState(): AdamState {
    return { steps: this.t, m: this.m.map((x) => Float32Array.from(x.dataSync())), v: this.v.map((x) => Float32Array.from(x.dataSync())) };
  }

  importState(s: AdamState): void {
    if (s.m.length !== this.variables.length || s.v.length !== this.variables.length)
      throw new RangeError(`the saved optimizer has ${s.m.length} variables, the model ${this.variables.length}`);
    s.m.forEach((x, i) => {
      const size = this.variables[i].size;
      if (x.length !== size || s.v[i].length !== size) throw new RangeError(`optimizer moment ${i} has ${x.length} values, the model ${size}`);
    });
    tf.dispose([...this.m, ...this.v]);
    this.m = s.m.map((x, i) => tf.keep(tf.tensor(x, this.variables[i].shape)));
    this.v = s.v.map((x, i) => tf.keep(tf.tensor(x, this.variables[i].shape)));
    this.t = s.steps;
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
