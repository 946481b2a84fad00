import { describe, expect, it } from 'vitest';
import { decodeElements } from './decode.ts';
import { dtypeOf, type DTypeName } from './dtype.ts';

function bytesOf(write: (v: DataView) => void, length: number, offset = 0): Uint8Array {
  const buffer = new Uint8Array(length + offset);
  write(new DataView(buffer.buffer, offset));
  return buffer.subarray(offset);
}

describe('decodeElements', () => {
  const cases: [DTypeName, number, (v: DataView, at: number, x: number, le: boolean) => void, number[], 'f32' | 'f64'][] = [
    ['float32', 4, (v, at, x, le) => v.setFloat32(at, x, le), [1.5, -2.25, 3e38, -0], 'f32'],
    ['float64', 8, (v, at, x, le) => v.setFloat64(at, x, le), [Math.PI, -1e-300, 1e300, 2 ** -1074], 'f64'],
    ['int8', 1, (v, at, x) => v.setInt8(at, x), [-128, 127, 0, -1], 'f32'],
    ['uint8', 1, (v, at, x) => v.setUint8(at, x), [0, 255, 128, 1], 'f32'],
    ['int16', 2, (v, at, x, le) => v.setInt16(at, x, le), [-32768, 32767, -2, 300], 'f32'],
    ['uint16', 2, (v, at, x, le) => v.setUint16(at, x, le), [65535, 0, 258, 1], 'f32'],
    ['int32', 4, (v, at, x, le) => v.setInt32(at, x, le), [-(2 ** 31), 2 ** 31 - 1, 16777217, -5], 'f64'],
    ['uint32', 4, (v, at, x, le) => v.setUint32(at, x, le), [2 ** 32 - 1, 0, 16777217, 7], 'f64'],
    ['int64', 8, (v, at, x, le) => v.setBigInt64(at, BigInt(x), le), [-(2 ** 53) + 1, 2 ** 53 - 1, -1, 2 ** 40 + 3], 'f64'],
    ['uint64', 8, (v, at, x, le) => v.setBigUint64(at, BigInt(x), le), [2 ** 53 - 1, 0, 2 ** 32, 2 ** 32 - 1], 'f64'],
  ];

  for (const [name, size, write, values, kind] of cases) {
    for (const littleEndian of [true, false]) {
      it(`${name} ${littleEndian ? 'little' : 'big'}-endian, from an unaligned offset`, () => {
        const bytes = bytesOf((v) => values.forEach((x, i) => write(v, i * size, x, littleEndian)), values.length * size, 1);
        const out = decodeElements(bytes, dtypeOf(name, littleEndian), values.length);
        expect(out).toBeInstanceOf(kind === 'f32' ? Float32Array : Float64Array);
        expect(Array.from(out)).toEqual(values.map((x) => (kind === 'f32' ? Math.fround(x) : x)));
      });
    }
  }

  it('float16 in both byte orders, with subnormals, infinities and NaN', () => {
    const bits = [0x3c00, 0x0001, 0x7c00, 0xfc00, 0x7e00, 0x8000];
    for (const le of [true, false]) {
      const bytes = bytesOf((v) => bits.forEach((b, i) => v.setUint16(2 * i, b, le)), 12);
      const out = Array.from(decodeElements(bytes, dtypeOf('float16', le), 6));
      expect(out.slice(0, 4)).toEqual([1, 2 ** -24, Infinity, -Infinity]);
      expect(out[4]).toBeNaN();
      expect(Object.is(out[5], -0)).toBe(true);
    }
  });

  it('bfloat16 is the upper half of a float32', () => {
    const bytes = bytesOf((v) => [0x3fc0, 0xc120, 0x7f80, 0x0001].forEach((b, i) => v.setUint16(2 * i, b, true)), 8);
    expect(Array.from(decodeElements(bytes, dtypeOf('bfloat16'), 4))).toEqual([1.5, -10, Infinity, 2 ** -133]);
  });

  it('bool is 0 or 1', () => {
    expect(Array.from(decodeElements(new Uint8Array([0, 1, 1, 0]), dtypeOf('bool'), 4))).toEqual([0, 1, 1, 0]);
  });

  it('views aligned host-order float32/float64 bytes without copying', () => {
    const f32 = new Uint8Array(new Float32Array([0, 1, 2, 3]).buffer).subarray(4);
    const a = decodeElements(f32, dtypeOf('float32'), 2);
    expect(a.buffer).toBe(f32.buffer);
    expect(a.byteOffset).toBe(4);
    expect(Array.from(a)).toEqual([1, 2]);
    const f64 = new Uint8Array(new Float64Array([5, 6, 7]).buffer).subarray(8);
    const b = decodeElements(f64, dtypeOf('float64'), 2);
    expect(b.buffer).toBe(f64.buffer);
    expect(Array.from(b)).toEqual([6, 7]);
  });

  it('copies when the bytes are unaligned or byte-swapped, leaving the source alone', () => {
    const unaligned = new Uint8Array(12);
    unaligned.set(new Uint8Array(new Float64Array([2.5]).buffer), 4);
    const fromOdd = decodeElements(unaligned.subarray(4), dtypeOf('float64'), 1);
    expect(fromOdd.buffer).not.toBe(unaligned.buffer);
    expect(fromOdd[0]).toBe(2.5);
    const swapped = new Uint8Array(4);
    new DataView(swapped.buffer).setFloat32(0, 1.5, false);
    const out = decodeElements(swapped, dtypeOf('float32', false), 1);
    expect(out[0]).toBe(1.5);
    expect(new DataView(swapped.buffer).getFloat32(0, false)).toBe(1.5);
  });
});
