import { describe, expect, it } from 'vitest';
import { isPackedCheckpoint, packCheckpoint, unpackCheckpoint } from './checkpointPacking.ts';

/** Shaped like a trainer's checkpoint: counters (NaN, -0, undefined among them), PRNG states, nested typed arrays. */
function checkpoint(rows: number) {
  const table = Float32Array.from({ length: rows * 16 }, (_, i) => Math.sin(i) * 1e-3);
  return {
    version: 1,
    state: { step: 40, lastLoss: 0.4375, bestValidAuc: NaN, tilt: -0, note: undefined, done: false, name: 'deepfm' },
    shuffle: { state: 123456789, spare: NaN },
    order: Int32Array.from({ length: rows }, (_, i) => rows - i),
    variables: [table, new Float32Array([1.5, -2.25, Infinity])],
    best: null,
    optimizer: {
      iterations: 40,
      betaPowers: [0.9 ** 40, 0.999 ** 40] as [number, number],
      moments: [{ m: table.map((x) => x / 2), v: table.map((x) => x * x) }],
    },
    au: [{ steps: 3, perTask: [Float64Array.from([Math.PI, Math.E])] }],
    bytes: new Uint8Array([0, 255, 7]),
  };
}

describe('packed checkpoints', () => {
  it('come back equal after a structured clone (as the page and IndexedDB pass them), every array in a buffer of its own', async () => {
    const original = checkpoint(1000);
    const packed = packCheckpoint(original);
    expect(isPackedCheckpoint(packed)).toBe(true);
    const back = await unpackCheckpoint(structuredClone(packed));
    expect(back).toEqual(original);
    expect(Object.is(back.state.tilt, -0)).toBe(true);
    expect('note' in back.state).toBe(true);
    expect(back.variables[0]).toBeInstanceOf(Float32Array);
    expect(back.order).toBeInstanceOf(Int32Array);
    expect(back.au[0].perTask[0]).toBeInstanceOf(Float64Array);
    const buffers = [back.order, ...back.variables, back.optimizer.moments[0].m, back.optimizer.moments[0].v, back.au[0].perTask[0], back.bytes].map(
      (a) => a.buffer,
    );
    expect(new Set(buffers).size).toBe(buffers.length);
    for (const a of [back.order, back.variables[0], back.bytes]) expect(a.byteLength).toBe(a.buffer.byteLength);
  });

  it('keep the weights out of the cloned part: the layout stays small whatever the table size', () => {
    const packed = packCheckpoint(checkpoint(100_000));
    expect(packed.arrays.size).toBe(100_000 * 4 + 3 * 100_000 * 16 * 4 + 3 * 4 + 2 * 8 + 3);
    expect(JSON.stringify(packed.layout).length).toBeLessThan(2000);
  });

  it('copy arrays that view shared memory (the wasm heap) and arrays that view part of a buffer', async () => {
    const shared = new Float32Array(new SharedArrayBuffer(64));
    shared.set([1, 2, 3, 4], 4);
    const part = new Int32Array(new Int32Array([9, 8, 7, 6]).buffer, 4, 2);
    const back = await unpackCheckpoint(packCheckpoint({ shared: shared.subarray(4, 8), part }));
    expect(back.shared).toEqual(new Float32Array([1, 2, 3, 4]));
    expect(back.part).toEqual(new Int32Array([8, 7]));
  });

  it('pass a plain checkpoint (stored by an earlier build) through, and refuse data cut short', async () => {
    const plain = checkpoint(10);
    expect(isPackedCheckpoint(plain)).toBe(false);
    expect(await unpackCheckpoint(plain)).toBe(plain);
    const packed = packCheckpoint(plain);
    await expect(unpackCheckpoint({ ...packed, arrays: packed.arrays.slice(0, packed.arrays.size - 1) })).rejects.toThrow(
      /Uint8Array at byte \d+ lies outside its data/,
    );
  });

  it('refuse a damaged layout: a negative, fractional or missing offset or length', async () => {
    const packed = packCheckpoint({ w: new Float32Array([1, 2, 3]) });
    for (const mark of [{ offset: -4, length: 1 }, { offset: 'zz', length: 1 }, { offset: 0, length: 1.5 }, { offset: 0 }]) {
      const layout = { w: { $packedArray: 'Float32Array', ...mark } };
      await expect(unpackCheckpoint({ ...packed, layout } as typeof packed)).rejects.toThrow(/lies outside its data/);
    }
  });
});
