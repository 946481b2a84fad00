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
}

export interface BackendState {
  /** tf.getBackend() after activation, never the promise of setBackend. */
  active: BackendName;
  reports: BackendReport[];
  /** How the Gram of uploaded tables is computed: exact float64 JS, or float32 chunk matmul on the backend summed in float64. */
  gramEngine: 'float64-js' | 'backend-matmul';
}
