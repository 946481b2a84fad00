import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import { detectSequenceFile, detectSequenceFormat } from './detectSequenceFormat.ts';
import { importSequenceFile, importSequenceText } from './importSequenceFile.ts';
import { isTestUser } from './sequenceSplit.ts';
import { gzipSync } from 'fflate';

const HEADER = 'label,user,target_item,target_category,hist_items,hist_categories';
const dir = new URL('../../../test/sequence-data/', import.meta.url);

async function failure(text: string): Promise<ImportError> {
  try {
    await importSequenceText(text, { fileName: 'seq.csv', format: 'sequence-csv' });
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('expected an ImportError');
}

describe('sequence-sample CSV', () => {
  it('reads samples with histories oldest first, dense 1-based ids in first-seen order', async () => {
    const text = [HEADER, '1,u1,i9,c2,i1 i2 i3,c1 c1 c2', '0,u1,i8,c3,i2,c1', '1,u2,i1,c1,,'].join('\n');
    const ds = await importSequenceText(text, { testPercent: 0 });
    const all = [ds.train, ds.test];
    expect(all.reduce((n, s) => n + s.count, 0)).toBe(3);
    expect(ds.categoryNames).toEqual(['', 'c2', 'c1', 'c3']);
    const s = ds.train;
    expect(Array.from(s.labels.subarray(0, 2))).toEqual([1, 0]);
    // i9 = 1, i1 = 2, i2 = 3, i3 = 4; c2 = 1, c1 = 2.
    expect(Array.from(s.histItems.subarray(s.histOffsets[0], s.histOffsets[1]))).toEqual([2, 3, 4]);
    expect(Array.from(s.histCategories.subarray(s.histOffsets[0], s.histOffsets[1]))).toEqual([2, 2, 1]);
    expect(ds.itemVocabulary).toBe(6);
    expect(ds.maxHistory).toBe(3);
  });

  it('keeps the most recent maxHistory behaviours, and splits by user', async () => {
    const rows = Array.from({ length: 200 }, (_, u) => `1,user${u},t,c,a b c d e,x y z w v`);
    const ds = await importSequenceText([HEADER, ...rows].join('\n'), { maxHistory: 2 });
    expect(ds.maxHistory).toBe(2);
    expect(Array.from(ds.train.histCategories.subarray(0, 2)).map((c) => ds.categoryNames[c])).toEqual(['w', 'v']);
    const testUsers = rows.filter((_, u) => isTestUser(`user${u}`, 15)).length;
    expect(ds.test.count).toBe(testUsers);
    expect(testUsers).toBeGreaterThan(10);
    expect(testUsers).toBeLessThan(50);
  });

  it('reads a gzip file (the built-in datasets) the same as its text', async () => {
    const text = readFileSync(new URL('edge_cases.csv', dir), 'utf8');
    const plain = await importSequenceText(text);
    const gz = await importSequenceFile(bytesByteSource(gzipSync(new TextEncoder().encode(text), { mtime: 0 }), 'edge_cases.csv.gz'));
    expect(gz).toEqual({ ...plain, source: 'edge_cases.csv' });
  });

  it('fails with a message naming the problem and the line', async () => {
    expect((await failure(`label,user,target_item\n1,u,i`)).message).toMatch(
      /line 1 is not a sequence-sample header: target_category, hist_items, hist_categories are missing/,
    );
    expect((await failure(`${HEADER}\n1,u,i,c,a b,x`)).message).toMatch(/line 2: hist_items has 2 behaviours and hist_categories 1/);
    expect((await failure(`${HEADER}\n1,u,i,c,a b,x y\n2,u,i,c,a,x`)).message).toMatch(/line 3: the label is "2", not 0 or 1/);
    expect((await failure(`${HEADER}\n1,u,i,c,a b`)).message).toMatch(/line 2 has 5 columns; the header names 6/);
    expect((await failure(`${HEADER}\n1,,i,c,a,x`)).message).toMatch(/line 2: user is empty/);
    expect((await failure(`${HEADER}\n`)).code).toBe('empty');
    expect((await failure(`${HEADER}\n1,u,i,c,a,x`)).message).toMatch(/one sample/);
  });

  it('is cancelled by its signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(importSequenceText(`${HEADER}\n1,u,i,c,a,x\n0,v,i,c,a,x`, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('is detected by its header; Taobao lines and FuxiCTR headers by theirs', () => {
    expect(detectSequenceFormat([HEADER])).toBe('sequence-csv');
    expect(detectSequenceFormat(['1,2268318,2520377,pv,1511544070'])).toBe('taobao-user-behavior');
    expect(
      detectSequenceFormat([readFileSync(new URL('../../../test/ctr-data/fuxictr_tiny_csv_train_sample.csv', import.meta.url), 'utf8').split('\n')[0]]),
    ).toBe('ctr-sequence-csv');
    expect(detectSequenceFormat(['label,I1,C1'])).toBeNull();
  });

  it("tells a dropped file, gzip'd or not, from its first bytes", async () => {
    const text = readFileSync(new URL('synthetic_small.csv', dir));
    expect(await detectSequenceFile(bytesByteSource(text, 'a.csv'))).toBe('sequence-csv');
    expect(await detectSequenceFile(bytesByteSource(gzipSync(text, { mtime: 0 }), 'a.csv.gz'))).toBe('sequence-csv');
    expect(await detectSequenceFile(bytesByteSource(readFileSync(new URL('taobao_user_behavior_sample.csv', dir)), 'UserBehavior.csv'))).toBe(
      'taobao-user-behavior',
    );
    expect(await detectSequenceFile(bytesByteSource(new TextEncoder().encode('label,I1\n1,2\n'), 'ctr.csv'))).toBeNull();
  });
});
