/**
 * Adam as torch.optim.Adam (weight decay as its L2 term: weightDecay * x added to the gradient; 0 by default) over explicit gradients, with its state in plain
 * arrays: the sequence trainer hands it gradients it has combined itself (the observed copies of a
 * coupled table get the summed gradient) and checkpoints it synchronously. `lr` is one rate for every
 * variable or one per variable (a per-table learning rate).
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM } from '../optimizer.ts';

export interface AdamState {
  steps: number;
  m: Float32Array[];
  v: Float32Array[];
}

export class ExplicitAdam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;
  /** Each variable's learning rate (one lr for all by default; per-table lrs are an option). */
  private readonly lrs: number[];

  constructor(
    private readonly variables: tf.Variable[],
    lr: number | readonly number[],
    private readonly weightDecay = 0,
  ) {
    this.lrs = typeof lr === 'number' ? variables.map(() => lr) : [...lr];
    if (this.lrs.length !== variables.length) throw new RangeError(`${this.lrs.length} learning rates for ${variables.length} variables`);
    for (const x of this.lrs) if (!(x > 0)) throw new RangeError(`lr must be positive, got ${x}`);
    if (!(weightDecay >= 0)) throw new RangeError(`weightDecay must be >= 0, got ${weightDecay}`);
    this.m = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
    this.v = variables.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
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
    tf.tidy(() => {
      this.variables.forEach((x, i) => {
        const g = this.weightDecay > 0 ? tf.add(grads[i], tf.mul(x, this.weightDecay)) : grads[i];
        const m = tf.add(tf.mul(this.m[i], ADAM.beta1), tf.mul(g, 1 - ADAM.beta1));
        const v = tf.add(tf.mul(this.v[i], ADAM.beta2), tf.mul(tf.square(g), 1 - ADAM.beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(c2)), ADAM.epsilon);
        x.assign(tf.sub(x, tf.mul(tf.div(m, denom), this.lrs[i] / c1)));
      });
    });
  }

  exportState(): AdamState {
    return { steps: this.t, m: this.m.map((x) => Float32Array.from(x.dataSync())), v: this.v.map((x) => Float32Array.from(x.dataSync())) };
  }

  importState(s: AdamState): void {
    if (s.m.length !== this.m.length || s.v.length !== this.v.length)
      throw new RangeError(`the saved optimizer has ${s.m.length} variables, the model ${this.m.length}`);
    s.m.forEach((x, i) => {
      if (x.length !== this.m[i].size || s.v[i].length !== this.v[i].size)
        throw new RangeError(`optimizer moment ${i} has ${x.length} values, the model ${this.m[i].size}`);
    });
    tf.tidy(() => {
      this.m.forEach((x, i) => x.assign(tf.tensor(s.m[i], x.shape)));
      this.v.forEach((x, i) => x.assign(tf.tensor(s.v[i], x.shape)));
    });
    this.t = s.steps;
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
