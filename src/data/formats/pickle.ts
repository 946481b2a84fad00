/**
 * A pickle reader that never runs code: it reads the opcodes torch.save writes (protocols 2-4)
 * into plain values. Dicts become Maps, lists and tuples arrays. A global (a class or function
 * named by module and name) is never imported: `reduce` decides what calling it yields, and
 * every global it does not know becomes an opaque PyObject that keeps its arguments and BUILD
 * state, so the tensors inside a pickled module can still be found by walking it.
 */

import { eventLoopPacer } from '../abort.ts';

/** Why a pickle was refused: 'bad-header' for a malformed stream, 'too-large' for one past a limit below. */
export class PickleError extends Error {
  constructor(
    message: string,
    readonly code: 'bad-header' | 'too-large' = 'bad-header',
  ) {
    super(message);
  }
}

/**
 * Limits that keep a hostile pickle from exhausting memory or time; torch.save's pickles (a few
 * hundred bytes per tensor) stay far below them. The pickle's own byte size is limited by its reader.
 */
export const PICKLE_LIMITS = {
  opcodes: 32_000_000,
  /** Lists, tuples, dicts and objects made: each costs memory a single opcode can ask for. */
  containers: 4_000_000,
  /** Items in one list, tuple or dict. */
  containerItems: 8_000_000,
  /** Bytes of one LONG1/LONG4 integer (8 KiB is about 19,700 decimal digits). */
  intBytes: 8192,
  /** Distinct memo slots: a Map holds at most 2^24 entries, and a real pickle memoises once per object. */
  memo: 4_000_000,
};

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
  null | boolean | number | bigint | string | Uint8Array | PickleValue[] | Map<PickleValue, PickleValue> | PyGlobal | PyObject | { kind: string };

export interface UnpickleHooks {
  /** BINPERSID: what a persistent id refers to (torch: a storage in the archive). */
  persistentLoad(pid: PickleValue): PickleValue;
  /** REDUCE / NEWOBJ of a global: its value, or undefined to keep an opaque PyObject. */
  reduce?(fn: PyGlobal, args: PickleValue[]): PickleValue | undefined;
}

