/**
 * The tfjs backend ladder: probe every backend this environment offers, time a fixed workload on
 * each (a matmul, then a chain of small kernels as a training step has), and activate the fastest. The active backend is always read back from tf.getBackend():
 * setBackend's promise can resolve while another backend stays active.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName, BackendReport, BackendState, TrainingProbe, TrainingRate } from '../contracts/backend.ts';
import { calibrateGram, type GramCalibration } from './backendGram.ts';
import { backendGramCandidate, chooseGramEngine } from './gramPolicy.ts';
import { median } from './stats.ts';

export const LADDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface ProbeOptions {
  candidates?: readonly BackendName[];
  /** Side of the square probe matmul. */
  size?: number;
  /** Timed runs after one warm-up (which compiles shaders). */
  repeats?: number;
  /** Longest wait for the warm-up matmul; a backend slower than this reports a lower bound. */
  warmupLimitMs?: number;
  /** Timed runs stop once they took this long in total. */
  budgetMs?: number;
}

const DEFAULTS: Required<Omit<ProbeOptions, 'candidates'>> = { size: 256, repeats: 5, warmupLimitMs: 1000, budgetMs: 300 };

/** Probe order: cheapest kernels first, so a GPU kernel still compiling cannot slow the others' timings. */
const PROBE_ORDER: readonly BackendName[] = ['wasm', 'cpu', 'webgl', 'webgpu'];

interface AdapterFacts {
  adapter?: string;
  isFallbackAdapter?: boolean;
  error?: string;
}

/** Adapter vendor/architecture and the fallback flag (on adapter.info in new Chromium, on the adapter in older). */
export async function webgpuAdapterFacts(): Promise<AdapterFacts> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { error: 'WebGPU is not exposed here (navigator.gpu is missing)' };
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return { error: 'navigator.gpu.requestAdapter() returned no adapter' };
  const info = (adapter as { info?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).info;
  const legacy = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const name = [info?.vendor, info?.architecture].filter(Boolean).join('/');
  return {
    adapter: name || info?.description || 'unknown adapter',
    isFallbackAdapter: Boolean(info?.isFallbackAdapter ?? legacy),
  };
}

function webglRenderer(): string | undefined {
  const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } };
  const gl = backend.gpgpu?.gl;
  if (!gl) return undefined;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

/** Switches tfjs to `name` and reports whether tf.getBackend() now says so. */
async function trySetBackend(name: BackendName): Promise<string | undefined> {
  try {
    await tf.setBackend(name);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  await tf.ready();
  const active = tf.getBackend();
  return active === name ? undefined : `setBackend('${name}') left '${active ?? 'none'}' active`;
}

export interface ProbeTiming {
  ms: number;
  /** The warm-up outlived warmupLimitMs: `ms` is only a lower bound. */
  timedOut: boolean;
}

/** Small element-wise kernels after the matmul: a training step launches dozens, and on a software GPU each launch costs more than its arithmetic (a matmul alone once ranked WebGL above wasm for training). */
const SMALL_KERNELS = 30;

/**
 * Median ms of a size x size matmul followed by SMALL_KERNELS element-wise kernels, read back to
 * JS, after one untimed warm-up (which compiles the kernels: ~4.6 s for SwiftShader's WebGPU). A
 * warm-up past warmupLimitMs is not waited for; timed runs stop once budgetMs is spent (at least
 * one runs).
 */
export async function timeProbe(size: number, repeats: number, warmupLimitMs = Infinity, budgetMs = Infinity): Promise<ProbeTiming> {
  const a = tf.randomUniform([size, size], -1, 1, 'float32', 1);
  const b = tf.randomUniform([size, size], -1, 1, 'float32', 2);
  const release = () => {
    a.dispose();
    b.dispose();
  };
  const run = () => {
    const c = tf.tidy(() => {
      let h = tf.matMul(a, b);
      for (let i = 0; i < SMALL_KERNELS / 3; i++) h = tf.relu(tf.add(tf.mul(h, 0.5), 0.01));
      return tf.sum(h);
    });
    return c.data().finally(() => c.dispose());
  };
  const t0 = performance.now();
  const warm = run();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<'late'>((resolve) => {
    if (Number.isFinite(warmupLimitMs)) timer = setTimeout(() => resolve('late'), warmupLimitMs);
  });
  const first = await Promise.race([warm.then(() => 'done' as const), limit]);
  clearTimeout(timer);
  if (first === 'late') {
    // The inputs must outlive the pending kernel; free them when it finishes.
    void warm.finally(release);
    return { ms: performance.now() - t0, timedOut: true };
  }
  try {
    const times: number[] = [];
    let spent = 0;
    while (times.length < repeats && (times.length === 0 || spent < budgetMs)) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
      spent += times[times.length - 1];
    }
    return { ms: median(times), timedOut: false };
  } finally {
    release();
  }
}

