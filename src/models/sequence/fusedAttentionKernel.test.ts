/**
 * fusedAttention.ts on the WebAssembly SIMD kernel (attentionKernelWasm.ts) against its JS loops,
 * which run where SIMD is missing (Node always has it, so they are forced here): the same bits.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { SequencePooling } from '../../contracts/sequence.ts';
import { createRng } from '../../data/ctr/prng.ts';
import { selectBackend } from '../../../test/support/testBackend.ts';
import type * as Kernel from './attentionKernelWasm.ts';
import { fusedAttentionFeatures, type AttentionIds, type AttentionTables } from './fusedAttention.ts';

const kernel = vi.hoisted(() => ({ off: false, layouts: 0 }));
vi.mock('./attentionKernelWasm.ts', async (actual) => {
  const real = await actual<typeof Kernel>();
  return {
    wasmAttentionKernel: () => {
      const k = kernel.off ? null : real.wasmAttentionKernel();
      if (!k) return null;
      return {
        ...k,
        layout: (...args: Parameters<Kernel.AttentionKernel['layout']>) => {
          kernel.layouts++;
          return k.layout(...args);
        },
      };
    },
  };
});

interface Problem {
  tables: AttentionTables;
  ids: AttentionIds;
  L: number;
}

/** rows x L left-padded histories (row 0 all padding), tables of widths a, d; `shared`: one item and one category table for both roles. */
function problem(seed: number, rows: number, L: number, k: number | null, a: number, d: number, shared: boolean): Problem {
  const rng = createRng(seed);
  const int = (n: number) => Math.floor(rng.next() * n);
  const [items, categories] = [40, 6];
  const histItems = new Int32Array(rows * L);
  const histCategories = new Int32Array(rows * L);
  for (let r = 1; r < rows; r++)
    for (let j = int(L); j < L; j++) {
      histItems[r * L + j] = 1 + int(items - 1);
      histCategories[r * L + j] = 1 + int(categories - 1);
    }
  const picked = k === null ? null : Int32Array.from({ length: rows * k }, () => int(L));
  const table = (n: number, w: number) =>
    tf.tensor2d(
      Float32Array.from({ length: n * w }, () => 2 * (rng.next() - 0.5)),
      [n, w],
    );
  const itemRepresentation = table(items, d);
  const categoryRepresentation = table(categories, d);
  return {
    L,
    tables: {
      itemAttention: shared ? itemRepresentation : table(items, a),
      categoryAttention: shared ? categoryRepresentation : table(categories, a),
      position: table(L + 1, a),
      itemRepresentation,
      categoryRepresentation,
    },
    ids: {
      targetItems: Int32Array.from({ length: rows }, () => 1 + int(items - 1)),
      targetCategories: Int32Array.from({ length: rows }, () => 1 + int(categories - 1)),
      histItems,
      histCategories,
      picked,
      columns: k ?? L,
    },
  };
}

/** Features and every table's gradient of sum(features * weights). */
function run(p: Problem, pooling: SequencePooling, off: boolean) {
  kernel.off = off;
  const inputs = [...new Set(Object.values(p.tables) as tf.Tensor[])];
  return tf.tidy(() => {
    const form = { historyLength: p.L, tin: false, pooling };
    const features = fusedAttentionFeatures(p.tables, p.ids, form);
    const w = tf.tensor(
      Float32Array.from({ length: features.size }, (_, i) => Math.sin(i)),
      features.shape,
    );
    const grads = tf.grads((...xs: tf.Tensor[]) => {
      const byInput = new Map(inputs.map((x, i) => [x, xs[i]]));
      const t = Object.fromEntries(Object.entries(p.tables).map(([name, x]) => [name, byInput.get(x as tf.Tensor)!])) as unknown as AttentionTables;
      return tf.sum(tf.mul(fusedAttentionFeatures(t, p.ids, form), w));
    })(inputs);
    return { features: Array.from(features.dataSync()), grads: grads.map((g) => Array.from(g.dataSync())) };
  });
}

afterAll(() => selectBackend('cpu'));

