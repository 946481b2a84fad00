import { describe, expect, it } from 'vitest';
import { openTableFile } from '../openTableFile.ts';
import { readAll, textSource, importFailure } from '../../../test/support/testFixtures.ts';
import { readMetadataLabels } from './metadataLabels.ts';
import { openTextTable } from './textTable.ts';

async function openText(text: string, name = 'vectors.tsv', sliceBytes?: number) {
  const format = name.endsWith('.csv') ? 'csv' : 'tsv';
  return openTextTable(textSource(text, name), { format, sliceBytes });
}

describe('Embedding Projector TSV', () => {
  it('reads tab-separated rows; the shape is [-1, dim] until read, then [rows, dim]', async () => {
    const table = await openText('0.1\t0.2\t0.3\n-1\t2e-3\t4\n5\t6\t7\n');
    expect(table.format).toBe('tsv');
    expect(table.tensors).toEqual([{ name: 'vectors', shape: [-1, 3], dtype: 'float64', analysable: true }]);
    expect(table.labels).toBeUndefined();
    const { values, blocks } = await readAll(table, 'vectors', { chunkRows: 2 });
    expect(values).toEqual([0.1, 0.2, 0.3, -1, 0.002, 4, 5, 6, 7]);
    expect(blocks.map((b) => [b.startRow, b.rows])).toEqual([
      [0, 2],
      [2, 1],
    ]);
    expect(blocks[0].data).toBeInstanceOf(Float64Array);
    expect(table.tensors[0].shape).toEqual([3, 3]);
  });

  it('handles \\r\\n, a missing final newline and blank trailing lines', async () => {
    for (const text of ['1\t2\r\n3\t4', '1\t2\n3\t4\n\n\n', '1\t2\r\n3\t4\r\n\r\n']) {
      expect((await readAll(await openText(text), 'vectors')).values).toEqual([1, 2, 3, 4]);
    }
  });

  it('parses NaN and infinities instead of failing', async () => {
    const { values } = await readAll(await openText('nan\tinf\n-inf\t1\n'), 'vectors');
    expect(values[0]).toBeNaN();
    expect(values.slice(1)).toEqual([Infinity, -Infinity, 1]);
  });

  it('gives the same values and labels for every slice size, with lines and UTF-8 split across slices', async () => {
    const text = 'word\td0\td1\ncafé\t0.5\t-1\n日本\t2\t3.25\n🙂\t-4e2\t1e-3\n';
    for (let slice = 1; slice <= 30; slice++) {
      const table = await openText(text, 'w.tsv', slice);
      const { values } = await readAll(table, 'w', { chunkRows: 2 });
      expect(values).toEqual([0.5, -1, 2, 3.25, -400, 0.001]);
      expect(table.labels).toEqual(['café', '日本', '🙂']);
    }
  });
});

describe('label columns and headers', () => {
  it('detects a non-numeric first column as labels, filled as rows are read', async () => {
    const table = await openText('apple\t1\t2\nbanana\t3\t4\n');
    expect(table.tensors[0].shape).toEqual([-1, 2]);
    expect(table.labels).toEqual([]);
    expect((await readAll(table, 'vectors')).values).toEqual([1, 2, 3, 4]);
    expect(table.labels).toEqual(['apple', 'banana']);
    await readAll(table, 'vectors');
    expect(table.labels).toEqual(['apple', 'banana']);
  });

  it('keeps numeric-looking labels (vocabulary tokens like "42") in a label column', async () => {
    const table = await openText('apple\t1\t2\n42\t3\t4\n');
    expect((await readAll(table, 'vectors')).values).toEqual([1, 2, 3, 4]);
    expect(table.labels).toEqual(['apple', '42']);
  });

  it('skips a header line that is entirely non-numeric', async () => {
    const table = await openText('d0\td1\n1\t2\n3\t4\n');
    expect((await readAll(table, 'vectors')).values).toEqual([1, 2, 3, 4]);
    expect(table.labels).toBeUndefined();
  });

  it('reads a CSV with a header, a label column and quoted cells', async () => {
    const table = await openText('item,x,y\n"Paris, FR",1,2\n"Rome",3,"4"\r\n', 'cities.csv');
    expect(table.format).toBe('csv');
    expect((await readAll(table, 'cities')).values).toEqual([1, 2, 3, 4]);
    expect(table.labels).toEqual(['Paris, FR', 'Rome']);
  });

  it("reads pandas' to_csv output (index column, default column names)", async () => {
    const table = await openText(',0,1,2\nu1,0.5,1,2\nu2,3,4,5\n', 'df.csv');
    expect(table.tensors[0].shape).toEqual([-1, 3]);
    expect((await readAll(table, 'df')).values).toEqual([0.5, 1, 2, 3, 4, 5]);
    expect(table.labels).toEqual(['u1', 'u2']);
  });

  it('reads space-separated .txt vectors (GloVe style)', async () => {
    const table = await openText('the 0.1 -0.2\nof 0.3 0.4\n', 'glove.txt');
    expect((await readAll(table, 'glove')).values).toEqual([0.1, -0.2, 0.3, 0.4]);
    expect(table.labels).toEqual(['the', 'of']);
  });
});

