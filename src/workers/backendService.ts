/**
 * The tfjs backend ladder for the studio's Backend panel, in a worker of its own: probing talks to
 * the GPU process (synchronous WebGL calls, WebGPU shader compiles) and can hold its thread for
 * seconds when that process is busy, so it must never share a thread with an uploaded table's
 * analysis. tfjs loads on the first call, after `prepareTf` (which points tfjs-backend-wasm at its
 * binaries).
 */
import type { BackendName, BackendState } from '../contracts/backend.ts';

export interface BackendService {
  backends(): Promise<BackendState>;
  setBackend(name: BackendName): Promise<BackendState>;
}

/**
 * The Gram engine analyses really use: analyzeTableFile accumulates with the float64
 * GramAccumulator (it takes no accumulator factory), so a 'backend-matmul' verdict of the policy
 * is reported only once analyses can run on it.
 */
function usedEngine(state: BackendState): BackendState {
  return { ...state, gramEngine: 'float64-js' };
}

export function createBackendService(prepareTf: () => Promise<void> = async () => {}): BackendService {
  let ladder: Promise<typeof import('../engine/backendLadder.ts')> | null = null;
  const loadLadder = () => (ladder ??= prepareTf().then(() => import('../engine/backendLadder.ts')));
  return {
    async backends() {
      return usedEngine(await (await loadLadder()).currentBackendState());
    },
    async setBackend(name) {
      return usedEngine(await (await loadLadder()).activateBackend(name));
    },
  };
}
