import { describe, expect, it } from 'vitest';
import { bytesByteSource } from '../byteSource.ts';
import { importCtrFile } from './importCtrFile.ts';
import { parseCtrText } from './parseCtrText.ts';
import { generateAvazuSample, generateCriteoSample, generateMovieLensSample } from './sampleFiles.ts';

describe('importCtrFile', () => {
  it('streams a file in small slices to the same dataset as parsing its text', async () => {
    const text = generateCriteoSample(300, 4);
    const src = bytesByteSource(new TextEncoder().encode(text), 'criteo.tsv');
    const progress: number[] = [];
    const ds = await importCtrFile(src, { sliceBytes: 997, onProgress: (done, _total, rows) => progress.push(done, rows) });
    const whole = parseCtrText(text, { name: 'criteo.tsv' });
    expect(ds.fields).toEqual(whole.fields);
    expect(ds.train.indices).toEqual(whole.train.indices);
    expect(ds.name).toBe('criteo.tsv');
    expect(progress[progress.length - 2]).toBe(src.size);
    expect(progress[progress.length - 1]).toBe(300);
  });

  it('stops reading at maxRows and honours an explicit format', async () => {
    const text = generateMovieLensSample(500, 2).uData;
    const src = bytesByteSource(new TextEncoder().encode(text), 'u.data');
    let lastDone = 0;
    const ds = await importCtrFile(src, { maxRows: 50, sliceBytes: 256, format: 'movielens-100k', onProgress: (done) => (lastDone = done) });
    expect(ds.train.rows + ds.valid.rows + ds.test.rows).toBe(50);
    expect(lastDone).toBeLessThan(src.size);
  });

  it('rejects an empty or unknown file with an ImportError', async () => {
    await expect(importCtrFile(bytesByteSource(new Uint8Array(0), 'empty.tsv'))).rejects.toMatchObject({ code: 'empty' });
    await expect(importCtrFile(bytesByteSource(new TextEncoder().encode('a;b;c\n'), 'x.csv'))).rejects.toMatchObject({ code: 'bad-header' });
    await expect(importCtrFile(bytesByteSource(new TextEncoder().encode('abc\n'), 'x.txt'))).rejects.toMatchObject({ code: 'unsupported-format' });
  });

  it('can be cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const src = bytesByteSource(new TextEncoder().encode(generateCriteoSample(10, 1)), 'c.tsv');
    await expect(importCtrFile(src, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  describe('a file cut inside its last line (cutShort.ts)', () => {
    const samples: [string, string][] = [
      ['criteo.tsv', generateCriteoSample(12, 5)],
      ['avazu.csv', generateAvazuSample(12, 5)],
      ['ratings.csv', generateMovieLensSample(12, 5).ratingsCsv],
      ['u.data', generateMovieLensSample(12, 5).uData],
    ];
    const streamed = (text: string, name: string) => importCtrFile(bytesByteSource(new TextEncoder().encode(text), name), { sliceBytes: 97 });
    const rowsOf = (ds: { train: { rows: number }; valid: { rows: number }; test: { rows: number } }) => ds.train.rows + ds.valid.rows + ds.test.rows;

    it.each(samples)('%s: complete without its final newline, it loads whole', async (name, text) => {
      expect(rowsOf(await streamed(text.slice(0, -1), name))).toBe(12);
      expect(rowsOf(parseCtrText(text.slice(0, -1), { fileName: name }))).toBe(12);
    });

    it.each(samples)('%s: every cut inside the last line is named, streamed or whole', async (name, text) => {
      const whole = text.slice(0, -1);
      const lastLine = whole.split('\n').length;
      // Avazu's last column (C21) holds short ids of varying width in real data: a cut inside its
      // last value leaves a valid id (cutShort.ts rule c), so only cuts up to that value are named.
      const end = name === 'avazu.csv' ? whole.lastIndexOf(',') + 2 : whole.length;
      for (let cut = whole.lastIndexOf('\n') + 2; cut < end; cut++) {
        const cutText = whole.slice(0, cut);
        const error = await streamed(cutText, name).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, JSON.stringify(cutText.slice(-12))).toMatchObject({
          code: 'truncated',
          message: expect.stringContaining(`${name} ends inside line ${lastLine}: the file looks cut short`),
        });
        expect(() => parseCtrText(cutText, { fileName: name, name })).toThrow(/ends inside line \d+: the file looks cut short/);
      }
    });
  });
});
