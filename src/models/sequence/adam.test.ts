import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../test/support/testBackend.ts';
import { ExplicitAdam } from './adam.ts';

beforeAll(() => selectBackend('cpu'));

describe('ExplicitAdam weight decay', () => {
  it('adds weightDecay * x to the gradient (torch.optim.Adam): a zero gradient still shrinks the weights by ~lr a step', () => {
    const x = tf.variable(tf.tensor1d([2, -3, 0.5]));
    const adam = new ExplicitAdam([x], 0.01, 0.1);
    adam.apply([tf.zeros([3])]);
    // First step: m / (sqrt(v) + eps) = sign(x) up to eps / |0.1 x| (<= 2e-7 here).
    const got = Array.from(x.dataSync());
    [1.99, -2.99, 0.49].forEach((want, i) => expect(got[i]).toBeCloseTo(want, 5));
    adam.dispose();
    x.dispose();
  });

  it('is off by default: the update equals one without the argument, bit for bit', () => {
    const run = (make: (v: tf.Variable) => ExplicitAdam) => {
      const x = tf.variable(tf.tensor1d([0.3, -0.7]));
      const adam = make(x);
      for (let s = 0; s < 3; s++) adam.apply([tf.tensor1d([0.2 * (s + 1), -0.1])]);
      const out = Array.from(x.dataSync());
      adam.dispose();
      x.dispose();
      return out;
    };
    expect(run((x) => new ExplicitAdam([x], 0.05, 0))).toEqual(run((x) => new ExplicitAdam([x], 0.05)));
    expect(run((x) => new ExplicitAdam([x], 0.05, 1e-2))).not.toEqual(run((x) => new ExplicitAdam([x], 0.05)));
  });

  it('rejects a negative weight decay', () => {
    const x = tf.variable(tf.zeros([1]));
    expect(() => new ExplicitAdam([x], 0.01, -1)).toThrow(/weightDecay/);
    x.dispose();
  });

  it('takes one lr per variable: each steps by its own lr, and an all-equal list matches the one lr bit for bit', () => {
    const run = (lr: number | number[]) => {
      const a = tf.variable(tf.tensor1d([0.3, -0.7]));
      const b = tf.variable(tf.tensor1d([1.5]));
      const adam = new ExplicitAdam([a, b], lr);
      adam.apply([tf.tensor1d([0.2, -0.1]), tf.tensor1d([0.4])]);
      const out = [Array.from(a.dataSync()), Array.from(b.dataSync())];
      adam.dispose();
      tf.dispose([a, b]);
      return out;
    };
    expect(run([0.05, 0.05])).toEqual(run(0.05));
    // First Adam step moves each weight by lr * sign(g) (up to eps / |g| <= 1e-7 here).
    const [a, b] = run([0.01, 0.1]);
    expect(a[0]).toBeCloseTo(0.29, 6);
    expect(a[1]).toBeCloseTo(-0.69, 6);
    expect(b[0]).toBeCloseTo(1.4, 6);
    const x = tf.variable(tf.zeros([1]));
    expect(() => new ExplicitAdam([x], [0.01, 0.01])).toThrow(/2 learning rates for 1 variables/);
    expect(() => new ExplicitAdam([x], [0])).toThrow(/lr must be positive/);
    x.dispose();
  });
});