describe('text table errors', () => {
  it('names the line of a ragged row', async () => {
    const rows = Array.from({ length: 16 }, () => new Array(32).fill('0.5').join('\t'));
    rows.push(new Array(31).fill('0.5').join('\t'));
    const error = await importFailure(readAll(await openText(rows.join('\n') + '\n'), 'vectors'));
    expect(error).toMatchObject({ code: 'ragged-row', message: 'vectors.tsv: line 17 has 31 values but the table has 32 columns' });
  });

  it('names the line and column of a non-numeric cell, counting the label column', async () => {
    const typo = await importFailure(readAll(await openText('1\t2\nx\t4\n5\t6\n'), 'vectors'));
    expect(typo).toMatchObject({ code: 'non-numeric', message: 'vectors.tsv: line 2, column 1: "x" is not a number' });
    const plain = await importFailure(readAll(await openText('1\t2\t3\n4\t5\t6\n1\t2\t3\n1\t2\t3\n1\t2\tabc\n'), 'vectors'));
    expect(plain).toMatchObject({ code: 'non-numeric', message: 'vectors.tsv: line 5, column 3: "abc" is not a number' });
    const labelled = await importFailure(readAll(await openText('a,1,2\nb,3,\n', 'x.csv'), 'x'));
    expect(labelled).toMatchObject({ code: 'ragged-row', message: 'x.csv: line 2 has 1 values but the table has 2 columns' });
    const hex = await importFailure(readAll(await openText('a,1,2\nb,0x3,4\n', 'x.csv'), 'x'));
    expect(hex).toMatchObject({ code: 'non-numeric', message: 'x.csv: line 2, column 2: "0x3" is not a number' });
  });

  it('refuses files with no rows, or with only a label column', async () => {
    expect(await importFailure(openText('\n\n  \n'))).toMatchObject({ code: 'empty' });
    expect(await importFailure(openText('d0\td1\n'))).toMatchObject({ code: 'empty', message: 'vectors.tsv has a header line but no rows' });
    expect(await importFailure(readAll(await openText('name\nalice\nbob\n'), 'vectors'))).toMatchObject({
      code: 'non-numeric',
      message: 'vectors.tsv: line 2, column 1: "alice" is not a number',
    });
  });

  it('stops between blocks when cancelled', async () => {
    const text = Array.from({ length: 100 }, (_, i) => `${i}\t${i}`).join('\n');
    const table = await openText(text);
    const controller = new AbortController();
    const run = async () => {
      for await (const block of table.readRows('vectors', { chunkRows: 10, signal: controller.signal })) {
        if (block.startRow === 30) controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('a file cut inside its last line (cutShort.ts)', () => {
  const rows = ['0.123456\t-0.654321\t1.000000', '-1.250000\t0.500000\t0.333333', '2.000000\t0.000001\t-0.999999', '0.250000\t0.750000\t0.125000'];
  const whole = rows.join('\n');
  const failureOf = async (text: string, name = 'cut.tsv', sliceBytes?: number) =>
    importFailure(readAll(await openText(text, name, sliceBytes), stripName(name)));
  const stripName = (name: string) => name.replace(/\.[^.]+$/, '');

  it('names every cut of the last line, whatever the slice size', async () => {
    for (let cut = whole.lastIndexOf('\n') + 2; cut < whole.length; cut++) {
      for (const slice of [5, 1 << 20]) {
        const error = await failureOf(whole.slice(0, cut), 'cut.tsv', slice);
        expect(error.code, whole.slice(cut - 8, cut)).toBe('truncated');
        expect(error.message).toMatch(/^cut.tsv ends inside line 4: the file looks cut short \(/);
      }
    }
  });

  it('says which sign gave the cut away', async () => {
    expect((await failureOf(whole.slice(0, -9))).message).toMatch(/it has 2 of the 3 values every row has/);
    expect((await failureOf(whole.slice(0, -3))).message).toMatch(/its last value "0.125" is shorter than that column's value in every other row/);
    expect((await failureOf(rows.join('\n').replace(/0.125000$/, '1.5e-'))).message).toMatch(/its last value is "1.5e-"/);
  });

  it('accepts a complete last line without a final newline, and a short value in a column of varying width', async () => {
    expect((await readAll(await openText(whole), 'vectors')).values).toHaveLength(12);
    const varying = '0.5\t0.25\n0.125\t0.75\n1\t0.0625\n2\t3';
    expect((await readAll(await openText(varying), 'vectors')).values).toEqual([0.5, 0.25, 0.125, 0.75, 1, 0.0625, 2, 3]);
  });

  it('keeps the old errors where the file ends with a newline or the cell is plainly wrong', async () => {
    expect((await failureOf(whole.slice(0, -9) + '\n')).code).toBe('ragged-row');
    expect((await failureOf(whole.replace(/0.125000$/, 'abc'))).code).toBe('non-numeric');
  });

  it('word2vec text: a last vector with fewer values than dim is cut short; a full one is fine', async () => {
    const w2v = '3 4\nthe 0.1 0.2 0.3 0.4\nof 0.5 0.6 0.7 0.8\nand 0.9 1.0 1.1 1.2';
    expect((await readAll(await openText(w2v, 'w.txt'), 'w')).values).toHaveLength(12);
    const cut = await failureOf(w2v.slice(0, -4), 'w.txt');
    expect(cut).toMatchObject({ code: 'truncated', message: 'w.txt ends inside line 4: the file looks cut short (it has 3 of the 4 values every row has).' });
  });

  it('a metadata file with a header and columns, cut inside its last line', async () => {
    await expect(readMetadataLabels(textSource('word\tcount\nthe\t10\nof\t7\nand', 'meta.tsv'))).rejects.toMatchObject({
      code: 'truncated',
      message: expect.stringMatching(/meta.tsv ends inside line 4/),
    });
    expect(await readMetadataLabels(textSource('word\tcount\nthe\t10\nof\t7\nand\t5', 'meta.tsv'))).toEqual(['the', 'of', 'and']);
  });
});

describe('metadata TSV', () => {
  it('reads one label per line, or the first column after a header when there are several', async () => {
    expect(await readMetadataLabels(textSource('cat\ndog\n\n', 'm.tsv'))).toEqual(['cat', 'dog']);
    expect(await readMetadataLabels(textSource('word\tcount\ncat\t3\ndog\t5\n', 'm.tsv'), 4)).toEqual(['cat', 'dog']);
  });

  it('labels the rows of a projector TSV, and checks the count after reading', async () => {
    const table = await openTableFile(textSource('1\t2\n3\t4\n', 'v.tsv'), { metadata: textSource('a\nb\n', 'meta.tsv') });
    expect(table.labels).toEqual(['a', 'b']);
    await readAll(table, 'v');
    const short = await openTableFile(textSource('1\t2\n3\t4\n5\t6\n', 'v.tsv'), { metadata: textSource('a\nb\n', 'meta.tsv') });
    expect(await importFailure(readAll(short, 'v'))).toMatchObject({
      code: 'shape-mismatch',
      message: 'the metadata has 2 labels but v.tsv has 3 rows',
    });
  });
});

describe('word2vec / fastText text', () => {
  const text = '3 2\n42 0.5 -1\nthe 2 3\n1990 4e-1 5 \n';

  it('takes the "<count> <dim>" line as a header and the first cell as a label, even when it looks like a number', async () => {
    const table = await openText(text, 'item2vec.txt');
    expect(table.tensors[0].shape).toEqual([-1, 2]);
    const { values } = await readAll(table, 'item2vec');
    expect(values).toEqual([0.5, -1, 2, 3, 0.4, 5]);
    expect(table.labels).toEqual(['42', 'the', '1990']);
    expect(table.tensors[0].shape).toEqual([3, 2]);
  });

  it('opens .vec files (fastText) as space-separated text', async () => {
    const table = await openTableFile(textSource(text, 'wiki.en.vec'));
    expect(table.format).toBe('tsv');
    expect((await readAll(table, 'wiki.en')).values).toHaveLength(6);
  });

  it('names a file with fewer or more vectors than its first line declares', async () => {
    const fewer = await importFailure(readAll(await openText('4 2\na 1 2\nb 3 4\nc 5 6\n', 'v.txt'), 'v'));
    expect(fewer.code).toBe('truncated');
    expect(fewer.message).toMatch(/declares 4 vectors but the file has 3/);
    const more = await importFailure(readAll(await openText('2 2\na 1 2\nb 3 4\nc 5 6\n', 'v.txt'), 'v'));
    expect(more.code).toBe('shape-mismatch');
  });

  it('a first line of two numbers that does not announce the rows is ordinary data', async () => {
    const table = await openText('3 2\n4 5\n6 7\n', 'pairs.txt');
    expect((await readAll(table, 'pairs')).values).toEqual([3, 2, 4, 5, 6, 7]);
  });
});
