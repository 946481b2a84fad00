/**
 * Taobao's UserBehavior.csv (Tianchi dataset 649: `user,item,category,behavior,timestamp`, no
 * header, behavior one of pv, buy, cart, fav) made into samples by DARE's protocol (SCIENCE.md
 * section 4, thuml/DARE preprocess/README.md): page views only; users with at least 210 of them;
 * each user's views in time order (ties in file order); per user 19 training targets, the i-th most
 * recent view for i = 3, 8, ..., 93, a validation target (the second most recent) and a test
 * target (the most recent); history = the up to 200 views before the target; each positive gets
 * two negatives with the same history, items drawn by view frequency among the items the user
 * never viewed (seeded, so a file gives the same samples every time).
 */
import type { SequenceDataset } from '../../contracts/sequence.ts';
import { eventLoopPacer } from '../abort.ts';
import { createRng } from '../ctr/prng.ts';
import { aliasTable, sampleAlias } from '../ctr/zipf.ts';
import { ImportError } from '../importError.ts';
import type { SequenceParseOptions, SequenceParser } from './sequenceParser.ts';
import { SequenceSamplesBuilder, TokenIds, type SequenceSplitName } from './sequenceSamplesBuilder.ts';

export const TAOBAO_BEHAVIOURS = ['pv', 'buy', 'cart', 'fav'] as const;
/** DARE keeps users with at least this many page views. */
export const TAOBAO_MIN_VIEWS = 210;
/** The i-th most recent view is a training target for these i. */
export const TAOBAO_TRAIN_TARGETS = Array.from({ length: 19 }, (_, k) => 3 + 5 * k);
export const TAOBAO_HISTORY = 200;
export const TAOBAO_NEGATIVES = 2;
/** Page views held in memory (three Int32Arrays and a Float64Array each): the full file's 89M do not fit a tab. */
export const MAX_TAOBAO_VIEWS = 20_000_000;
/** Draws per negative before the sampler gives up on a user who viewed nearly every item. */
const MAX_NEGATIVE_TRIES = 1000;

const shown = (cell: string) => JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);

