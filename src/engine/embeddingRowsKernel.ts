/**
 * An embedding lookup and its gradient (models/embeddingLookup.ts) as tfjs-backend-wasm kernels:
 * - 'ReclensGatherRows' (table [N, K], rows int32 [n] to [n, K]): the rows copied whole, as
 *   gatherND on [n, 1] indices does (~0.7 ms for 26624 rows of 16 in the DeepFM step);
 * - 'ReclensScatterAddRows' (rows [n], updates [n, K], attr tableRows N to [N, K]): zeros, then
 *   each update row added to its row in order, as tfjs-backend-wasm's ScatterNd adds (~0.3 ms);
 *   with attr block q, updates is a stack of [n, K] blocks and block q (rows qn..(q+1)n) is read
 *   in place (no slice).
 * A copy and the same float32 additions in the same order: the same bits. Four lanes at a time
 * where K is a multiple of 4, one float otherwise. A row outside [0, N) traps instead of reading
 * or writing outside the table: a RangeError (tableRowsChecked.ts).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  bump,
  F32_ADD,
  F32_LOAD,
  F32_STORE,
  F32X4_ADD,
  funcBody,
  get,
  I32,
  I32_ADD,
  I32_GE_U,
  I32_MUL,
  i32Const,
  i32Load,
  ifElse,
  instantiateOverMemory,
  MEMORY_FILL,
  set,
  UNREACHABLE,
  V128_LOAD,
  V128_STORE,
  whileLess,
} from './wasmAssembler.ts';
import { modulePerMemory, type WasmKernelBackend, type KernelArgs, heapAddress } from './kernelBackends.ts';
import { tableRowsChecked } from './tableRowsChecked.ts';

export const GATHER_ROWS = 'ReclensGatherRows';
export const SCATTER_ADD_ROWS = 'ReclensScatterAddRows';

/** A chunk of a row: its bytes, and its load, store and add (v128 / f32x4 or f32). */
interface Chunk {
  bytes: number;
  load: number[];
  store: number[];
  add: number[];
}
const LANES: Chunk = { bytes: 16, load: V128_LOAD, store: V128_STORE, add: F32X4_ADD };
const SCALAR: Chunk = { bytes: 4, load: F32_LOAD, store: F32_STORE, add: F32_ADD };

// gather(table, rows, out, n, rowBytes, tableRows) and scatterAdd(updates, rows, out, n, rowBytes, tableRows).
const [SRC, ROWS, OUT, N, ROW_BYTES, TABLE_ROWS] = [0, 1, 2, 3, 4, 5];
const [I, ROW, B] = [6, 7, 8];

/** row = rows[i], trapping outside [0, tableRows) (as unsigned, so negatives too). */
const readRow = [...get(ROWS), ...i32Load(), ...set(ROW), ...ifElse([...get(ROW), ...get(TABLE_ROWS), ...I32_GE_U], UNREACHABLE)];
const rowAddress = (base: number) => [...get(base), ...get(ROW), ...get(ROW_BYTES), ...I32_MUL, ...I32_ADD, ...set(ROW)];
const at = (base: number) => [...get(base), ...get(B), ...I32_ADD];
const nextRow = (advanced: number) => [...bump(advanced, get(ROW_BYTES)), ...bump(ROWS, i32Const(4)), ...bump(I, i32Const(1))];

/** out[i] = table[rows[i]]. */
function gatherBody(c: Chunk): number[] {
  const copy = [...at(OUT), ...at(ROW), ...c.load, ...c.store, ...bump(B, i32Const(c.bytes))];
  const row = [...readRow, ...rowAddress(SRC), ...i32Const(0), ...set(B), ...whileLess(get(B), get(ROW_BYTES), copy), ...nextRow(OUT)];
  return funcBody([[3, I32]], whileLess(get(I), get(N), row));
}

