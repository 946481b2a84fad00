/**
 * A pickle reader that never runs code: it reads the opcodes torch.save writes (protocols 2-4)
 * into plain values. Dicts become Maps, lists and tuples arrays. A global (a class or function
 * named by module and name) is never imported: `reduce` decides what calling it yields, and
 * every global it does not know becomes an opaque PyObject that keeps its arguments and BUILD
 * state, so the tensors inside a pickled module can still be found by walking it.
 */

export class PickleError extends Error {}

/** A global the reader met: module and name only, nothing imported. */
export interface PyGlobal {
  kind: 'global';
  module: string;
  name: string;
}

/** What calling or building an unknown global would have made: its name, arguments and state. */
export interface PyObject {
  kind: 'object';
  type: string;
  args: PickleValue[];
  state?: PickleValue;
}

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | Map<PickleValue, PickleValue>
  | PyGlobal
  | PyObject
  | { kind: string };

export interface UnpickleHooks {
  /** BINPERSID: what a persistent id refers to (torch: a storage in the archive). */
  persistentLoad(pid: PickleValue): PickleValue;
  /** REDUCE / NEWOBJ of a global: its value, or undefined to keep an opaque PyObject. */
  reduce?(fn: PyGlobal, args: PickleValue[]): PickleValue | undefined;
}

const MARK = Symbol('mark');
type StackItem = PickleValue | typeof MARK;

export const isGlobal = (v: unknown): v is PyGlobal => typeof v === 'object' && v !== null && (v as PyGlobal).kind === 'global';

export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks): PickleValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const stack: StackItem[] = [];
  const memo = new Map<number, PickleValue>();
  let pos = 0;

  const need = (n: number) => {
    if (pos + n > bytes.length) throw new PickleError(`the pickle ends inside an opcode at byte ${pos}`);
  };
  const u8 = () => (need(1), bytes[pos++]);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new PickleError('a length in the pickle is too large');
    return Number(v);
  };
  const take = (n: number) => {
    need(n);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw new PickleError('the pickle ends inside a GLOBAL name');
    const text = new TextDecoder('latin1').decode(bytes.subarray(pos, end));
    pos = end + 1;
    return text;
  };
  const pop = (): PickleValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) throw new PickleError('the pickle pops an empty stack');
    return v;
  };
  const top = (): PickleValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) throw new PickleError('the pickle reads an empty stack');
    return v;
  };
  const popMark = (): PickleValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) throw new PickleError('the pickle has no MARK to pop to');
    const items = stack.splice(at) as PickleValue[];
    items.shift();
    return items;
  };
  const asMap = (v: PickleValue): Map<PickleValue, PickleValue> => {
    if (v instanceof Map) return v;
    if (isObject(v)) {
      // Items set on an opaque dict subclass: keep them as its state.
      if (!(v.state instanceof Map)) v.state = new Map();
      return v.state as Map<PickleValue, PickleValue>;
    }
    throw new PickleError('the pickle sets an item on something that is not a dict');
  };
  const asList = (v: PickleValue): PickleValue[] => {
    if (Array.isArray(v)) return v;
    throw new PickleError('the pickle appends to something that is not a list');
  };
  const call = (fn: PickleValue, args: PickleValue): PickleValue => {
    const list = Array.isArray(args) ? args : [args];
    if (!isGlobal(fn)) return { kind: 'object', type: 'unknown', args: list };
    const made = hooks.reduce?.(fn, list);
    return made !== undefined ? made : { kind: 'object', type: `${fn.module}.${fn.name}`, args: list };
  };
  const signedLE = (raw: Uint8Array): number | bigint => {
    if (raw.length === 0) return 0;
    let v = 0n;
    for (let i = raw.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(raw[i]);
    if (raw[raw.length - 1] & 0x80) v -= 1n << BigInt(8 * raw.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME
      case 0x2e: return pop(); // STOP
      case 0x28: stack.push(MARK); break; // MARK
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push([a, b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push([a, b, c]); break; } // TUPLE3
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x64: { // DICT
        const items = popMark();
        const d = new Map<PickleValue, PickleValue>();
        for (let i = 0; i + 1 < items.length; i += 2) d.set(items[i], items[i + 1]);
        stack.push(d);
        break;
      }
      case 0x61: { const v = pop(); asList(top()).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); asList(top()).push(...items); break; } // APPENDS
      case 0x73: { const v = pop(); const k = pop(); asMap(top()).set(k, v); break; } // SETITEM
      case 0x75: { // SETITEMS
        const items = popMark();
        const d = asMap(top());
        for (let i = 0; i + 1 < items.length; i += 2) d.set(items[i], items[i + 1]);
        break;
      }
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(signedLE(take(u8()))); break; // LONG1
      case 0x8b: stack.push(signedLE(take(u32()))); break; // LONG4
      case 0x47: stack.push((need(8), (pos += 8), view.getFloat64(pos - 8, false))); break; // BINFLOAT (big-endian)
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x58: stack.push(utf8.decode(take(u32()))); break; // BINUNICODE
      case 0x8c: stack.push(utf8.decode(take(u8()))); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(utf8.decode(take(u64()))); break; // BINUNICODE8
      case 0x54: stack.push(new TextDecoder('latin1').decode(take(u32()))); break; // BINSTRING
      case 0x55: stack.push(new TextDecoder('latin1').decode(take(u8()))); break; // SHORT_BINSTRING
      case 0x42: stack.push(take(u32()).slice()); break; // BINBYTES
      case 0x43: stack.push(take(u8()).slice()); break; // SHORT_BINBYTES
      case 0x8e: stack.push(take(u64()).slice()); break; // BINBYTES8
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const key = op === 0x68 ? u8() : u32();
        if (!memo.has(key)) throw new PickleError(`the pickle reads memo ${key}, which it never stored`);
        stack.push(memo.get(key)!);
        break;
      }
      case 0x63: { const module = line(); const name = line(); stack.push({ kind: 'global', module, name }); break; } // GLOBAL
      case 0x93: { const name = pop(); const module = pop(); stack.push({ kind: 'global', module: String(module), name: String(name) }); break; } // STACK_GLOBAL
      case 0x52: { const args = pop(); const fn = pop(); stack.push(call(fn, args)); break; } // REDUCE
      case 0x81: { const args = pop(); const cls = pop(); stack.push(call(cls, args)); break; } // NEWOBJ
      case 0x62: { // BUILD: set an object's state; only opaque objects keep it
        const state = pop();
        const obj = top();
        if (isObject(obj)) obj.state = state;
        break;
      }
      case 0x51: stack.push(hooks.persistentLoad(pop())); break; // BINPERSID
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      default:
        throw new PickleError(`the pickle uses opcode 0x${op.toString(16).padStart(2, '0')} at byte ${pos - 1}, which RecLens does not read`);
    }
  }
}

export const isObject = (v: unknown): v is PyObject => typeof v === 'object' && v !== null && (v as PyObject).kind === 'object';
