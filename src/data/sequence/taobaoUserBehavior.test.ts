import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SequenceSamples } from '../../contracts/sequence.ts';
import { ImportError } from '../importError.ts';
import { importSequenceText } from './importSequenceFile.ts';
import { TAOBAO_MIN_VIEWS } from './taobaoUserBehavior.ts';

const text = readFileSync(new URL('../../../test/sequence-data/taobao_user_behavior_sample.csv', import.meta.url), 'utf8');
const read = (seed = 0) => importSequenceText(text, { fileName: 'UserBehavior.csv', seed });

/** Each user's page views in time order (ties in file order), from the raw lines. */
function viewsByUser(): Map<string, { item: string; category: string }[]> {
  const rows = text
    .trim()
    .split('\n')
    .map((l, at) => {
      const [user, item, category, behaviour, time] = l.split(',');
      return { user, item, category, behaviour, time: Number(time), at };
    })
    .filter((r) => r.behaviour === 'pv')
    .sort((a, b) => a.time - b.time || a.at - b.at);
  const out = new Map<string, { item: string; category: string }[]>();
  for (const r of rows) {
    const list = out.get(r.user) ?? [];
    list.push({ item: r.item, category: r.category });
    out.set(r.user, list);
  }
  return out;
}

const itemNames = (s: SequenceSamples, i: number) => {
  const names: string[] = [];
  for (let j = s.histOffsets[i]; j < s.histOffsets[i + 1]; j++) names.push(String(s.histItems[j]));
  return names;
};

describe("Taobao UserBehavior.csv under DARE's protocol", () => {
  it('keeps users with >= 210 page views: 19 train, 1 valid, 1 test target each, two negatives per positive', async () => {
    const ds = await read();
    const users = 3; // 1001 (230 views), 1002 (216), 1003 (210); 1004 has 209, 1005 40
    expect(ds.train.count).toBe(users * 19 * 3);
    expect(ds.valid!.count).toBe(users * 3);
    expect(ds.test.count).toBe(users * 3);
    for (const s of [ds.train, ds.valid!, ds.test])
      for (let i = 0; i < s.count; i += 3) expect([s.labels[i], s.labels[i + 1], s.labels[i + 2]]).toEqual([1, 0, 0]);
    expect(TAOBAO_MIN_VIEWS).toBe(210);
  });

  it('takes the i-th most recent view as target (i = 1 test, 2 valid, 3, 8, ..., 93 train) and the up to 200 views before it as history', async () => {
    const ds = await read();
    const views = viewsByUser();
    const itemName = new Map<number, string>();
    // The reader numbers items itself; recover names through the sample it must have made.
    const check = (s: SequenceSamples, sample: number, user: string, i: number) => {
      const list = views.get(user)!;
      const at = list.length - i;
      const history = list.slice(Math.max(0, at - 200), at);
      expect(s.histOffsets[sample + 1] - s.histOffsets[sample], `${user} i=${i}`).toBe(history.length);
      // Every sample of a user-target triple shares the positive's history.
      expect(itemNames(s, sample + 1)).toEqual(itemNames(s, sample));
      const first = s.histItems[s.histOffsets[sample]];
      if (itemName.has(first)) expect(itemName.get(first)).toBe(history[0].item);
      itemName.set(first, history[0].item);
      const categories = Array.from(s.histCategories.subarray(s.histOffsets[sample], s.histOffsets[sample + 1]), (c) => ds.categoryNames[c]);
      expect(categories).toEqual(history.map((h) => h.category));
      expect(ds.categoryNames[s.targetCategories[sample]]).toBe(list[at].category);
    };
    ['1001', '1002', '1003'].forEach((user, u) => {
      check(ds.test, 3 * u, user, 1);
      check(ds.valid!, 3 * u, user, 2);
      for (let k = 0; k < 19; k++) check(ds.train, 3 * (19 * u + k), user, 3 + 5 * k);
    });
    // 230 views: the test target has 200 behind it; user 1003's oldest training target (i = 93) has 117.
    expect(ds.test.histOffsets[1] - ds.test.histOffsets[0]).toBe(200);
    expect(ds.train.histOffsets[3 * (19 * 2 + 18) + 1] - ds.train.histOffsets[3 * (19 * 2 + 18)]).toBe(117);
  });

  it('draws negatives among items the user never viewed, the same for a seed, others for another seed', async () => {
    const a = await read(1);
    const b = await read(1);
    const c = await read(2);
    expect(b.train.targetItems).toEqual(a.train.targetItems);
    expect(c.train.targetItems).not.toEqual(a.train.targetItems);
    const s = a.train;
    for (let i = 0; i < s.count; i++) {
      if (s.labels[i] === 1) continue;
      const user = s.users[i];
      // Items this user viewed: every history item and positive target of theirs.
      const viewed = new Set<number>();
      for (const split of [a.train, a.valid!, a.test])
        for (let k = 0; k < split.count; k++) {
          if (split.users[k] !== user) continue;
          if (split.labels[k] === 1) viewed.add(split.targetItems[k]);
          for (let j = split.histOffsets[k]; j < split.histOffsets[k + 1]; j++) viewed.add(split.histItems[j]);
        }
      expect(viewed.has(s.targetItems[i])).toBe(false);
    }
  });

  it('fails clearly on a line that is not UserBehavior.csv, or without a user of 210 views', async () => {
    const fail = async (t: string) => {
      try {
        await importSequenceText(t, { fileName: 'UserBehavior.csv', format: 'taobao-user-behavior' });
      } catch (e) {
        if (e instanceof ImportError) return e.message;
        throw e;
      }
      throw new Error('expected an ImportError');
    };
    expect(await fail('1,2,3,pv,100\n1,2,3,click,101')).toMatch(/line 2: the behavior is "click", not one of pv, buy, cart, fav/);
    expect(await fail('1,2,3,pv,100,7')).toMatch(/line 1 has 6 columns; UserBehavior.csv has 5/);
    expect(await fail('1,2,3,pv,yesterday')).toMatch(/line 1: the timestamp is "yesterday"/);
    expect(await fail('1,2,3,pv,100\n1,4,3,pv,101')).toMatch(/no user has 210 page views.*the most any user has is 2/);
    expect(await fail('1,2,3,buy,100')).toMatch(/no page views/);
  });
});
