import { describe, expect, it } from 'vitest';
import { ImportError } from '../importError.ts';
import { CRITEO_FIELDS, createCriteoParser, criteoIntegerToken, parseCriteoText } from './criteo.ts';

function line(label: string, ints: string[], cats: string[]): string {
  const i = [...ints, ...Array(13 - ints.length).fill('')];
  const c = [...cats, ...Array(26 - cats.length).fill('')];
  return [label, ...i, ...c].join('\t');
}

function thrown(f: () => unknown): ImportError {
  try {
    f();
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('criteoIntegerToken', () => {
  it('buckets v > 2 as floor(ln(v)^2) and keeps small values apart', () => {
    expect(criteoIntegerToken('3')).toBe('1'); // ln(3)^2 = 1.207
    expect(criteoIntegerToken('10')).toBe('5'); // ln(10)^2 = 5.302
    expect(criteoIntegerToken('100')).toBe('21'); // ln(100)^2 = 21.21
    expect(criteoIntegerToken('2')).toBe('0');
    expect(criteoIntegerToken('1')).toBe('-1');
    expect(criteoIntegerToken('0')).toBe('-2');
    expect(criteoIntegerToken('-1')).toBe('-3');
    expect(criteoIntegerToken('')).toBe('');
  });
});

describe('Criteo parser', () => {
  it('maps tokens to per-field vocabularies with a min count and OOV 0', () => {
    const text = [
      line('1', ['3', '10'], ['aaa', 'x']),
      line('0', ['4', '100'], ['aaa', 'y']),
      line('0', ['', '10'], ['bbb', 'x']),
      line('1', ['3', ''], ['aaa', 'y']),
    ].join('\n');
    const ds = parseCriteoText(text, { split: { fractions: [1, 0, 0] } });
    expect(ds.fields.map((f) => f.name)).toEqual(CRITEO_FIELDS);
    expect(ds.tasks).toEqual(['click']);
    const F = 39;
    const col = (f: number): number[] => Array.from({ length: 4 }, (_, r) => ds.train.indices[r * F + f]);
    // I1 tokens 1, 1 (v = 4 also buckets to floor(1.92) = 1), missing, 1: '1' kept, '' once -> OOV.
    expect(col(0)).toEqual([1, 1, 0, 1]);
    expect(ds.fields[0].cardinality).toBe(2);
    // I2: '5' twice (10), '21' once, '' once -> only '5' kept.
    expect(col(1)).toEqual([1, 0, 1, 0]);
    // C1: aaa three times, bbb once.
    expect(col(13)).toEqual([1, 1, 0, 1]);
    // C2: x and y twice each, x first seen.
    expect(col(14)).toEqual([1, 2, 1, 2]);
    // Empty cells are a 'missing' token, frequent enough here to keep.
    expect(col(20)).toEqual([1, 1, 1, 1]);
    expect([...ds.train.labels]).toEqual([1, 0, 0, 1]);

    const all = parseCriteoText(text, { minCount: 1, split: { fractions: [1, 0, 0] } });
    expect(all.fields[13].cardinality).toBe(3);
    expect(all.fields[1].cardinality).toBe(4);
  });

  it('names the line and the problem of malformed input', () => {
    const good = line('0', ['1'], ['a']);
    const e1 = thrown(() => parseCriteoText([good, good.split('\t').slice(1).join('\t')].join('\n') + '\n'));
    expect(e1.code).toBe('ragged-row');
    expect(e1.message).toMatch(/line 2 has 39 columns; expected 40/);
    expect(e1.message).toMatch(/test files have no label/);
    expect(thrown(() => parseCriteoText('0,1,2,3')).message).toMatch(/line 1 has 1 columns.*no tabs/);
    const badLabel = thrown(() => parseCriteoText(line('yes', ['1'], ['a'])));
    expect(badLabel.code).toBe('non-numeric');
    expect(badLabel.message).toMatch(/line 1: label is "yes", not 0 or 1/);
    expect(thrown(() => parseCriteoText(`\n${good}\n${line('1', ['1.5'], ['a'])}`)).message).toMatch(/line 3: I1 is "1.5", not an integer/);
    expect(thrown(() => parseCriteoText('\n\n')).code).toBe('empty');
  });

  it('stops at maxRows and skips blank lines', () => {
    const parser = createCriteoParser({ maxRows: 2, minCount: 1 });
    for (const l of ['', line('1', [], []), line('0', [], []), 'garbage past the limit']) parser.push(l);
    expect(parser.rows).toBe(2);
    expect(parser.full).toBe(true);
    const ds = parser.finish();
    expect(ds.train.rows + ds.valid.rows + ds.test.rows).toBe(2);
  });

  it('a last line without a newline: a missing C26 is accepted where the column has missing values, a shorter hash is a cut', () => {
    const cats = (c26: string) => [...Array(25).fill('a1b2c3d4'), c26];
    const rows = [line('0', ['1'], cats('0f0f0f0f')), line('1', ['2'], cats('')), line('0', ['3'], cats('12345678')), line('1', ['4'], cats('9abcdef0'))];
    const opts = { minCount: 1, split: { fractions: [1, 0, 0] as [number, number, number] } };
    expect(parseCriteoText([...rows, line('0', ['5'], cats(''))].join('\n'), opts).train.rows).toBe(5);
    expect(thrown(() => parseCriteoText([...rows, line('0', ['5'], cats('9abc'))].join('\n'), opts))).toMatchObject({
      code: 'truncated',
      message: 'The Criteo file ends inside line 5: the file looks cut short (its last value "9abc" is shorter than that column\'s value in every other row).',
    });
    const noneMissing = [rows[0], rows[2], rows[3]];
    expect(thrown(() => parseCriteoText([...noneMissing, line('0', ['5'], cats(''))].join('\n'), opts)).message).toMatch(
      /line 4: the file looks cut short \(its last value is empty, and no other row's is\)/,
    );
  });
});
