/** The tfjs backends a worker can run on, and what the ladder found out about each. */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface BackendReport {
  name: BackendName;
  available: boolean;
  /** Why it is not available (no adapter, init failed, setBackend resolved false...). */
  error?: string;
  /** e.g. 'google/swiftshader' for WebGPU, the GL renderer for WebGL. */
  adapter?: string;
  /** WebGPU software adapter: correct but slow; never chosen for speed. */
  isFallbackAdapter?: boolean;
  /** Median time of the capability probe (a fixed matmul and small kernels), ms; not measured on a software WebGPU adapter. */
  probeMs?: number;
  /** The probe's first run (kernel compile) outlived the probe's limit: probeMs is a lower bound. */
  probeTimedOut?: boolean;
  /** wasm: threads in its pool (1 without SharedArrayBuffer, i.e. on a page that is not cross-origin isolated, and in Node). */
  threads?: number;
}

/** One backend's speed on a few real training steps of the chosen model on the loaded data. */
export interface TrainingRate {
  name: BackendName;
  samplesPerSecond: number;
  /** Its first (compiling) step outlived the probe's limit: samplesPerSecond is only an upper bound, and it is not chosen. */
  timedOut?: boolean;
  /** Why it was not timed (the model failed to build or step on it). */
  error?: string;
}

/** The training-shaped probe: which workload was timed on each backend, and which won. */
export interface TrainingProbe {
  /** What ran, e.g. 'DNN on synthetic-ctr-tiny, batch 1024'. */
  workload: string;
  /** Ladder order; only available backends that are not software WebGPU. */
  rates: TrainingRate[];
  /** The backend with the most samples/s, now active. */
  winner: BackendName;
}

export interface BackendState {
  /** tf.getBackend() after activation, never the promise of setBackend. */
  active: BackendName;
  reports: BackendReport[];
  /** The last training-shaped probe of this worker, when one ran. */
  training?: TrainingProbe;
  /** The user picked `active` by hand: runs keep it until the model or dataset changes. */
  pinned?: boolean;
  /** How the Gram of uploaded tables is computed: exact float64 JS, or float32 chunk matmul on the backend summed in float64. */
  gramEngine: 'float64-js' | 'backend-matmul';
}

/** Why a run trains on its backend, as the run says it. */
export interface BackendChoice {
  /** 'probe': the training-shaped probe's winner; 'picked': chosen by hand; 'kernel-probe': no training probe ran (a small-kernel probe chose). */
  how: 'probe' | 'picked' | 'kernel-probe';
  /** The probe's samples/s on this backend. */
  samplesPerSecond?: number;
  /** What the probe timed. */
  workload?: string;
}

/** The choice behind `state.active`. */
export function backendChoiceOf(state: BackendState): BackendChoice {
  if (state.pinned) return { how: 'picked' };
  const t = state.training;
  if (!t || t.winner !== state.active) return { how: 'kernel-probe' };
  const rate = t.rates.find((r) => r.name === state.active)?.samplesPerSecond;
  return { how: 'probe', workload: t.workload, ...(rate === undefined ? {} : { samplesPerSecond: rate }) };
}