export const isGlobal = (v: unknown): v is PyGlobal => typeof v === 'object' && v !== null && (v as PyGlobal).kind === 'global';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A little-endian two's-complement integer in O(n): one hex string, one BigInt parse. */
function signedLE(raw: Uint8Array): number | bigint {
  if (raw.length === 0) return 0;
  const digits = new Array<string>(raw.length);
  for (let i = 0; i < raw.length; i++) digits[i] = HEX[raw[raw.length - 1 - i]];
  let v = BigInt(`0x${digits.join('')}`);
  if (raw[raw.length - 1] & 0x80) v -= 1n << BigInt(8 * raw.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/**
 * Reads a pickle. Shared values stay shared (a memo or DUP pushes the same object again, never a
 * copy), so the result is a DAG no bigger than the stream. It gives the event loop turns (see
 * eventLoopPacer) and stops with an AbortError once `signal` fires.
 */
export async function unpickle(bytes: Uint8Array, hooks: UnpickleHooks, signal?: AbortSignal): Promise<PickleValue> {
  return (await unpickleAt(bytes, 0, hooks, signal)).value;
}

/**
 * Reads one pickle starting at byte `start` of `bytes` and says where it ended (one past its
 * STOP): PyTorch's format from before 1.6 writes several pickles back to back.
 */
export async function unpickleAt(bytes: Uint8Array, start: number, hooks: UnpickleHooks, signal?: AbortSignal): Promise<{ value: PickleValue; end: number }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const latin1 = new TextDecoder('latin1');
  const stack: PickleValue[] = [];
  /** Stack lengths at each MARK still open (Python's metastack): items above the last one belong to it. */
  const marks: number[] = [];
  const memo = new Map<number, PickleValue>();
  let pos = start;

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
    if (v > BigInt(bytes.length)) throw new PickleError(`a length at byte ${pos - 8} reaches past the end of the pickle`);
    return Number(v);
  };
  const take = (n: number) => {
    need(n);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const text = (length: number) => {
    const at = pos;
    try {
      return utf8.decode(take(length));
    } catch (error) {
      if (error instanceof PickleError) throw error;
      throw new PickleError(`the string at byte ${at} of the pickle is not valid UTF-8`);
    }
  };
  const long = (length: number) => {
    if (length > PICKLE_LIMITS.intBytes) {
      throw new PickleError(`the pickle holds a ${length}-byte integer at byte ${pos}, over RecLens's limit of ${PICKLE_LIMITS.intBytes} bytes`, 'too-large');
    }
    return signedLE(take(length));
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw new PickleError('the pickle ends inside a GLOBAL name');
    const name = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return name;
  };
  const floor = () => (marks.length > 0 ? marks[marks.length - 1] : 0);
  const pop = (): PickleValue => {
    if (stack.length <= floor()) throw new PickleError(`the pickle pops an empty stack at byte ${pos - 1}`);
    return stack.pop()!;
  };
  const top = (): PickleValue => {
    if (stack.length <= floor()) throw new PickleError(`the pickle reads an empty stack at byte ${pos - 1}`);
    return stack[stack.length - 1];
  };
  const push = (v: PickleValue) => void stack.push(v);
  const popMark = (): PickleValue[] => {
    const at = marks.pop();
    if (at === undefined) throw new PickleError(`the pickle has no MARK to pop to at byte ${pos - 1}`);
    return checkSize(stack.splice(at));
  };
  let containers = 0;
  const remember = (key: number) => {
    if (memo.size >= PICKLE_LIMITS.memo && !memo.has(key)) {
      throw new PickleError(`the pickle stores more than ${PICKLE_LIMITS.memo} memo entries`, 'too-large');
    }
    memo.set(key, top());
  };
  /** Counts a new container against PICKLE_LIMITS.containers. */
  const made = <T extends PickleValue>(container: T): T => {
    if (++containers > PICKLE_LIMITS.containers) {
      throw new PickleError(`the pickle makes more than ${PICKLE_LIMITS.containers} lists, tuples, dicts and objects`, 'too-large');
    }
    return container;
  };
  const checkSize = <T extends PickleValue[] | Map<PickleValue, PickleValue>>(container: T): T => {
    const size = container instanceof Map ? container.size : container.length;
    if (size > PICKLE_LIMITS.containerItems) {
      throw new PickleError(`a container in the pickle holds more than ${PICKLE_LIMITS.containerItems} items (at byte ${pos - 1})`, 'too-large');
    }
    return container;
  };
  const asMap = (v: PickleValue): Map<PickleValue, PickleValue> => {
    if (v instanceof Map) return v;
    if (isObject(v)) {
      // Items set on an opaque dict subclass: keep them as its state.
      if (!(v.state instanceof Map)) v.state = new Map();
      return v.state as Map<PickleValue, PickleValue>;
    }
    throw new PickleError(`the pickle sets an item on something that is not a dict at byte ${pos - 1}`);
  };
  const asList = (v: PickleValue): PickleValue[] => {
    if (Array.isArray(v)) return v;
    throw new PickleError(`the pickle appends to something that is not a list at byte ${pos - 1}`);
  };
  const setItems = (d: Map<PickleValue, PickleValue>, items: PickleValue[]) => {
    for (let i = 0; i + 1 < items.length; i += 2) d.set(items[i], items[i + 1]);
    checkSize(d);
  };
  const call = (fn: PickleValue, args: PickleValue): PickleValue => {
    const list = Array.isArray(args) ? args : [args];
    if (!isGlobal(fn)) return { kind: 'object', type: 'unknown', args: list };
    const made = hooks.reduce?.(fn, list);
    return made !== undefined ? made : { kind: 'object', type: `${fn.module}.${fn.name}`, args: list };
  };

  const pace = eventLoopPacer(signal);
  for (let count = 1; ; count++) {
    if (count > PICKLE_LIMITS.opcodes) throw new PickleError(`the pickle has more than ${PICKLE_LIMITS.opcodes} opcodes`, 'too-large');
    const turn = pace(count);
    if (turn) await turn;
    const op = u8();
    switch (op) {
      case 0x80:
        u8();
        break; // PROTO
      case 0x95:
        u64();
        break; // FRAME
      case 0x2e:
        return { value: pop(), end: pos }; // STOP
      case 0x28:
        marks.push(stack.length);
        break; // MARK
      case 0x7d:
        push(made(new Map()));
        break; // EMPTY_DICT
      case 0x5d:
        push(made([]));
        break; // EMPTY_LIST
      case 0x29:
        push(made([]));
        break; // EMPTY_TUPLE
      case 0x74:
        push(made(popMark()));
        break; // TUPLE
      case 0x85:
        push(made([pop()]));
        break; // TUPLE1
      case 0x86: {
        const b = pop();
        const a = pop();
        push(made([a, b]));
        break;
      } // TUPLE2
      case 0x87: {
        const c = pop();
        const b = pop();
        const a = pop();
        push(made([a, b, c]));
        break;
      } // TUPLE3
      case 0x6c:
        push(made(popMark()));
        break; // LIST
      case 0x64: {
        const d = made(new Map<PickleValue, PickleValue>());
        setItems(d, popMark());
        push(d);
        break;
      } // DICT
      case 0x61: {
        const v = pop();
        checkSize(asList(top())).push(v);
        break;
      } // APPEND
      case 0x65: {
        // APPENDS (a loop: spreading a long list into push() overflows the call stack)
        const items = popMark();
        const list = asList(top());
        for (const item of items) list.push(item);
        checkSize(list);
        break;
      }
      case 0x73: {
        const v = pop();
        const k = pop();
        setItems(asMap(top()), [k, v]);
        break;
      } // SETITEM
      case 0x75: {
        const items = popMark();
        setItems(asMap(top()), items);
        break;
      } // SETITEMS
      case 0x4a:
        push(i32());
        break; // BININT
      case 0x4b:
        push(u8());
        break; // BININT1
      case 0x4d:
        push(u16());
        break; // BININT2
      case 0x8a:
        push(long(u8()));
        break; // LONG1
      case 0x8b:
        push(long(u32()));
        break; // LONG4
      case 0x47:
        push((need(8), (pos += 8), view.getFloat64(pos - 8, false)));
        break; // BINFLOAT (big-endian)
      case 0x4e:
        push(null);
        break; // NONE
      case 0x88:
        push(true);
        break; // NEWTRUE
      case 0x89:
        push(false);
        break; // NEWFALSE
      case 0x58:
        push(text(u32()));
        break; // BINUNICODE
      case 0x8c:
        push(text(u8()));
        break; // SHORT_BINUNICODE
      case 0x8d:
        push(text(u64()));
        break; // BINUNICODE8
      case 0x54:
        push(latin1.decode(take(u32())));
        break; // BINSTRING
      case 0x55:
        push(latin1.decode(take(u8())));
        break; // SHORT_BINSTRING
      case 0x42:
        push(take(u32()).slice());
        break; // BINBYTES
      case 0x43:
        push(take(u8()).slice());
        break; // SHORT_BINBYTES
      case 0x8e:
        push(take(u64()).slice());
        break; // BINBYTES8
      case 0x71:
        remember(u8());
        break; // BINPUT
      case 0x72:
        remember(u32());
        break; // LONG_BINPUT
      case 0x94:
        remember(memo.size);
        break; // MEMOIZE
      case 0x68:
      case 0x6a: {
        // BINGET, LONG_BINGET
        const key = op === 0x68 ? u8() : u32();
        if (!memo.has(key)) throw new PickleError(`the pickle reads memo ${key}, which it never stored`);
        push(memo.get(key)!);
        break;
      }
      case 0x63: {
        const module = line();
        const name = line();
        push(made({ kind: 'global', module, name }));
        break;
      } // GLOBAL
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string')
          throw new PickleError(`STACK_GLOBAL at byte ${pos - 1} names a global with something other than two strings`);
        push(made({ kind: 'global', module, name }));
        break;
      }
      case 0x52: {
        const args = pop();
        const fn = pop();
        push(made(call(fn, args)));
        break;
      } // REDUCE
      case 0x81: {
        const args = pop();
        const cls = pop();
        push(made(call(cls, args)));
        break;
      } // NEWOBJ
      case 0x62: {
        // BUILD: set an object's state; only opaque objects keep it
        const state = pop();
        const obj = top();
        if (isObject(obj)) obj.state = state;
        break;
      }
      case 0x51:
        push(hooks.persistentLoad(pop()));
        break; // BINPERSID
      case 0x30:
        pop();
        break; // POP
      case 0x31:
        popMark();
        break; // POP_MARK
      case 0x32:
        push(top());
        break; // DUP
      default:
        throw new PickleError(`the pickle uses opcode 0x${op.toString(16).padStart(2, '0')} at byte ${pos - 1}, which RecLens does not read`);
    }
  }
}

export const isObject = (v: unknown): v is PyObject => typeof v === 'object' && v !== null && (v as PyObject).kind === 'object';
