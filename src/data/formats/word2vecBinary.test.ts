import { describe, expect, it } from 'vitest';
import { bytesByteSource } from '../byteSource.ts';
import { openTableFile } from '../openTableFile.ts';
import { importFailure, readAll, sampleValues, word2vecBinaryBytes } from '../../../test/support/testFixtures.ts';
import { openWord2vecBinary, parseWord2vecHeader } from './word2vecBinary.ts';

const WORDS = ['the', 'item_42', '1990', 'café', '北京'];
const DIM = 3;
const VALUES = Float32Array.from(sampleValues(WORDS.length * DIM, 7));

describe('word2vec binary', () => {
  it('reads word2vec.c and gensim layouts, every slice size, with the words as labels', async () => {
    for (const newlineAfterVector of [true, false]) {
      const bytes = word2vecBinaryBytes(WORDS, VALUES, DIM, { newlineAfterVector });
      for (const sliceBytes of [1, 3, 7, 64, 1 << 20]) {
        const table = await openWord2vecBinary(bytesByteSource(bytes, 'items.bin'), { sliceBytes });
        expect(table.tensors).toEqual([{ name: 'items', shape: [5, 3], dtype: 'float32', analysable: true }]);
        const { values, blocks } = await readAll(table, 'items', { chunkRows: 2 });
        expect(values).toEqual([...VALUES]);
        expect(blocks.map((b) => [b.startRow, b.rows])).toEqual([
          [0, 2],
          [2, 2],
          [4, 1],
        ]);
        expect(blocks.at(-1)!.bytesDone).toBe(bytes.length - (newlineAfterVector ? 1 : 0));
        expect(table.labels).toEqual(WORDS);
      }
    }
  });

  it('is detected from a .bin name and its header line, and read a second time from the start', async () => {
    const table = await openTableFile(bytesByteSource(word2vecBinaryBytes(WORDS, VALUES, DIM), 'item2vec.bin'));
    expect(table.format).toBe('word2vec');
    await readAll(table, 'item2vec');
    expect((await readAll(table, 'item2vec')).values).toEqual([...VALUES]);
    expect(table.labels).toEqual(WORDS);
    expect(parseWord2vecHeader(new TextEncoder().encode('12 300\n'))).toEqual({ count: 12, dim: 300, bytes: 7 });
    expect(parseWord2vecHeader(new TextEncoder().encode('12,300\n'))).toBeNull();
    // A .bin without the header is not guessed at.
    expect((await importFailure(openTableFile(bytesByteSource(new Uint8Array(64), 'weights.bin')))).code).toBe('unsupported-format');
  });

  it('names a cut-short file, a wrong count and trailing data', async () => {
    const bytes = word2vecBinaryBytes(WORDS, VALUES, DIM, { newlineAfterVector: true });
    const cut = await importFailure(openWord2vecBinary(bytesByteSource(bytes.subarray(0, 30), 'a.bin')));
    expect(cut.code).toBe('truncated');
    expect(cut.message).toMatch(/declares 5 vectors of 3 values but holds at most 1/);
    // Long words make the size check pass; the read finds the missing bytes.
    const long = WORDS.map((w) => w.repeat(20));
    const shortTail = word2vecBinaryBytes(long, VALUES, DIM);
    const table = await openWord2vecBinary(bytesByteSource(shortTail.subarray(0, shortTail.length - 5), 'b.bin'));
    const midway = await importFailure(readAll(table, 'b'));
    expect(midway.code).toBe('truncated');
    expect(midway.message).toMatch(/ends inside vector 5 of the 5/);
    const fewer = await openWord2vecBinary(bytesByteSource(word2vecBinaryBytes(WORDS, VALUES, DIM, { count: 4 }), 'c.bin'));
    expect((await importFailure(readAll(fewer, 'c'))).message).toMatch(/more data after the 4 vectors/);
    expect((await importFailure(openWord2vecBinary(bytesByteSource(new TextEncoder().encode('hello world\n'), 'd.bin')))).code).toBe('bad-header');
  });

  it('takes metadata labels over the words, and checks their count', async () => {
    const bytes = word2vecBinaryBytes(WORDS, VALUES, DIM);
    const labels = ['a', 'b', 'c', 'd', 'e'];
    const table = await openWord2vecBinary(bytesByteSource(bytes, 'e.bin'), { metadataLabels: labels });
    await readAll(table, 'e');
    expect(table.labels).toEqual(labels);
    expect((await importFailure(openWord2vecBinary(bytesByteSource(bytes, 'e.bin'), { metadataLabels: ['a'] }))).code).toBe('shape-mismatch');
  });
});
