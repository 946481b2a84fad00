import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../csv.ts';
import { ImportError } from '../importError.ts';
import { UNKNOWN_CATEGORY } from './ctrSequenceCsv.ts';
import { importSequenceText } from './importSequenceFile.ts';

// FuxiCTR's data/tiny_csv/train_sample.csv, unmodified (test/ctr-data/SOURCES.md).
const text = readFileSync(new URL('../../../test/ctr-data/fuxictr_tiny_csv_train_sample.csv', import.meta.url), 'utf8');

describe("a CTR CSV's behaviour-sequence column (FuxiCTR's Taobao-ad sample)", () => {
  it('reads clk, userid, adgroup_id, cate_id and the ^-separated click_sequence of every row', async () => {
    const ds = await importSequenceText(text, { fileName: 'train_sample.csv', testPercent: 0 });
    const rows = parseCsvText(text).slice(1);
    const header = parseCsvText(text)[0];
    const col = (n: string) => header.indexOf(n);
    const all = [ds.train, ds.test];
    expect(all.reduce((n, s) => n + s.count, 0)).toBe(rows.length);
    let r = 0;
    for (const s of all)
      for (let i = 0; i < s.count; i++, r++) {
        const row = rows[r];
        expect(s.labels[i]).toBe(Number(row[col('clk')]));
        expect(ds.categoryNames[s.targetCategories[i]]).toBe(row[col('cate_id')]);
        const sequence = row[col('click_sequence')] === '' ? [] : row[col('click_sequence')].split('^');
        expect(s.histOffsets[i + 1] - s.histOffsets[i]).toBe(sequence.length);
      }
  });

  it("gives a history item the category the file gives it as a target, '?' when it never is one", async () => {
    const ds = await importSequenceText(text, { testPercent: 0 });
    const rows = parseCsvText(text);
    const header = rows[0];
    const categoryOf = new Map<string, string>();
    for (const row of rows.slice(1))
      if (!categoryOf.has(row[header.indexOf('adgroup_id')])) categoryOf.set(row[header.indexOf('adgroup_id')], row[header.indexOf('cate_id')]);
    const sequence = rows[1][header.indexOf('click_sequence')].split('^');
    const s = ds.train;
    const got = Array.from(s.histCategories.subarray(s.histOffsets[0], s.histOffsets[1]), (c) => ds.categoryNames[c]);
    expect(got).toEqual(sequence.map((item) => categoryOf.get(item) ?? UNKNOWN_CATEGORY));
  });

  it('takes the categories from a cate_sequence column when there is one', async () => {
    const t = ['clk,userid,adgroup_id,cate_id,click_sequence,cate_sequence', '1,u1,7,c7,1^2^3,c1^c2^c1', '0,u2,8,c8,2,c2'].join('\n');
    const ds = await importSequenceText(t, { testPercent: 0 });
    // Two samples and no test share: the first trains, the second tests.
    expect(Array.from(ds.train.histCategories, (c) => ds.categoryNames[c])).toEqual(['c1', 'c2', 'c1']);
    expect(Array.from(ds.test.histCategories, (c) => ds.categoryNames[c])).toEqual(['c2']);
  });

  it('fails clearly on a bad label, mismatched sequences or an empty id', async () => {
    const fail = async (t: string) => {
      try {
        await importSequenceText(t, { fileName: 'ctr.csv', format: 'ctr-sequence-csv' });
      } catch (e) {
        if (e instanceof ImportError) return e.message;
        throw e;
      }
      throw new Error('expected an ImportError');
    };
    expect(await fail('clk,adgroup_id,cate_id,click_sequence\n5,1,2,3')).toMatch(/line 2, column clk: the label is "5"/);
    expect(await fail('clk,adgroup_id,cate_id,click_sequence,cate_sequence\n1,1,2,3^4,5')).toMatch(/line 2: click_sequence has 2 ids and cate_sequence 1/);
    expect(await fail('clk,adgroup_id,cate_id,click_sequence\n1,1,2,3^^4')).toMatch(/line 2: click_sequence has an empty id/);
    expect(await fail('clk,cate_id,click_sequence\n1,2,3')).toMatch(/line 1: no target item column/);
  });
});
