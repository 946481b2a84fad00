/**
 * The multi-task optimiser's step for one element (adaTask.ts's MultiTaskOptimizer: AdaTask, Adam
 * decomposed per task, AdaTask-RMSProp, AdaTask-AdaGrad, each with the AU of every task's update),
 * written once over a `Lane` so that the same float32 operations in the same order run as
 * WebAssembly SIMD (f32x4 over tfjs-backend-wasm's heap, one function per kind, task count and AU
 * flag) and as JS with Math.fround (cpu, and the last size % 4 values). Every operation is the one
 * a tensor op of MultiTaskOptimizer's composed path takes (IEEE add, sub, mul, div, sqrt; wasm has
 * no fused multiply-add; addN starts from +0), so the results are the same bits.
 */
import type { MultiTaskOptimizerKind } from '../contracts/multitaskConfig.ts';
import {
  F32,
  F32X4_ADD,
  F32X4_DIV,
  F32X4_MUL,
  F32X4_SPLAT,
  F32X4_SQRT,
  funcBody,
  get,
  I32,
  I32_ADD,
  i32Const,
  instantiateOverMemory,
  set,
  V128,
  V128_LOAD,
  V128_STORE,
  V128_ZERO,
  whileLess,
} from './wasmAssembler.ts';

/** One step's float32 scalars, as the composed tensor ops make them (see multiTaskConstants). */
export const STEP_CONSTANTS = [
  'beta1',
  'oneMinusBeta1',
  'beta2',
  'oneMinusBeta2',
  'decay',
  'oneMinusDecay',
  'scale',
  'divisor',
  'epsilon',
  'auBeta',
  'oneMinusAuBeta',
] as const;
export type StepConstants = Record<(typeof STEP_CONSTANTS)[number], number>;

/** The shape of one specialisation: the kind, the tasks (1 for task-specific parameters) and whether it tracks AU. */
export interface StepShape {
  kind: MultiTaskOptimizerKind;
  tasks: number;
  au: boolean;
}

/** First and second moments per parameter element of a kind with `tasks` tasks. */
export function momentCounts(kind: MultiTaskOptimizerKind, tasks: number): { first: number; second: number } {
  return { first: kind === 'adam' || kind === 'adatask' ? tasks : 0, second: kind === 'adam' ? 1 : tasks };
}

/**
 * The streams one element reads and writes, in the order the wasm functions take their addresses:
 * x, g[k], first[j], second[j], au[k], then x', first'[j], second'[j], au'[k].
 */
export function streamCounts(s: StepShape): { inputs: number; outputs: number } {
  const { first, second } = momentCounts(s.kind, s.tasks);
  const au = s.au ? s.tasks : 0;
  return { inputs: 1 + s.tasks + first + second + au, outputs: 1 + first + second + au };
}

/** float32 arithmetic on values of type V (a wasm expression or a JS number). */
export interface Lane<V> {
  add(a: V, b: V): V;
  mul(a: V, b: V): V;
  div(a: V, b: V): V;
  sqrt(a: V): V;
  zero: V;
  /** The value computed once, for several uses. */
  keep(a: V): V;
}

/** Per element: the values read, by stream (streamCounts' input order). */
export interface ElementIn<V> {
  x: V;
  g: V[];
  first: V[];
  second: V[];
  au: V[];
}

/** MultiTaskOptimizer's step and the AU update for one element, in its tensor ops' order. */
export function elementStep<V>(o: Lane<V>, s: StepShape, c: Record<keyof StepConstants, V>, e: ElementIn<V>): ElementIn<V> & { g: [] } {
  const g = e.g.map((x) => o.keep(x));
  const ema = (m: V, decay: V, oneMinus: V, x: V) => o.keep(o.add(o.mul(m, decay), o.mul(x, oneMinus)));
  const addN = (xs: V[]) => (xs.length === 1 ? xs[0] : xs.reduce((acc, x) => o.add(acc, x), o.zero));
  let first: V[] = [];
  let second: V[];
  let u: V[];
  if (s.kind === 'adam') {
    const gs = o.keep(addN(g));
    const v = ema(e.second[0], c.beta2, c.oneMinusBeta2, o.mul(gs, gs));
    // sqrt(v / c2) + eps
    const denominator = o.keep(o.add(o.sqrt(o.div(v, c.divisor)), c.epsilon));
    first = g.map((gk, k) => ema(e.first[k], c.beta1, c.oneMinusBeta1, gk));
    second = [v];
    u = first.map((m) => o.keep(o.div(o.mul(m, c.scale), denominator)));
  } else if (s.kind === 'adatask') {
    first = g.map((gk, k) => ema(e.first[k], c.beta1, c.oneMinusBeta1, gk));
    second = g.map((gk, k) => ema(e.second[k], c.beta2, c.oneMinusBeta2, o.mul(gk, gk)));
    // (m * -lr / c1) / (sqrt(v) / sqrt(c2) + eps)
    u = first.map((m, k) => o.keep(o.div(o.mul(m, c.scale), o.add(o.div(o.sqrt(second[k]), c.divisor), c.epsilon))));
  } else {
    second = g.map((gk, k) =>
      s.kind === 'adatask-rmsprop' ? ema(e.second[k], c.decay, c.oneMinusDecay, o.mul(gk, gk)) : o.keep(o.add(e.second[k], o.mul(gk, gk))),
    );
    // (g * -lr) / (sqrt(v) + eps)
    u = g.map((gk, k) => o.keep(o.div(o.mul(gk, c.scale), o.add(o.sqrt(second[k]), c.epsilon))));
  }
  const x = o.add(e.x, addN(u));
  const au = s.au ? u.map((uk, k) => o.add(o.mul(e.au[k], c.auBeta), o.mul(o.mul(uk, uk), c.oneMinusAuBeta))) : [];
  return { x, g: [], first, second, au };
}

