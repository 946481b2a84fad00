import { describe, expect, it } from 'vitest';
import { isAbortError } from '../abort.ts';
import { PICKLE_LIMITS, PickleError, unpickle, type PickleValue } from './pickle.ts';
import { PickleWriter } from '../../../test/support/pickleFixtures.ts';

const plain = { persistentLoad: () => null };

async function pickleFailure(promise: Promise<unknown>): Promise<PickleError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (error instanceof PickleError) return error;
  throw new Error(`expected a PickleError, got ${String(error)}`);
}

/** Runs `body` with one limit lowered, so a test need not build a pickle of millions of opcodes. */
async function withLimit<T>(name: keyof typeof PICKLE_LIMITS, value: number, body: () => Promise<T>): Promise<T> {
  const saved = PICKLE_LIMITS[name];
  PICKLE_LIMITS[name] = value;
  try {
    return await body();
  } finally {
    PICKLE_LIMITS[name] = saved;
  }
}

/** LONG4 (0x8b) of the given little-endian bytes. */
const long4 = (bytes: number[]) => new PickleWriter().raw(0x8b, bytes.length & 0xff, (bytes.length >> 8) & 0xff, bytes.length >> 16, 0, ...bytes).bytes();

describe('unpickle', () => {
  it('reads protocol 2 values without running anything; unknown globals stay opaque', async () => {
    // pickle.dumps({'a': [1, -2, 3.5, True, None, 2**40], 'b': ('x', b'yz'), 'c': os.system}, protocol=2) with os.system swapped for a harmless name
    const bytes = Uint8Array.from([
      0x80, 0x02, 0x7d, 0x71, 0x00, 0x28, 0x58, 0x01, 0x00, 0x00, 0x00, 0x61, 0x71, 0x01, 0x5d, 0x71, 0x02, 0x28, 0x4b, 0x01, 0x4a, 0xfe, 0xff, 0xff, 0xff,
      0x47, 0x40, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x88, 0x4e, 0x8a, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x65, 0x58, 0x01, 0x00, 0x00, 0x00,
      0x62, 0x71, 0x03, 0x58, 0x01, 0x00, 0x00, 0x00, 0x78, 0x43, 0x02, 0x79, 0x7a, 0x86, 0x71, 0x04, 0x58, 0x01, 0x00, 0x00, 0x00, 0x63, 0x63, 0x6f, 0x73,
      0x0a, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6d, 0x0a, 0x29, 0x52, 0x75, 0x2e,
    ]);
    const value = (await unpickle(bytes, plain)) as Map<string, unknown>;
    expect(value.get('a')).toEqual([1, -2, 3.5, true, null, 2 ** 40]);
    expect(value.get('b')).toEqual(['x', new Uint8Array([0x79, 0x7a])]);
    expect(value.get('c')).toEqual({ kind: 'object', type: 'os.system', args: [] });
  });

  it('rejects opcodes it does not read, a truncated stream and pops below a MARK', async () => {
    expect((await pickleFailure(unpickle(Uint8Array.from([0x80, 0x02, 0x8f]), plain))).message).toMatch(/opcode 0x8f/);
    expect((await pickleFailure(unpickle(Uint8Array.from([0x80, 0x02, 0x58, 0x05, 0x00]), plain))).message).toMatch(/ends inside/);
    // 1, MARK, TUPLE2: Python refuses to take items from below the MARK.
    expect((await pickleFailure(unpickle(new PickleWriter().int(1).mark().raw(0x86).bytes(), plain))).message).toMatch(/pops an empty stack/);
  });

  it('names the byte offset of a string that is not valid UTF-8', async () => {
    const bytes = new PickleWriter().utf8Bytes(Uint8Array.from([0x61, 0xff, 0x62])).bytes();
    const error = await pickleFailure(unpickle(bytes, plain));
    expect(error.code).toBe('bad-header');
    expect(error.message).toBe('the string at byte 7 of the pickle is not valid UTF-8');
  });

  it('keeps shared values shared: 64 levels of DUP/TUPLE2 stay 64 objects, not 2^64 leaves', async () => {
    const w = new PickleWriter().int(7);
    for (let i = 0; i < 64; i++) w.raw(0x32, 0x86);
    let node = (await unpickle(w.bytes(), plain)) as PickleValue[];
    for (let i = 0; i < 63; i++) {
      expect(node[0]).toBe(node[1]);
      node = node[0] as PickleValue[];
    }
    expect(node).toEqual([7, 7]);
  });

  it('appends a list longer than the call stack allows', async () => {
    const w = new PickleWriter().raw(0x5d).mark();
    for (let i = 0; i < 300_000; i++) w.raw(0x4b, i & 0xff);
    const list = (await unpickle(w.raw(0x65).bytes(), plain)) as number[];
    expect(list).toHaveLength(300_000);
    expect(list[299_999]).toBe(299_999 & 0xff);
  });

  it('decodes long integers in linear time, signed as Python does', async () => {
    expect(await unpickle(long4([0xff, 0x7f]), plain)).toBe(32767);
    expect(await unpickle(long4([0x00, 0x80]), plain)).toBe(-32768);
    expect(await unpickle(long4([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), plain)).toBe(-1);
    expect(await unpickle(long4([0, 0, 0, 0, 0, 0, 0, 0, 1]), plain)).toBe(2n ** 64n);
    const widest = new Array<number>(PICKLE_LIMITS.intBytes).fill(0);
    widest[widest.length - 1] = 0x40;
    const t0 = performance.now();
    expect(await unpickle(long4(widest), plain)).toBe(2n ** BigInt(8 * PICKLE_LIMITS.intBytes - 2));
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('refuses an integer, a container or a stream past its limit, naming the limit', async () => {
    const huge = await pickleFailure(unpickle(long4(new Array<number>(PICKLE_LIMITS.intBytes + 1).fill(1)), plain));
    expect(huge.code).toBe('too-large');
    expect(huge.message).toMatch(/8193-byte integer at byte 7, over RecLens's limit of 8192 bytes/);

    const list = new PickleWriter().raw(0x5d).mark();
    for (let i = 0; i < 11; i++) list.raw(0x4e);
    const crowded = await withLimit('containerItems', 10, () => pickleFailure(unpickle(list.raw(0x65).bytes(), plain)));
    expect(crowded).toMatchObject({ code: 'too-large', message: expect.stringMatching(/more than 10 items/) });

    const lists = new PickleWriter();
    for (let i = 0; i < 6; i++) lists.raw(0x5d, 0x30); // EMPTY_LIST, POP
    const many = await withLimit('containers', 5, () => pickleFailure(unpickle(lists.raw(0x4e).bytes(), plain)));
    expect(many).toMatchObject({ code: 'too-large', message: 'the pickle makes more than 5 lists, tuples, dicts and objects' });

    const long = new PickleWriter();
    for (let i = 0; i < 5000; i++) long.raw(0x4e, 0x30); // None, POP
    const busy = await withLimit('opcodes', 4000, () => pickleFailure(unpickle(long.raw(0x4e).bytes(), plain)));
    expect(busy).toMatchObject({ code: 'too-large', message: 'the pickle has more than 4000 opcodes' });

    // Distinct memo keys (a Map holds at most 2^24); storing again under a known key is not counted twice.
    const memo = new PickleWriter().raw(0x4e);
    for (let i = 0; i < 4; i++) memo.raw(0x71, 1);
    for (let i = 0; i < 4; i++) memo.raw(0x71, i);
    expect(await withLimit('memo', 4, () => unpickle(memo.bytes(), plain))).toBeNull();
    const remembered = await withLimit('memo', 4, () => pickleFailure(unpickle(memo.raw(0x71, 9).bytes(), plain)));
    expect(remembered).toMatchObject({ code: 'too-large', message: 'the pickle stores more than 4 memo entries' });
  });

  it('yields while it reads, so an abort stops a long pickle part-way', async () => {
    // 6M opcodes (None, POP) of a valid pickle: tens of milliseconds of reading at least.
    const bytes = new Uint8Array(2 + 12_000_000 + 2);
    bytes.set([0x80, 0x02]);
    for (let i = 2; i < bytes.length - 2; i += 2) bytes.set([0x4e, 0x30], i);
    bytes.set([0x4e, 0x2e], bytes.length - 2);
    expect(await unpickle(bytes, plain)).toBeNull();
    const controller = new AbortController();
    // Runs only if the reader gives the event loop a turn before it has finished.
    setTimeout(() => controller.abort(), 0);
    const error = await unpickle(bytes, plain, controller.signal).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAbortError(error)).toBe(true);
  });
});
