/** A small seeded PRNG (mulberry32): fast, 32-bit state, deterministic across Node and browsers. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Where the sequence stands, to continue it later (training checkpoints). */
  getState(): RngState;
  setState(state: RngState): void;
}

export interface RngState {
  state: number;
  /** The kept second normal of a Box-Muller pair; NaN when none. */
  spare: number;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare = NaN;
  return {
    next,
    normal() {
      if (!Number.isNaN(spare)) {
        const z = spare;
        spare = NaN;
        return z;
      }
      const radius = Math.sqrt(-2 * Math.log(1 - next())); // 1 - u in (0, 1]: log stays finite
      const angle = 2 * Math.PI * next();
      spare = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
    int(n) {
      return Math.floor(next() * n);
    },
    getState: () => ({ state, spare }),
    setState(saved) {
      state = saved.state >>> 0;
      spare = saved.spare;
    },
  };
}

/** Fisher-Yates shuffle of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