export function createTaobaoUserBehaviorParser(options: SequenceParseOptions = {}): SequenceParser {
  const file = options.fileName ?? 'UserBehavior.csv';
  const users = new TokenIds('users');
  const items = new TokenIds('items');
  const categories = new TokenIds('categories');
  let viewUser = new Int32Array(1 << 16);
  let viewItem = new Int32Array(1 << 16);
  let viewTime = new Float64Array(1 << 16);
  let views = 0;
  /** category of item id (as first seen). */
  const itemCategory: number[] = [0];
  let lines = 0;

  const grow = () => {
    const n = viewUser.length * 2;
    const u = new Int32Array(n);
    u.set(viewUser);
    const i = new Int32Array(n);
    i.set(viewItem);
    const t = new Float64Array(n);
    t.set(viewTime);
    viewUser = u;
    viewItem = i;
    viewTime = t;
  };

  return {
    format: 'taobao-user-behavior',
    get lines() {
      return lines;
    },
    push(line) {
      lines++;
      if (line.trim() === '') return;
      const cells = line.split(',');
      if (cells.length !== 5)
        throw new ImportError(
          'ragged-row',
          `${file} line ${lines} has ${cells.length} columns; UserBehavior.csv has 5 (user,item,category,behavior,timestamp).`,
          `Check that line ${lines} is complete.`,
        );
      const [user, item, category, behaviour, time] = cells.map((c) => c.trim());
      if (!(TAOBAO_BEHAVIOURS as readonly string[]).includes(behaviour))
        throw new ImportError(
          'bad-header',
          `${file} line ${lines}: the behavior is ${shown(behaviour)}, not one of ${TAOBAO_BEHAVIOURS.join(', ')}.`,
          'Check that this is Taobao UserBehavior.csv (user,item,category,behavior,timestamp, no header).',
        );
      if (!/^-?\d+$/.test(time))
        throw new ImportError('non-numeric', `${file} line ${lines}: the timestamp is ${shown(time)}, not a whole number of seconds.`, `Check line ${lines}.`);
      for (const [name, value] of [
        ['user', user],
        ['item', item],
        ['category', category],
      ] as const)
        if (value === '') throw new ImportError('bad-header', `${file} line ${lines}: the ${name} is empty.`, `Check line ${lines}.`);
      if (behaviour !== 'pv') return;
      if (views >= MAX_TAOBAO_VIEWS)
        throw new ImportError(
          'too-large',
          `${file} has more than ${MAX_TAOBAO_VIEWS} page views (by line ${lines}); RecLens holds at most that many in a browser tab.`,
          'Take a sample of users first (e.g. every line whose user id ends in 0), or use the CLI on a sample.',
        );
      if (views === viewUser.length) grow();
      const it = items.id(item);
      const c = categories.id(category);
      if (it === itemCategory.length) itemCategory.push(c);
      viewUser[views] = users.id(user);
      viewItem[views] = it;
      viewTime[views] = Number(time);
      views++;
    },
    async finish(signal) {
      return buildSamples(signal);
    },
  };

  async function buildSamples(signal?: AbortSignal): Promise<SequenceDataset> {
    const pace = eventLoopPacer(signal);
    // Views by user, in time order (a stable sort keeps the file's order on equal timestamps).
    const perUser = new Int32Array(users.size);
    for (let v = 0; v < views; v++) perUser[viewUser[v]]++;
    const start = new Int32Array(users.size + 1);
    for (let u = 1; u < users.size; u++) start[u + 1] = start[u] + perUser[u];
    const order = new Int32Array(views);
    const fill = start.slice();
    for (let v = 0; v < views; v++) order[fill[viewUser[v]]++] = v;
    // Item view counts (all users) for the negative sampler.
    const frequency = new Float64Array(items.size);
    for (let v = 0; v < views; v++) frequency[viewItem[v]]++;
    if (views === 0)
      throw new ImportError('empty', `${file} has no page views (behavior pv).`, 'Check that this is Taobao UserBehavior.csv with its pv lines.');
    const sampler = aliasTable(frequency);
    const rng = createRng(options.seed ?? 0);
    const builder = new SequenceSamplesBuilder({ maxHistory: options.maxHistory ?? TAOBAO_HISTORY });
    // The builder numbers tokens itself; keep its numbering in step with the file's by reusing the names.
    const itemName = items.names;
    const categoryName = categories.names;
    const histItems: string[] = [];
    const histCategories: string[] = [];
    const maxHistory = options.maxHistory ?? TAOBAO_HISTORY;
    let kept = 0;
    let step = 0;
    for (let u = 1; u < users.size; u++) {
      const n = perUser[u];
      if (n < TAOBAO_MIN_VIEWS) continue;
      kept++;
      const seq = order.subarray(start[u], start[u + 1]);
      // Stable by time: the counting sort above kept file order; sort by time, breaking ties by that order.
      const byTime = Array.from(seq).sort((a, b) => viewTime[a] - viewTime[b] || a - b);
      const viewed = new Set<number>();
      for (const v of byTime) viewed.add(viewItem[v]);
      const targets: [number, SequenceSplitName][] = [...TAOBAO_TRAIN_TARGETS.map((i): [number, SequenceSplitName] => [i, 'train']), [2, 'valid'], [1, 'test']];
      for (const [i, split] of targets) {
        const at = n - i;
        const from = Math.max(0, at - maxHistory);
        histItems.length = 0;
        histCategories.length = 0;
        for (let j = from; j < at; j++) {
          const it = viewItem[byTime[j]];
          histItems.push(itemName[it]);
          histCategories.push(categoryName[itemCategory[it]]);
        }
        const positive = viewItem[byTime[at]];
        const userName = users.names[u];
        builder.addTokens(1, userName, itemName[positive], categoryName[itemCategory[positive]], histItems, histCategories, split);
        for (let k = 0; k < TAOBAO_NEGATIVES; k++) {
          let negative = 0;
          for (let tries = 0; tries < MAX_NEGATIVE_TRIES; tries++) {
            const candidate = sampleAlias(sampler, rng.next());
            if (!viewed.has(candidate)) {
              negative = candidate;
              break;
            }
          }
          if (negative === 0)
            throw new ImportError(
              'empty',
              `${file}: user ${shown(userName)} viewed nearly every item, so no negative could be drawn among items they never viewed.`,
              'Use a file with more items than one user views.',
            );
          builder.addTokens(0, userName, itemName[negative], categoryName[itemCategory[negative]], histItems, histCategories, split);
        }
        const wait = pace(++step);
        if (wait) await wait;
      }
    }
    let most = 0;
    for (let u = 1; u < users.size; u++) most = Math.max(most, perUser[u]);
    if (kept === 0)
      throw new ImportError(
        'empty',
        `${file}: no user has ${TAOBAO_MIN_VIEWS} page views (DARE's protocol keeps only those); the most any user has is ${most}.`,
        'Use the whole UserBehavior.csv, or a sample that keeps all of each chosen user’s lines.',
      );
    return builder.build(file);
  }
}
