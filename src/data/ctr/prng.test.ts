import { describe, expect, it } from 'vitest';
import { createRng, permutation } from './prng.ts';

describe('createRng', () => {
  it('repeats its stream for a seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('draws uniforms in [0, 1) and standard normals with the right moments', () => {
    const rng = createRng(1);
    let sum = 0;
    let sumSq = 0;
    let lo = 1;
    let hi = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(lo).toBeLessThan(1e-3);
    expect(hi).toBeLessThan(1);
    expect(hi).toBeGreaterThan(1 - 1e-3);
    expect(Math.abs(sum / n)).toBeLessThan(0.02);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.02);
  });

  it('permutes 0..n-1', () => {
    const p = permutation(100, createRng(3));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...p]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe('rng state', () => {
  it('continues the same sequence from a saved state, normals included', () => {
    const a = createRng(42);
    a.next();
    a.normal(); // leaves a spare normal
    const saved = a.getState();
    const ahead = [a.normal(), a.next(), a.normal()];
    const b = createRng(1);
    b.setState(saved);
    expect([b.normal(), b.next(), b.normal()]).toEqual(ahead);
  });
});
