import * as tf from '@tensorflow/tfjs';
import { createRng, type Rng } from '../data/ctr/prng.ts';

/**
 * Creates a model's weights from one seeded PRNG (values drawn in JS, so a seed gives the same
 * model on every backend) and keeps the lists the model exposes and disposes.
 */
export class Params {
  readonly trainable: tf.Variable[] = [];
  /** Non-trainable state (BatchNorm running averages). */
  readonly state: tf.Variable[] = [];
  readonly rng: Rng;

  constructor(seed: number) {
    this.rng = createRng(seed);
  }

  /** U(-limit, limit). */
  uniform(shape: number[], limit: number): tf.Variable {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = (2 * this.rng.next() - 1) * limit;
    return this.add(tf.tensor(values, shape));
  }

  /** Glorot/Xavier uniform: limit sqrt(6 / (fanIn + fanOut)) (PyTorch xavier_uniform_). */
  xavier(shape: number[], fanIn: number, fanOut: number): tf.Variable {
    return this.uniform(shape, Math.sqrt(6 / (fanIn + fanOut)));
  }

  constant(shape: number[], value: number): tf.Variable {
    return this.add(tf.fill(shape, value));
  }

  /** A non-trainable variable holding `value`. */
  stateConstant(shape: number[], value: number): tf.Variable {
    const v = tf.tidy(() => tf.variable(tf.fill(shape, value), false));
    this.state.push(v);
    return v;
  }

  /** A fresh dropout seed (tf.dropout with a fixed seed would repeat its mask). */
  nextSeed(): number {
    return this.rng.int(2 ** 31);
  }

  count(): number {
    return this.trainable.reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    for (const v of [...this.trainable, ...this.state]) v.dispose();
  }

  private add(initial: tf.Tensor): tf.Variable {
    const v = tf.variable(initial, true);
    initial.dispose();
    this.trainable.push(v);
    return v;
  }
}
