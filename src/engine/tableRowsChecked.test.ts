import type * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { WasmKernelBackend } from './kernelBackends.ts';
import { tableRowsChecked } from './tableRowsChecked.ts';

/** The one backend call tableRowsChecked makes, recorded. */
function recordingBackend(): { backend: WasmKernelBackend; disposed: unknown[] } {
  const disposed: unknown[] = [];
  return { backend: { disposeData: (dataId: unknown) => disposed.push(dataId) } as unknown as WasmKernelBackend, disposed };
}

const out = { dataId: {}, shape: [2, 3], dtype: 'float32' } as unknown as tf.TensorInfo;

describe('tableRowsChecked', () => {
  it('returns the output when the loop runs through', () => {
    const { backend, disposed } = recordingBackend();
    expect(tableRowsChecked(backend, out, 10, () => {})).toBe(out);
    expect(disposed).toEqual([]);
  });

  it("turns the row check's trap into a RangeError naming the table's rows, and frees the output", () => {
    const { backend, disposed } = recordingBackend();
    const trap = () => {
      throw new WebAssembly.RuntimeError('unreachable');
    };
    expect(() => tableRowsChecked(backend, out, 10, trap)).toThrow(new RangeError("a row outside the table's 10 rows"));
    expect(disposed).toEqual([out.dataId]);
  });

  it('passes any other error through unchanged: it is not about rows', () => {
    for (const error of [new WebAssembly.RuntimeError('memory access out of bounds'), new TypeError('not a trap')]) {
      const { backend } = recordingBackend();
      expect(() =>
        tableRowsChecked(backend, out, 10, () => {
          throw error;
        }),
      ).toThrow(error);
    }
  });
});
