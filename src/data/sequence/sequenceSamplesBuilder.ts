/**
 * Collects behaviour-sequence samples as the readers and the synthetic generator meet them (tokens
 * as the file spells them) into a SequenceDataset: items, categories and users get dense 1-based
 * ids in first-seen order (0 is padding), histories are kept to the most recent `maxHistory`
 * behaviours, and every sample goes to train or test by its user (sequenceSplit.ts).
 */
import type { SequenceDataset, SequenceSamples } from '../../contracts/sequence.ts';
import { ImportError } from '../importError.ts';
import { isTestUser } from './sequenceSplit.ts';

/** Histories are cut to this many most recent behaviours unless a reader says otherwise (DARE keeps 200). */
export const DEFAULT_MAX_HISTORY = 200;
/** Behaviours kept over all samples: 50M ids take 400 MB in two Int32Arrays. */
export const MAX_KEPT_BEHAVIOURS = 50_000_000;
/** Distinct items or categories a dataset may have. */
export const MAX_VOCABULARY = 10_000_000;

/** Dense ids for tokens, 1-based in first-seen order. */
export class TokenIds {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [''];

  constructor(private readonly what: string) {}

  get size(): number {
    return this.names.length;
  }

  id(token: string): number {
    let id = this.ids.get(token);
    if (id === undefined) {
      id = this.names.length;
      if (id > MAX_VOCABULARY)
        throw new ImportError(
          'too-large',
          `The file has more than ${MAX_VOCABULARY} distinct ${this.what}; RecLens reads at most that many.`,
          'Keep a sample of the users.',
        );
      this.ids.set(token, id);
      this.names.push(token);
    }
    return id;
  }
}

class SplitBuilder {
  labels: number[] = [];
  users: number[] = [];
  targetItems: number[] = [];
  targetCategories: number[] = [];
  offsets: number[] = [0];
  items: Int32Array;
  categories: Int32Array;
  length = 0;

  /** `capacity`: behaviours to hold before growing (a generator that knows its sizes allocates once). */
  constructor(capacity = 1024) {
    this.items = new Int32Array(Math.max(1, capacity));
    this.categories = new Int32Array(Math.max(1, capacity));
  }

  push(label: number, user: number, item: number, category: number, histItems: ArrayLike<number>, histCategories: ArrayLike<number>, from: number): void {
    const n = histItems.length - from;
    if (this.length + n > this.items.length) {
      const grown = Math.max(this.items.length * 2, this.length + n);
      const items = new Int32Array(grown);
      items.set(this.items.subarray(0, this.length));
      const categories = new Int32Array(grown);
      categories.set(this.categories.subarray(0, this.length));
      this.items = items;
      this.categories = categories;
    }
    for (let j = from; j < histItems.length; j++) {
      this.items[this.length] = histItems[j];
      this.categories[this.length] = histCategories[j];
      this.length++;
    }
    this.labels.push(label);
    this.users.push(user);
    this.targetItems.push(item);
    this.targetCategories.push(category);
    this.offsets.push(this.length);
  }

  build(): SequenceSamples {
    return {
      count: this.labels.length,
      labels: Uint8Array.from(this.labels),
      users: Int32Array.from(this.users),
      targetItems: Int32Array.from(this.targetItems),
      targetCategories: Int32Array.from(this.targetCategories),
      histOffsets: Int32Array.from(this.offsets),
      histItems: this.kept(this.items),
      histCategories: this.kept(this.categories),
    };
  }

  /** The filled part: a view when little of the buffer is unused (a generator sized it), else a copy that frees the rest. */
  private kept(a: Int32Array): Int32Array {
    return a.length - this.length <= a.length / 16 ? a.subarray(0, this.length) : a.slice(0, this.length);
  }
}

export type SequenceSplitName = 'train' | 'valid' | 'test';

export interface SequenceBuilderOptions {
  /** Keep the most recent this many behaviours of each history; default DEFAULT_MAX_HISTORY. */
  maxHistory?: number;
  /** Share of users in the test split, in percent; default 15. */
  testPercent?: number;
  /** Behaviours each split will hold, when the caller knows (an upper bound): allocated once instead of grown. */
  capacity?: { train: number; test: number };
}

export class SequenceSamplesBuilder {
  readonly users = new TokenIds('users');
  readonly items = new TokenIds('items');
  readonly categories = new TokenIds('categories');
  readonly maxHistory: number;
  private readonly testPercent: number;
  private readonly train: SplitBuilder;
  private readonly test: SplitBuilder;
  private readonly valid = new SplitBuilder();
  private userTest = new Map<number, boolean>();
  private longest = 0;
  private scratchItems = new Int32Array(0);
  private scratchCategories = new Int32Array(0);

