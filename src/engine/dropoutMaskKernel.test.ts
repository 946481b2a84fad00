/** The wasm dropout-mask kernel against the JS loop over createRng(seed).next() it replaces: the same bits. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../test/support/testBackend.ts';
import { createRng } from '../data/ctr/prng.ts';
import { dropoutMask } from './dropoutMaskKernel.ts';

afterAll(() => selectBackend('cpu'));

/** The mask as layers.ts drew it in JS before the kernel. */
function jsMask(size: number, seed: number, rate: number): Float32Array {
  const rng = createRng(seed);
  const keep = 1 / (1 - rate);
  return Float32Array.from({ length: size }, () => (rng.next() < rate ? 0 : keep));
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.slice().buffer));

describe('dropoutMask', () => {
  const cases: [number[], number, number][] = [
    [[1024, 400], 123456789, 0.2],
    [[7, 3], 0, 0.5],
    [[1, 5], 2 ** 31 - 1, 0.9],
    [[13], 4242, 1e-6],
    [[2, 2], 99, 0.999],
    [[3], 7, 0.3],
    // A threshold of 2^32: every value dropped.
    [[9], 5, 1 - 2 ** -40],
  ];
  for (const backend of ['wasm', 'cpu'] as const) {
    it.each(cases)(`on ${backend}, shape %j, seed %i, rate %f: the JS loop's bits`, async (shape, seed, rate) => {
      await selectBackend(backend);
      const m = dropoutMask(shape, seed, rate);
      expect(m.shape).toEqual(shape);
      expect(bits(m.dataSync() as Float32Array)).toEqual(bits(jsMask(m.size, seed, rate)));
      m.dispose();
    });
  }

  it('drops about `rate` of the values, and another seed gives another mask (the check can fail)', async () => {
    await selectBackend('wasm');
    const [a, b] = [dropoutMask([1024, 400], 1, 0.2), dropoutMask([1024, 400], 2, 0.2)];
    const [va, vb] = [a.dataSync() as Float32Array, b.dataSync() as Float32Array];
    const dropped = va.reduce((n, v) => n + (v === 0 ? 1 : 0), 0) / va.length;
    expect(dropped).toBeGreaterThan(0.19);
    expect(dropped).toBeLessThan(0.21);
    expect(va.every((v) => v === 0 || v === 1.25)).toBe(true);
    expect(bits(va)).not.toEqual(bits(vb));
    tf.dispose([a, b]);
  });

  it('runs as the SIMD kernel on wasm (not the JS loop)', async () => {
    await selectBackend('wasm');
    const info = await tf.profile(() => dropoutMask([64, 8], 3, 0.2));
    expect(info.kernels.map((k) => k.name)).toEqual(['ReclensDropoutMask']);
    tf.dispose(info.result);
  });

  it('refuses a rate outside (0, 1)', () => {
    expect(() => dropoutMask([2], 1, 1)).toThrow(RangeError);
    expect(() => dropoutMask([2], 1, 0)).toThrow(RangeError);
  });
});