/** out = 0; out[rows[i]] += updates[i], i in order. */
function scatterAddBody(c: Chunk): number[] {
  const add = [...at(ROW), ...at(ROW), ...c.load, ...at(SRC), ...c.load, ...c.add, ...c.store, ...bump(B, i32Const(c.bytes))];
  const row = [...readRow, ...rowAddress(OUT), ...i32Const(0), ...set(B), ...whileLess(get(B), get(ROW_BYTES), add), ...nextRow(SRC)];
  const zero = [...get(OUT), ...i32Const(0), ...get(TABLE_ROWS), ...get(ROW_BYTES), ...I32_MUL, ...MEMORY_FILL];
  return funcBody([[3, I32]], [...zero, ...whileLess(get(I), get(N), row)]);
}

type RowsFunction = (src: number, rows: number, out: number, n: number, rowBytes: number, tableRows: number) => void;
interface Module {
  gather: [RowsFunction, RowsFunction];
  scatterAdd: [RowsFunction, RowsFunction];
}

const moduleFor = modulePerMemory((memory): Module | null => {
  const params = Array<number>(6).fill(I32);
  const exports = instantiateOverMemory(memory, [
    { name: 'gatherScalar', params, body: gatherBody(SCALAR) },
    { name: 'gatherLanes', params, body: gatherBody(LANES) },
    { name: 'scatterAddScalar', params, body: scatterAddBody(SCALAR) },
    { name: 'scatterAddLanes', params, body: scatterAddBody(LANES) },
  ]);
  if (!exports) return null;
  const f = (name: string) => exports[name] as RowsFunction;
  return { gather: [f('gatherScalar'), f('gatherLanes')], scatterAdd: [f('scatterAddScalar'), f('scatterAddLanes')] };
});

function gatherKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { table, rows } = inputs as Record<string, tf.TensorInfo>;
  const b = backend as WasmKernelBackend;
  const [tableRows, k] = table.shape;
  const n = rows.shape[0];
  const out = b.makeOutput([n, k], 'float32');
  if (n * k === 0) return out;
  return tableRowsChecked(b, out, tableRows, () =>
    moduleFor(b)!.gather[k % 4 === 0 ? 1 : 0](heapAddress(b, table), heapAddress(b, rows), heapAddress(b, out), n, 4 * k, tableRows),
  );
}

function scatterAddKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { rows, updates } = inputs as Record<string, tf.TensorInfo>;
  const b = backend as WasmKernelBackend;
  const tableRows = attrs!.tableRows as number;
  const block = (attrs!.block as number | undefined) ?? 0;
  const [n, k] = [rows.shape[0], updates.shape[1]];
  if ((block + 1) * n > updates.shape[0]) throw new RangeError(`scatter-add rows: no block ${block} of ${n} rows in ${updates.shape[0]} updates`);
  const out = b.makeOutput([tableRows, k], 'float32');
  if (tableRows * k === 0) return out;
  const from = heapAddress(b, updates) + block * n * 4 * k;
  return tableRowsChecked(b, out, tableRows, () =>
    moduleFor(b)!.scatterAdd[k % 4 === 0 ? 1 : 0](from, heapAddress(b, rows), heapAddress(b, out), n, 4 * k, tableRows),
  );
}

let installed = false;

/** Whether the kernels serve a float32 table and int32 rows on the current backend (registering them once). */
export function embeddingRowsKernelsReady(table: tf.Tensor, rows: tf.Tensor): boolean {
  if (!installed) {
    installed = true;
    tf.registerKernel({ kernelName: GATHER_ROWS, backendName: 'wasm', kernelFunc: gatherKernel as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: SCATTER_ADD_ROWS, backendName: 'wasm', kernelFunc: scatterAddKernel as unknown as tf.KernelFunc });
  }
  if (tf.getBackend() !== 'wasm' || table.dtype !== 'float32' || rows.dtype !== 'int32') return false;
  return moduleFor(tf.backend()) !== null;
}
