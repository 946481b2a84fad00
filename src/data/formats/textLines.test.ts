import { describe, expect, it } from 'vitest';
import { textSource } from '../../../test/support/testFixtures.ts';
import { MAX_LINE_CHARS, textLines } from './textLines.ts';

async function collect(text: string, slice: number) {
  const lines: [number, string][] = [];
  for await (const batch of textLines(textSource(text, 't.tsv'), slice)) {
    batch.lines.forEach((line, i) => lines.push([batch.firstLine + i, line]));
  }
  return lines;
}

describe('textLines', () => {
  const text = 'héllo\t1\r\n日本語\t2\n\n🙂 last\t3';
  const expected: [number, string][] = [
    [1, 'héllo\t1'],
    [2, '日本語\t2'],
    [3, ''],
    [4, '🙂 last\t3'],
  ];

  it('yields the same numbered lines whatever the slice size, across lines and UTF-8 sequences', async () => {
    for (let slice = 1; slice <= 40; slice++) expect(await collect(text, slice)).toEqual(expected);
  });

  it('keeps a final newline from adding an empty line but keeps blank lines before it', async () => {
    expect(await collect('a\nb\n', 3)).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(await collect('a\n\n\n', 2)).toEqual([
      [1, 'a'],
      [2, ''],
      [3, ''],
    ]);
  });

  it('flags the final batch whose last line no newline ends, and only that one', async () => {
    const flags = async (text: string, slice: number) => {
      const seen: [number, boolean][] = [];
      for await (const batch of textLines(textSource(text, 't.tsv'), slice)) seen.push([batch.lines.length, batch.lastLineUnterminated]);
      return seen;
    };
    for (let slice = 1; slice <= 12; slice++) {
      expect((await flags('a\tb\nc\td', slice)).map(([, f]) => f).filter(Boolean)).toHaveLength(1);
      expect((await flags('a\tb\nc\td', slice)).at(-1)).toEqual([expect.any(Number), true]);
      for (const ended of ['a\tb\nc\td\n', 'a\tb\r\nc\td\r\n', 'a\tb\nc\td\r', 'a\tb\n']) {
        expect(
          (await flags(ended, slice)).some(([, f]) => f),
          JSON.stringify(ended),
        ).toBe(false);
      }
    }
  });

  it('refuses a line longer than MAX_LINE_CHARS instead of carrying it to the size of the file', async () => {
    const huge = '1\t2\n' + '3'.repeat(MAX_LINE_CHARS + 2 ** 20) + '\n';
    await expect(collect(huge, 1 << 20)).rejects.toMatchObject({
      code: 'too-large',
      message: expect.stringContaining('t.tsv: line 2 is longer than 16 M characters'),
    });
  });
});