  constructor(options: SequenceBuilderOptions = {}) {
    this.maxHistory = options.maxHistory ?? DEFAULT_MAX_HISTORY;
    this.testPercent = options.testPercent ?? 15;
    this.train = new SplitBuilder(options.capacity?.train);
    this.test = new SplitBuilder(options.capacity?.test);
  }

  get count(): number {
    return this.train.labels.length + this.test.labels.length + this.valid.labels.length;
  }

  /** Is this user's every sample in the test split? */
  isTest(user: string): boolean {
    return isTestUser(user, this.testPercent);
  }

  /**
   * Adds a sample given by ids (from this builder's TokenIds). Histories are oldest first; only the
   * most recent maxHistory behaviours are kept. `split`: where a format's protocol puts the sample;
   * without it, the user's split (sequenceSplit.ts).
   */
  addIds(
    label: number,
    user: number,
    item: number,
    category: number,
    histItems: ArrayLike<number>,
    histCategories: ArrayLike<number>,
    split?: SequenceSplitName,
  ): void {
    let test = this.userTest.get(user);
    if (test === undefined && split === undefined) {
      test = this.isTest(this.users.names[user]);
      this.userTest.set(user, test);
    }
    const from = Math.max(0, histItems.length - this.maxHistory);
    if (this.train.length + this.test.length + this.valid.length + histItems.length - from > MAX_KEPT_BEHAVIOURS)
      throw new ImportError(
        'too-large',
        `The samples hold more than ${MAX_KEPT_BEHAVIOURS} behaviours (after cutting histories to ${this.maxHistory}); RecLens reads at most that many.`,
        'Keep a sample of the users, or shorter histories.',
      );
    this.longest = Math.max(this.longest, histItems.length - from);
    const to = split === undefined ? (test ? this.test : this.train) : this[split];
    to.push(label, user, item, category, histItems, histCategories, from);
  }

  /**
   * Adds a sample as a file spells it. Ids are given in the order a row reads: user, target item,
   * target category, the history's items, then its categories (so every reader numbers alike).
   */
  addTokens(
    label: number,
    user: string,
    item: string,
    category: string,
    histItems: readonly string[],
    histCategories: readonly string[],
    split?: SequenceSplitName,
  ): void {
    const u = this.users.id(user);
    const i = this.items.id(item);
    const c = this.categories.id(category);
    const from = Math.max(0, histItems.length - this.maxHistory);
    const n = histItems.length - from;
    if (this.scratchItems.length < n) {
      this.scratchItems = new Int32Array(n);
      this.scratchCategories = new Int32Array(n);
    }
    for (let j = 0; j < n; j++) this.scratchItems[j] = this.items.id(histItems[from + j]);
    for (let j = 0; j < n; j++) this.scratchCategories[j] = this.categories.id(histCategories[from + j]);
    this.addIds(label, u, i, c, this.scratchItems.subarray(0, n), this.scratchCategories.subarray(0, n), split);
  }

  /** The dataset; throws ImportError('empty') when a split has no sample. */
  build(source: string): SequenceDataset {
    if (this.count === 0) throw new ImportError('empty', `${source} holds no samples.`, 'Check that the file is the data file, not only its header.');
    let train = this.train.build();
    let test = this.test.build();
    if (train.count + test.count === 0) throw new ImportError('empty', `${source} holds no train or test samples.`, 'Check that the file is the data file.');
    if (train.count === 0 || test.count === 0) {
      // Too few users for a split by user: the last share of the samples is the test split.
      const all = train.count === 0 ? test : train;
      if (all.count < 2)
        throw new ImportError('empty', `${source} holds one sample; training needs a train and a test sample.`, 'Use a file with more samples.');
      const cut = Math.min(all.count - 1, Math.max(1, Math.round(all.count * (1 - this.testPercent / 100))));
      train = sliceSamples(all, 0, cut);
      test = sliceSamples(all, cut, all.count);
    }
    const valid = this.valid.build();
    return {
      source,
      train,
      test,
      ...(valid.count > 0 ? { valid } : {}),
      itemVocabulary: this.items.size,
      categoryVocabulary: this.categories.size,
      categoryNames: [...this.categories.names],
      maxHistory: this.longest,
    };
  }
}

/** Samples start .. end of a split, histories rebased. */
export function sliceSamples(s: SequenceSamples, start: number, end: number): SequenceSamples {
  const h0 = s.histOffsets[start];
  const h1 = s.histOffsets[end];
  return {
    count: end - start,
    labels: s.labels.slice(start, end),
    users: s.users.slice(start, end),
    targetItems: s.targetItems.slice(start, end),
    targetCategories: s.targetCategories.slice(start, end),
    histOffsets: Int32Array.from(s.histOffsets.subarray(start, end + 1), (o) => o - h0),
    histItems: s.histItems.slice(h0, h1),
    histCategories: s.histCategories.slice(h0, h1),
  };
}