async function probeOne(name: BackendName, o: Required<ProbeOptions>): Promise<BackendReport> {
  let facts: AdapterFacts = {};
  if (name === 'webgpu') {
    facts = await webgpuAdapterFacts();
    if (facts.error) return { name, available: false, error: facts.error };
  }
  const error = await trySetBackend(name);
  if (error) return { name, available: false, error, ...facts };
  if (name === 'webgl') facts.adapter = webglRenderer();
  const threads = name === 'wasm' ? { threads: getThreadsCount() } : {};
  // A software WebGPU adapter is never chosen for speed, so it is not timed: compiling the
  // probe's kernels took it seconds (~4.6 s, more under load), and they kept compiling past the
  // warm-up limit, stalling every other job of the worker (an uploaded table's analysis for 20 s).
  if (facts.isFallbackAdapter) return { name, available: true, ...facts };
  try {
    const { ms, timedOut } = await timeProbe(o.size, o.repeats, o.warmupLimitMs, o.budgetMs);
    return { name, available: true, ...facts, ...threads, probeMs: ms, ...(timedOut ? { probeTimedOut: true } : {}) };
  } catch (err) {
    return { name, available: false, error: `probe failed: ${err instanceof Error ? err.message : String(err)}`, ...facts };
  }
}

let lastReports: BackendReport[] | null = null;

/** Probes every candidate (leaves the last working one active); reports come in ladder order. */
export async function probeBackends(opts: ProbeOptions = {}): Promise<BackendReport[]> {
  const { candidates = LADDER, ...rest } = opts;
  const o = { ...DEFAULTS, ...rest, candidates };
  const order = [...candidates].sort((x, y) => PROBE_ORDER.indexOf(x) - PROBE_ORDER.indexOf(y));
  const byName = new Map<BackendName, BackendReport>();
  for (const name of order) byName.set(name, await probeOne(name, o));
  const reports = candidates.map((name) => byName.get(name) as BackendReport);
  lastReports = reports;
  return reports;
}

/** The fastest available backend by measured probe time; the name never decides, the clock does. */
export function fastestBackend(reports: readonly BackendReport[]): BackendName | null {
  let best: BackendReport | null = null;
  for (const r of reports) {
    if (!r.available || r.probeMs === undefined) continue;
    if (!best || r.probeMs < (best.probeMs as number)) best = r;
  }
  return best ? best.name : null;
}

/** Per backend, the float32 chunk matmul against the float64 JS Gram (measured once). */
const calibrations = new Map<BackendName, GramCalibration>();

async function stateOf(reports: BackendReport[]): Promise<BackendState> {
  const active = tf.getBackend() as BackendName;
  if (backendGramCandidate(active, reports) && !calibrations.has(active)) calibrations.set(active, await calibrateGram());
  return { active, reports, gramEngine: chooseGramEngine(active, reports, calibrations.get(active)) };
}

/**
 * Activates `name` (probing first if nothing was probed yet). Never throws for an unusable
 * backend: `active` is what tfjs reports afterwards, so the caller sees what really runs.
 */
export async function activateBackend(name: BackendName, opts: ProbeOptions = {}): Promise<BackendState> {
  const reports = lastReports ?? (await probeBackends(opts));
  await trySetBackend(name);
  return stateOf(reports);
}

/** Probes (once) and activates the fastest backend. */
export async function activateBestBackend(opts: ProbeOptions = {}): Promise<BackendState> {
  const reports = lastReports ?? (await probeBackends(opts));
  const best = fastestBackend(reports);
  if (!best) throw new Error('no tfjs backend could run the probe');
  const error = await trySetBackend(best);
  if (error) throw new Error(error);
  return stateOf(reports);
}

/** The current state without switching anything (probing once if needed). */
export async function currentBackendState(opts: ProbeOptions = {}): Promise<BackendState> {
  if (!lastReports) return activateBestBackend(opts);
  return stateOf(lastReports);
}

/** The backend tfjs runs on now. */
export const activeBackend = (): BackendName => tf.getBackend() as BackendName;

/** A fresh copy of the run to time: its steps, each on one mini-batch of `samplesPerStep` rows. */
export interface TrainingWorkload {
  /** What it is, said to the user: 'DNN on synthetic-ctr-tiny, batch 1024'. */
  label: string;
  samplesPerStep: number;
  /** The data's shape (dataset and batch): a backend whose first step outlived the limit on it is not timed again for another model. */
  shape: string;
  /** Builds the model and optimiser on the active backend. */
  open(): { steps(n: number): Promise<void>; dispose(): void };
}

export interface TrainingProbeOptions {
  /** Timed steps stop on a backend once they took this long, over two interleaved rounds (at least `minChunks` chunks run). */
  budgetMs?: number;
  /** A first (compiling) step slower than this ends the backend's probe: it reports an upper bound and is not chosen. */
  warmupLimitMs?: number;
  minChunks?: number;
}

