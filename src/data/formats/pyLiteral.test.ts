import { describe, expect, it } from 'vitest';
import { parsePyLiteral, PyLiteralError } from './pyLiteral.ts';

describe('parsePyLiteral', () => {
  it('parses numpy header dicts, with trailing commas and either quote', () => {
    expect(parsePyLiteral("{'descr': '<f4', 'fortran_order': False, 'shape': (3000, 32), }")).toEqual({
      descr: '<f4',
      fortran_order: false,
      shape: [3000, 32],
    });
    expect(parsePyLiteral('{"descr": "|u1", "fortran_order": True, "shape": (7,)}')).toEqual({ descr: '|u1', fortran_order: true, shape: [7] });
  });

  it('parses empty tuples, Python 2 long integers, nested structured descriptions and None', () => {
    expect(parsePyLiteral('()')).toEqual([]);
    expect(parsePyLiteral('(3000L, 32L)')).toEqual([3000, 32]);
    expect(parsePyLiteral("[('a', '<f4'), ('b', '<i8', (2,))]")).toEqual([
      ['a', '<f4'],
      ['b', '<i8', [2]],
    ]);
    expect(parsePyLiteral("{'x': None, 'y': -1.5e3}")).toEqual({ x: null, y: -1500 });
  });

  it('decodes string escapes', () => {
    expect(parsePyLiteral("'a\\'b\\\\c\\x41\\u00e9'")).toBe("a'b\\cAé");
  });

  it("keeps '__proto__' and 'constructor' as ordinary keys, never as the dict's prototype", () => {
    const dict = parsePyLiteral("{'__proto__': {'descr': '<f4'}, 'constructor': 1}") as Record<string, unknown>;
    expect(Object.keys(dict)).toEqual(['__proto__', 'constructor']);
    expect(dict.descr).toBeUndefined();
  });

  it.each([
    ["{'shape': (3, 2}", "expected ',' or ')'"],
    ["{'descr': '<f4'", "expected ',' or '}'"],
    ["{'descr' '<f4'}", "expected ':'"],
    ["{'a': 1} extra", 'unexpected text'],
    ['__import__("os")', 'expected a value'],
    ["'unterminated", 'unterminated string'],
    ['{1: 2}', 'expected a string key'],
    ['(123456789012345678901,)', 'integer too large'],
    ['('.repeat(100_000) + ')'.repeat(100_000), 'nested deeper than 32 levels'],
  ])('rejects %s', (text, message) => {
    expect(() => parsePyLiteral(text)).toThrow(PyLiteralError);
    expect(() => parsePyLiteral(text)).toThrow(message);
  });
});