describe.each(['cpu', 'wasm'] as const)('fusedAttentionFeatures on the kernel, %s', (backend) => {
  const cases = [
    ['DARE-like (a 8, d 16), top-5 of 12', 8, 16, 5, false],
    ['TWIN-like (one table per field, 16 wide), top-5 of 12', 16, 16, 5, true],
    ['DIN-like (a 4 = d), every column', 4, 4, null, true],
  ] as const;
  it.each(cases)("%s: the JS loops' features and gradients, bit for bit", async (_, a, d, k, shared) => {
    await selectBackend(backend);
    const before = tf.memory().numTensors;
    for (const pooling of ['softmax', 'sum'] as const) {
      const p = problem(3, 9, 12, k, a, d, shared);
      const js = run(p, pooling, true);
      kernel.layouts = 0;
      const wasm = run(p, pooling, false);
      expect(kernel.layouts).toBeGreaterThan(0);
      expect(wasm.features).toEqual(js.features);
      expect(wasm.grads).toEqual(js.grads);
      // Every table gets a gradient (equal zeros would pass the comparison above).
      for (const g of wasm.grads) expect(Math.max(...g.map(Math.abs))).toBeGreaterThan(1e-3);
      tf.dispose([...new Set(Object.values(p.tables) as tf.Tensor[])]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects ids outside the tables in the kept columns (and only there)', async () => {
    await selectBackend(backend);
    kernel.off = false;
    const p = problem(7, 4, 10, 3, 8, 8, false);
    const form = { historyLength: 10, tin: false, pooling: 'softmax' as const };
    const [r, col] = [2, p.ids.picked![2 * 3 + 1]];
    const other = [...Array(10).keys()].find((c) => !p.ids.picked!.subarray(2 * 3, 3 * 3).includes(c))!;
    const features = (ids: AttentionIds) => tf.tidy(() => fusedAttentionFeatures(p.tables, ids, form).shape);
    const withItem = (c: number, id: number) => ({ ...p.ids, histItems: p.ids.histItems.map((x, i) => (i === r * 10 + c ? id : x)) });
    const withCategory = (c: number, id: number) => ({ ...p.ids, histCategories: p.ids.histCategories.map((x, i) => (i === r * 10 + c ? id : x)) });
    expect(() => features(withItem(col, 40))).toThrow(/item id 40/);
    expect(() => features(withCategory(col, -1))).toThrow(/category id -1/);
    expect(features(withItem(other, 40))).toEqual([4, 48]);
    expect(() => features({ ...p.ids, targetItems: Int32Array.of(1, 2, 3, 99) })).toThrow(/item id 99/);
    tf.dispose([...new Set(Object.values(p.tables) as tf.Tensor[])]);
  });

  it('lays out again in the backward pass when another forward pass took the memory', async () => {
    await selectBackend(backend);
    const p = problem(5, 6, 10, 4, 8, 8, false);
    const q = problem(6, 7, 10, 3, 8, 8, false);
    const js = run(p, 'softmax', true);
    kernel.off = false;
    const inputs = [...new Set(Object.values(p.tables) as tf.Tensor[])];
    const form = { historyLength: 10, tin: false, pooling: 'softmax' as const };
    const grads = tf.tidy(() => {
      const gs = tf.grads((...xs: tf.Tensor[]) => {
        const [itemAttention, categoryAttention, position, itemRepresentation, categoryRepresentation] = xs;
        const f = fusedAttentionFeatures({ itemAttention, categoryAttention, position, itemRepresentation, categoryRepresentation }, p.ids, form);
        // Another batch through the kernel between this forward pass and its backward pass.
        fusedAttentionFeatures(q.tables, q.ids, form);
        const w = tf.tensor(
          Float32Array.from({ length: f.size }, (_, i) => Math.sin(i)),
          f.shape,
        );
        return tf.sum(tf.mul(f, w));
      })(inputs);
      return gs.map((g) => Array.from(g.dataSync()));
    });
    expect(grads).toEqual(js.grads);
    tf.dispose([...Object.values(p.tables), ...Object.values(q.tables)]);
  });
});
