/**
 * Tiny seeded behaviour-sequence datasets for the sequence model tests (S1's generator is the
 * product one; this one is only big enough to learn in a few dozen steps). Item i has category
 * 1 + (i - 1) % categories. A sample clicks with probability sigmoid(-1 + 2.5 * [the target's
 * category is among the last `recent` behaviours] + 1.5 * [category 1 anywhere in the history]),
 * so both a recency effect and a position-free effect are planted.
 */
import type { SequenceDataset, SequenceSamples } from '../../src/contracts/sequence.ts';
import { createRng, type Rng } from '../../src/data/ctr/prng.ts';

export interface TinySequenceOptions {
  seed: number;
  train: number;
  test: number;
  users?: number;
  items?: number;
  categories?: number;
  /** History lengths are uniform in minHistory..maxHistory. */
  minHistory?: number;
  maxHistory?: number;
  recent?: number;
}

function samples(n: number, rng: Rng, o: Required<TinySequenceOptions>): SequenceSamples {
  const category = (item: number) => 1 + ((item - 1) % o.categories);
  const s: SequenceSamples = {
    count: n,
    labels: new Uint8Array(n),
    users: new Int32Array(n),
    targetItems: new Int32Array(n),
    targetCategories: new Int32Array(n),
    histOffsets: new Int32Array(n + 1),
    histItems: new Int32Array(0),
    histCategories: new Int32Array(0),
  };
  const items: number[] = [];
  for (let i = 0; i < n; i++) {
    s.users[i] = 1 + rng.int(o.users);
    const target = 1 + rng.int(o.items);
    s.targetItems[i] = target;
    s.targetCategories[i] = category(target);
    const length = o.minHistory + rng.int(o.maxHistory - o.minHistory + 1);
    let recentMatch = 0;
    let anyOne = 0;
    for (let j = 0; j < length; j++) {
      const item = 1 + rng.int(o.items);
      items.push(item);
      if (length - j <= o.recent && category(item) === category(target)) recentMatch = 1;
      if (category(item) === 1) anyOne = 1;
    }
    s.histOffsets[i + 1] = items.length;
    const logit = -1 + 2.5 * recentMatch + 1.5 * anyOne;
    s.labels[i] = rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  s.histItems = Int32Array.from(items);
  s.histCategories = s.histItems.map(category);
  return s;
}

export function tinySequenceDataset(options: TinySequenceOptions): SequenceDataset {
  const o: Required<TinySequenceOptions> = { users: 20, items: 40, categories: 8, minHistory: 0, maxHistory: 12, recent: 3, ...options };
  const rng = createRng(o.seed);
  return {
    source: `tiny-sequences-${o.seed}`,
    train: samples(o.train, rng, o),
    test: samples(o.test, rng, o),
    itemVocabulary: o.items + 1,
    categoryVocabulary: o.categories + 1,
    categoryNames: Array.from({ length: o.categories + 1 }, (_, c) => (c === 0 ? '' : `c${c}`)),
    maxHistory: o.maxHistory,
  };
}
