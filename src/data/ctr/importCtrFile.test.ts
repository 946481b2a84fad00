import { describe, expect, it } from 'vitest';
import { bytesByteSource } from '../byteSource.ts';
import { importCtrFile } from './importCtrFile.ts';
import { parseCtrText } from './parseCtrText.ts';
import { generateCriteoSample, generateMovieLensSample } from './sampleFiles.ts';

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
    await expect(importCtrFile(bytesByteSource(new TextEncoder().encode('a;b;c\n'), 'x.csv'))).rejects.toMatchObject({ code: 'unsupported-format' });
  });

  it('can be cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const src = bytesByteSource(new TextEncoder().encode(generateCriteoSample(10, 1)), 'c.tsv');
    await expect(importCtrFile(src, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
