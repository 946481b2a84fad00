/**
 * The few pieces of the WebAssembly binary format (https://webassembly.github.io/spec/core/binary/)
 * that the engine's hand-assembled kernels need: numbers, sections, locals and loops, and a module
 * of functions over an imported memory (tfjs-backend-wasm's, shared in its threaded build).
 */

export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
const text = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

export const [I32, F32, V128] = [0x7f, 0x7d, 0x7b];
export const get = (l: number) => [0x20, ...uleb(l)];
export const set = (l: number) => [0x21, ...uleb(l)];
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};
export const i32Const = (n: number) => [0x41, ...sleb(n)];
export const I32_ADD = [0x6a];
export const I32_MUL = [0x6c];
export const simd = (code: number) => [0xfd, ...uleb(code)];
/** v128.load / v128.store (alignment hint 16 bytes, offset 0). */
export const V128_LOAD = [...simd(0x00), 4, 0];
export const V128_STORE = [...simd(0x0b), 4, 0];
export const V128_ZERO = [...simd(0x0c), ...Array<number>(16).fill(0)];
export const [F32X4_SPLAT, F32X4_SQRT, F32X4_ADD, F32X4_MUL, F32X4_DIV] = [simd(0x13), simd(0xe3), simd(0xe4), simd(0xe6), simd(0xe7)];

/** while (a < b) { body } (unsigned) */
export const whileLess = (a: number[], b: number[], body: number[]) => [0x02, 0x40, 0x03, 0x40, ...a, ...b, 0x4f, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b];

/** A function body: local declarations as [count, type] runs, then code. */
export function funcBody(locals: [number, number][], code: number[]): number[] {
  const decl = [...uleb(locals.length), ...locals.flatMap(([n, t]) => [...uleb(n), t])];
  return [...uleb(decl.length + code.length + 1), ...decl, ...code, 0x0b];
}

export interface AssembledFunction {
  name: string;
  params: number[];
  body: number[];
}

/** Instantiates functions (no results) over `memory`; null where the engine refuses (no SIMD). */
export function instantiateOverMemory(memory: WebAssembly.Memory, functions: AssembledFunction[]): Record<string, (...args: number[]) => void> | null {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  // Memory import limits: min 0, and for shared memory the largest maximum (a shared import needs one).
  const memoryImport = [...text('env'), ...text('memory'), 0x02, ...(shared ? [0x03, 0, ...uleb(65536)] : [0x00, 0])];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(functions.map((f) => [0x60, ...uleb(f.params.length), ...f.params, 0]))),
    ...section(2, vec([memoryImport])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...text(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(functions.map((f) => f.body))),
  ];
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes)), { env: { memory } });
    return instance.exports as unknown as Record<string, (...args: number[]) => void>;
  } catch {
    return null;
  }
}