const TRAINING_DEFAULTS: Required<TrainingProbeOptions> = { budgetMs: 800, warmupLimitMs: 2500, minChunks: 4 };

/**
 * Samples/s of timed chunks of real training steps after two untimed ones (the first compiles
 * kernels); a chunk holds as many steps as fill about a quarter of the budget.
 */
async function timeTraining(w: TrainingWorkload, o: Required<TrainingProbeOptions>): Promise<{ rates: number[]; timedOut?: boolean }> {
  const run = w.open();
  try {
    const t0 = performance.now();
    await run.steps(1);
    const first = performance.now() - t0;
    if (first > o.warmupLimitMs) return { rates: [(w.samplesPerStep * 1000) / first], timedOut: true };
    const t1 = performance.now();
    await run.steps(1);
    const perStep = Math.max(0.05, performance.now() - t1);
    const chunk = Math.max(1, Math.round(o.budgetMs / 4 / perStep));
    const rates: number[] = [];
    let spent = 0;
    // At least minChunks chunks and the budget; a very slow backend stops at four budgets.
    do {
      const t = performance.now();
      await run.steps(chunk);
      const ms = Math.max(0.01, performance.now() - t);
      rates.push((chunk * w.samplesPerStep * 1000) / ms);
      spent += ms;
    } while ((rates.length < o.minChunks || spent < o.budgetMs) && spent < 4 * o.budgetMs);
    return { rates };
  } finally {
    run.dispose();
  }
}

/** Backend|data shape -> the upper bound of samples/s its too slow first step gave. */
const slowFirstStep = new Map<string, number>();

/** The backend with the most samples/s among those measured in full; null when none was. */
export function fastestTraining(rates: readonly TrainingRate[]): BackendName | null {
  let best: TrainingRate | null = null;
  for (const r of rates) {
    if (r.error || r.timedOut || !(r.samplesPerSecond > 0)) continue;
    if (!best || r.samplesPerSecond > best.samplesPerSecond) best = r;
  }
  return best ? best.name : null;
}

/**
 * The training-shaped probe: a few real steps of the workload on each available backend (never
 * a software WebGPU adapter), cheapest kernels first, and the one with the most samples/s is
 * activated. A matmul probe once ranked WebGL above wasm for training, where it was 20x slower.
 */
export async function probeTraining(workload: TrainingWorkload, opts: TrainingProbeOptions = {}): Promise<BackendState & { training: TrainingProbe }> {
  const o = { ...TRAINING_DEFAULTS, ...opts };
  const reports = lastReports ?? (await probeBackends());
  const candidates = reports
    .filter((r) => r.available && !r.isFallbackAdapter)
    .map((r) => r.name)
    .sort((x, y) => PROBE_ORDER.indexOf(x) - PROBE_ORDER.indexOf(y));
  const byName = new Map<BackendName, TrainingRate>();
  const samples = new Map<BackendName, number[]>();
  // Two interleaved rounds of half the budget: a burst of load on a shared machine then hits every backend alike.
  const round = { ...o, budgetMs: o.budgetMs / 2, minChunks: Math.ceil(o.minChunks / 2) };
  for (let r = 0; r < 2; r++) {
    for (const name of candidates) {
      const known = byName.get(name);
      if (known?.error || known?.timedOut) continue;
      // Its first step outlived the limit on this data in an earlier probe (SwiftShader's WebGL: ~9 s a step): not again.
      const slow = slowFirstStep.get(`${name}|${workload.shape}`);
      if (slow !== undefined) {
        byName.set(name, { name, samplesPerSecond: slow, timedOut: true });
        continue;
      }
      const error = await trySetBackend(name);
      if (error) {
        byName.set(name, { name, samplesPerSecond: 0, error });
        continue;
      }
      try {
        const timed = await timeTraining(workload, round);
        if (timed.timedOut) {
          byName.set(name, { name, samplesPerSecond: timed.rates[0], timedOut: true });
          slowFirstStep.set(`${name}|${workload.shape}`, timed.rates[0]);
        } else {
          const all = [...(samples.get(name) ?? []), ...timed.rates];
          samples.set(name, all);
          byName.set(name, { name, samplesPerSecond: median(all) });
        }
      } catch (err) {
        byName.set(name, { name, samplesPerSecond: 0, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  const rates = LADDER.filter((n) => byName.has(n)).map((n) => byName.get(n) as TrainingRate);
  const winner = fastestTraining(rates);
  if (!winner) throw new Error(`no tfjs backend could train ${workload.label}: ${rates.map((r) => `${r.name}: ${r.error ?? 'too slow'}`).join('; ')}`);
  const error = await trySetBackend(winner);
  if (error) throw new Error(error);
  return { ...(await stateOf(reports)), training: { workload: workload.label, rates, winner } };
}