const f = Math.fround;
/** Scalar float32 arithmetic (Math.fround after every operation). */
export const JS_LANE: Lane<number> = {
  add: (a, b) => f(a + b),
  mul: (a, b) => f(a * b),
  div: (a, b) => f(a / b),
  sqrt: (a) => f(Math.sqrt(a)),
  zero: 0,
  keep: (a) => a,
};

/** (bytes, ...addresses in streamCounts' order, ...STEP_CONSTANTS): a byte count (a multiple of 16). */
export type StepWasmFunction = (...args: number[]) => void;

/** The loop over 16-byte groups of every stream. */
function stepBody(s: StepShape): number[] {
  const { first, second } = momentCounts(s.kind, s.tasks);
  const counts = streamCounts(s);
  const streams = counts.inputs + counts.outputs;
  const BYTES = 0;
  const address = (j: number) => 1 + j;
  const CONST = 1 + streams;
  const I = CONST + STEP_CONSTANTS.length;
  const SPLATS = I + 1;
  let locals = 0;
  const code: number[] = [];
  const vlocal = () => SPLATS + STEP_CONSTANTS.length + locals++;
  const lane: Lane<number[]> = {
    add: (a, b) => [...a, ...b, ...F32X4_ADD],
    mul: (a, b) => [...a, ...b, ...F32X4_MUL],
    div: (a, b) => [...a, ...b, ...F32X4_DIV],
    sqrt: (a) => [...a, ...F32X4_SQRT],
    zero: V128_ZERO,
    keep: (a) => {
      const l = vlocal();
      code.push(...a, ...set(l));
      return get(l);
    },
  };
  const at = (j: number) => [...get(address(j)), ...get(I), ...I32_ADD];
  const load = (j: number) => [...at(j), ...V128_LOAD];
  let next = 0;
  const loads = (n: number) => Array.from({ length: n }, () => load(next++));
  const e: ElementIn<number[]> = { x: loads(1)[0], g: loads(s.tasks), first: loads(first), second: loads(second), au: loads(s.au ? s.tasks : 0) };
  const c = Object.fromEntries(STEP_CONSTANTS.map((name, k) => [name, get(SPLATS + k)])) as Record<keyof StepConstants, number[]>;
  const out = elementStep(lane, s, c, e);
  const stores = [out.x, ...out.first, ...out.second, ...out.au].flatMap((v, j) => [...at(counts.inputs + j), ...v, ...V128_STORE]);
  const step = [...code, ...stores, ...get(I), ...i32Const(16), ...I32_ADD, ...set(I)];
  const splats = STEP_CONSTANTS.flatMap((_, k) => [...get(CONST + k), ...F32X4_SPLAT, ...set(SPLATS + k)]);
  return funcBody(
    [
      [1, I32],
      [STEP_CONSTANTS.length + locals, V128],
    ],
    [...splats, ...whileLess(get(I), get(BYTES), step)],
  );
}

/** The step of one shape over `memory`, or null where WebAssembly SIMD is missing. */
export function multiTaskStepWasm(memory: WebAssembly.Memory, s: StepShape): StepWasmFunction | null {
  const { inputs, outputs } = streamCounts(s);
  const params = [...Array<number>(1 + inputs + outputs).fill(I32), ...Array<number>(STEP_CONSTANTS.length).fill(F32)];
  const exports = instantiateOverMemory(memory, [{ name: 'step', params, body: stepBody(s) }]);
  return exports ? exports.step : null;
}
