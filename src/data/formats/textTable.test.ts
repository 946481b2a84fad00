import { describe, expect, it } from 'vitest';
import { openTableFile } from '../openTableFile.ts';
import { readAll, textSource, importFailure } from '../testFixtures.ts';
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
    const error = await importFailure(readAll(await openText(rows.join('\n')), 'vectors'));
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
