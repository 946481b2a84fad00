/**
 * The row-indexed kernels (embedding rows, the linear term) trap on a row outside their table
 * instead of reading or writing past it. A bare 'RuntimeError: unreachable' says nothing to the
 * run that gets it, and the kernel's output would stay allocated in the wasm heap: this frees the
 * output and throws a RangeError that says what was wrong.
 */
import type * as tf from '@tensorflow/tfjs';
import type { WasmKernelBackend } from './kernelBackends.ts';

/** Runs `loop`, which writes `out`, and returns `out`; on its trap frees `out` and throws a RangeError. */
export function tableRowsChecked(backend: WasmKernelBackend, out: tf.TensorInfo, tableRows: number, loop: () => void): tf.TensorInfo {
  try {
    loop();
  } catch (e) {
    // The row check's trap is the loop's only 'unreachable'; any other trap is not about rows.
    if (!(e instanceof WebAssembly.RuntimeError) || !/unreachable/.test(e.message)) throw e;
    backend.disposeData(out.dataId);
    throw new RangeError(`a row outside the table's ${tableRows} rows`, { cause: e });
  }
  return out;
}
