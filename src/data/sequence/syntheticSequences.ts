/**
 * Seeded synthetic behaviour sequences with a planted category / position correlation (issue 15,
 * SCIENCE.md section 4), so the ground truth a model should find is known.
 *
 * Items belong to categories (category popularity Zipf, items Zipf within their category). Each
 * user has a few favourite categories; its behaviour sequence draws a behaviour's category from
 * them (or, less often, from the global popularity). A user gives `targetsPerUser` samples, cut
 * every `targetStride` behaviours back from the end of its sequence, as DARE's Taobao protocol
 * does: history = the up to `maxHistory` behaviours before the cut, oldest first. The target is a
 * candidate item (a favourite category half the time) and its click is Bernoulli(sigmoid(logit)):
 *
 *   logit = bias + itemBias[target] + S * tanh(sum_j effect(c_t, c_j, p_j) / S)
 *
 * where p_j is behaviour j's target-relative position (1 = most recent) and effect() is the plant:
 * - same-category recency: a behaviour of the target's own category adds
 *   `sameWeight * exp(-(p - 1) / sameDecay)` (a signal category only);
 * - cross-category effects: behaviour category a near position p0 shifts target category b by
 *   `weight * exp(-(p - p0)^2 / (2 width^2))` (a few pairs, one of them negative);
 * - noise categories: behaviours of theirs have no effect on any target, their own included.
 * The soft clamp S keeps a long run of same-category behaviours from saturating the probability.
 * The signal sits in a few behaviours near the target among up to 200, so a model must attend to
 * the right ones. Every random draw comes from one mulberry32 stream: the same config gives the
 * same samples, bit for bit.
 */
import type { SequenceDataset } from '../../contracts/sequence.ts';
import { createRng, type Rng } from '../ctr/prng.ts';
import { aliasTable, sampleAlias, zipfWeights } from '../ctr/zipf.ts';
import { SequenceSamplesBuilder } from './sequenceSamplesBuilder.ts';
import { isTestUser } from './sequenceSplit.ts';

export interface SyntheticSequenceConfig {
  seed: number;
  users?: number;
  categories?: number;
  itemsPerCategory?: number;
  /** Samples (targets) per user. */
  targetsPerUser?: number;
  /** Behaviours between a user's consecutive targets. */
  targetStride?: number;
  /** Shortest history of a sample. */
  minHistory?: number;
  /** Longest history of a sample. */
  maxHistory?: number;
  /** Percent of users in the test split. */
  testPercent?: number;
  /** Which correlation is planted (default 'recency'; the shipped dataset plants 'retrieval'). */
  plant?: PlantKind;
  /** Standard deviation of the items' own logit offsets (default 0.3). */
  itemBiasSd?: number;
}

/**
 * 'recency': the signal sits mostly in recent behaviours of the target's own category, which any
 * embedding retrieves (a category is most similar to itself), plus six position-local cross effects.
 * 'retrieval': the signal sits in one partner category per signal category, anywhere in the history
 * (slow decay), half of the partners raising and half lowering the click; the target's own
 * category carries only a weak recency effect. Finding the partner's behaviours among the others
 * needs an attention that learned the cross-category relation (SCIENCE.md section 4, DARE).
 */
export type PlantKind = 'recency' | 'retrieval';

/** One cross-category effect: behaviour category `from` near position `position` shifts target category `to`. */
export interface CrossEffect {
  from: number;
  to: number;
  position: number;
  width: number;
  weight: number;
  /** When set: weight * exp(-|p - position| / decay) (a slow decay from `position`) instead of the Gaussian bump of `width`. */
  decay?: number;
}

/** The plant, in the generator's category numbers (1-based; a file spells category c as "c"). */
export interface PlantedCorrelation {
  categories: number;
  /** noise[c]: behaviours of category c have no effect. Index 0 unused. */
  noise: boolean[];
  sameWeight: number;
  sameDecay: number;
  cross: CrossEffect[];
  clamp: number;
}

/** A generated sample before it becomes ids: its user, cut point and target, in generator numbers. */
export interface SyntheticSequenceRow {
  user: number;
  /** History = sequence[max(0, cut - maxHistory) .. cut). */
  cut: number;
  item: number;
  category: number;
  label: number;
  probability: number;
}

export interface SyntheticSequences {
  dataset: SequenceDataset;
  /** True click probabilities per split, in the dataset's sample order. */
  trueProbabilities: { train: Float64Array; test: Float64Array };
  planted: PlantedCorrelation;
  /** The users' behaviour sequences (item numbers; category of item i is itemCategory[i]). */
  sequences: Int32Array[];
  itemCategory: Int32Array;
  rows: SyntheticSequenceRow[];
  config: Required<SyntheticSequenceConfig>;
}

export const SYNTHETIC_SEQUENCE_DEFAULTS: Required<Omit<SyntheticSequenceConfig, 'seed'>> = {
  users: 3000,
  categories: 40,
  itemsPerCategory: 100,
  targetsPerUser: 20,
  targetStride: 5,
  minHistory: 50,
  maxHistory: 200,
  testPercent: 15,
  plant: 'recency',
  itemBiasSd: 0.3,
};

/**
 * The shipped `synthetic-sequences` (scripts/generateSequenceDatasets.ts): the 'retrieval' plant,
 * 50 categories of 40 items, item offsets small enough that the items do not carry the data.
 */
export const SHIPPED_SEQUENCE_CONFIG: SyntheticSequenceConfig = { seed: 15, plant: 'retrieval', categories: 50, itemsPerCategory: 40, itemBiasSd: 0.15 };

const CATEGORY_ZIPF = 0.7;
const ITEM_ZIPF = 1.0;
const FAVOURITES = 5;
/** A behaviour's category comes from the user's favourites with this probability. */
const FAVOURITE_SHARE = 0.75;
/** A target's category comes from the user's favourites with this probability. */
const TARGET_FAVOURITE_SHARE = 0.5;
const BIAS = -1.3;

/** Every 4th category by popularity, from the 3rd on, is noise: its behaviours do nothing. */
export function isNoiseCategory(category: number): boolean {
  return category % 4 === 3;
}

/** The plant for `categories` categories (1-based, most popular first). */
export function plantedCorrelation(categories: number): PlantedCorrelation {
  const noise = Array.from({ length: categories + 1 }, (_, c) => c > 0 && isNoiseCategory(c));
  const candidates: [number, number, number, number][] = [
    // from, to, position, weight: cross effects among popular signal categories.
    [2, 1, 6, 1.2],
    [5, 2, 10, 1.2],
    [1, 4, 3, 1.0],
    [6, 5, 15, 1.2],
    [9, 8, 8, -1.2],
    [4, 10, 12, 1.0],
  ];
  const cross = candidates
    .filter(([from, to]) => from <= categories && to <= categories && !noise[from] && !noise[to])
    .map(([from, to, position, weight]) => ({ from, to, position, width: 2, weight }));
  return { categories, noise, sameWeight: 1.2, sameDecay: 4, cross, clamp: 3 };
}

/**
 * The 'retrieval' plant for `categories` categories: every 4th category (3, 7, 11, ...) is noise;
 * the signal categories among the first 24 are paired with their neighbour in popularity
 * (1-2, 4-5, 6-8, 9-10, 12-13, ...), and a
 * behaviour of its partner category anywhere in the history shifts a target's click by
 * +-weight * exp(-(p - 1) / 30), the sign alternating pair by pair; the target's own category adds
 * a weak recency effect (0.3, e-fold every 3). Other categories do nothing for that target.
 */
export function retrievalPlant(categories: number): PlantedCorrelation {
  const noise = Array.from({ length: categories + 1 }, (_, c) => c > 0 && isNoiseCategory(c));
  const signal = Array.from({ length: Math.min(24, categories) }, (_, i) => i + 1).filter((c) => !noise[c]);
  const cross: CrossEffect[] = [];
  for (let i = 0; i + 1 < signal.length; i += 2) {
    const a = signal[i];
    const b = signal[i + 1];
    const weight = (i / 2) % 2 === 0 ? 0.8 : -0.8;
    cross.push({ from: a, to: b, position: 1, width: 0, weight, decay: 80 }, { from: b, to: a, position: 1, width: 0, weight, decay: 80 });
  }
  return { categories, noise, sameWeight: 0.3, sameDecay: 3, cross, clamp: 3 };
}

/** The planted effect of one behaviour of category `behaviour` at position p on a target of category `target`. */
export function plantedEffect(plant: PlantedCorrelation, target: number, behaviour: number, p: number): number {
  if (plant.noise[behaviour]) return 0;
  let e = 0;
  if (behaviour === target) e += plant.sameWeight * Math.exp(-(p - 1) / plant.sameDecay);
  for (const x of plant.cross)
    if (x.from === behaviour && x.to === target)
      e +=
        x.decay !== undefined
          ? x.weight * Math.exp(-Math.abs(p - x.position) / x.decay)
          : x.weight * Math.exp(-((p - x.position) ** 2) / (2 * x.width * x.width));
  return e;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Draws k distinct categories, each by the popularity table. */
function favouritesOf(rng: Rng, table: ReturnType<typeof aliasTable>, k: number): number[] {
  const out: number[] = [];
  while (out.length < k) {
    const c = sampleAlias(table, rng.next()) + 1;
    if (!out.includes(c)) out.push(c);
  }
  return out;
}

/** How a generation stores its samples (the samples' labels and probabilities do not depend on it). */
export interface SyntheticSequenceStorage {
  /**
   * Keep each history's most recent this many behaviours (default: maxHistory, all of them). The
   * labels are drawn from the full maxHistory all the same, so a model that reads at most this many
   * (sequenceBatch.ts takes each history's most recent historyLength) sees the same batches, and the
   * ground truth's positions up to it count the same behaviours.
   */
  keepHistory?: number;
}

/** Built-in sizes: the shipped file's 3,000 users, and the generated 6,000 and 12,000 (the default: at 3,000 the rows, not the models, bound the AUC; experiments/README.md). */
export const SEQUENCE_USER_CHOICES = [3000, 6000, 12000] as const;
export const DEFAULT_SEQUENCE_USERS = 12000;

export function generateSyntheticSequences(config: SyntheticSequenceConfig, storage: SyntheticSequenceStorage = {}): SyntheticSequences {
  const steps = syntheticSequenceSteps(config, storage);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The generation one user at a time: yields the number of users done so far and returns what
 * generateSyntheticSequences returns, so a caller can pause between users (the sequence worker
 * yields to its messages) and get the same samples, bit for bit.
 */
export function* syntheticSequenceSteps(config: SyntheticSequenceConfig, storage: SyntheticSequenceStorage = {}): Generator<number, SyntheticSequences> {
  const cfg: Required<SyntheticSequenceConfig> = { ...SYNTHETIC_SEQUENCE_DEFAULTS, ...config };
  const { categories: C, itemsPerCategory: K, maxHistory } = cfg;
  if (C < FAVOURITES + 1 || K < 1 || cfg.minHistory < 1 || maxHistory < cfg.minHistory || cfg.targetsPerUser < 1 || cfg.users < 2)
    throw new Error('generateSyntheticSequences: categories > 5, itemsPerCategory, minHistory, targetsPerUser >= 1, maxHistory >= minHistory, users >= 2.');
  const rng = createRng(cfg.seed);
  const plant = cfg.plant === 'retrieval' ? retrievalPlant(C) : plantedCorrelation(C);
  const categoryTable = aliasTable(zipfWeights(C, CATEGORY_ZIPF));
  const itemTable = aliasTable(zipfWeights(K, ITEM_ZIPF));
  // Item i (1-based) = category 1 + floor((i - 1) / K), rank (i - 1) % K within it.
  const items = C * K;
  const itemCategory = new Int32Array(items + 1);
  const itemBias = new Float64Array(items + 1);
  for (let i = 1; i <= items; i++) {
    itemCategory[i] = 1 + Math.floor((i - 1) / K);
    itemBias[i] = cfg.itemBiasSd * rng.normal();
  }
  const itemOf = (category: number) => (category - 1) * K + 1 + sampleAlias(itemTable, rng.next());

  const keep = Math.min(maxHistory, storage.keepHistory ?? maxHistory);
  if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keepHistory must be a positive integer, got ${storage.keepHistory}`);
  // Each split's histories sized once: a user's split is known from its token, and no history keeps more than `keep`.
  let testUsers = 0;
  for (let u = 0; u < cfg.users; u++) if (isTestUser(`u${u + 1}`, cfg.testPercent)) testUsers++;
  const perUser = cfg.targetsPerUser * keep;
  const builder = new SequenceSamplesBuilder({
    maxHistory: keep,
    testPercent: cfg.testPercent,
    capacity: { train: (cfg.users - testUsers) * perUser, test: testUsers * perUser },
  });
  const sequences: Int32Array[] = [];
  const rows: SyntheticSequenceRow[] = [];
  const probabilities = { train: [] as number[], test: [] as number[] };
  const span = cfg.minHistory + (cfg.targetsPerUser - 1) * cfg.targetStride;
  const histItems = new Int32Array(maxHistory);
  const histCategories = new Int32Array(maxHistory);
  // The builder's ids, cached: interned in the order a reader of the CSV meets them (per table:
  // target first, then the history oldest first), so the file reads back id for id.
  const itemIds = new Int32Array(items + 1);
  const categoryIds = new Int32Array(C + 1);
  const itemId = (i: number) => (itemIds[i] ||= builder.items.id(String(i)));
  const categoryId = (c: number) => (categoryIds[c] ||= builder.categories.id(String(c)));
  for (let u = 0; u < cfg.users; u++) {
    const favourites = favouritesOf(rng, categoryTable, FAVOURITES);
    const weights = favourites.map(() => -Math.log(1 - rng.next()));
    const favouriteTable = aliasTable(weights);
    const pickCategory = (share: number) =>
      rng.next() < share ? favourites[sampleAlias(favouriteTable, rng.next())] : sampleAlias(categoryTable, rng.next()) + 1;
    const length = span + rng.int(maxHistory - cfg.minHistory + 1);
    const sequence = new Int32Array(length);
    for (let j = 0; j < length; j++) sequence[j] = itemOf(pickCategory(FAVOURITE_SHARE));
    sequences.push(sequence);
    const userToken = `u${u + 1}`;
    const test = builder.isTest(userToken);
    const user = builder.users.id(userToken);
    // Oldest target first, so a user's rows share their history prefix (gzip finds it).
    for (let k = cfg.targetsPerUser - 1; k >= 0; k--) {
      const cut = length - k * cfg.targetStride;
      const from = Math.max(0, cut - maxHistory);
      const category = pickCategory(TARGET_FAVOURITE_SHARE);
      const item = itemOf(category);
      let sum = 0;
      for (let j = from; j < cut; j++) sum += plantedEffect(plant, category, itemCategory[sequence[j]], cut - j);
      const probability = sigmoid(BIAS + itemBias[item] + plant.clamp * Math.tanh(sum / plant.clamp));
      const label = rng.next() < probability ? 1 : 0;
      rows.push({ user: u + 1, cut, item, category, label, probability });
      (test ? probabilities.test : probabilities.train).push(probability);
      const n = cut - from;
      const targetItem = itemId(item);
      const targetCategory = categoryId(category);
      for (let j = 0; j < n; j++) histItems[j] = itemId(sequence[from + j]);
      for (let j = 0; j < n; j++) histCategories[j] = categoryId(itemCategory[sequence[from + j]]);
      builder.addIds(label, user, targetItem, targetCategory, histItems.subarray(0, n), histCategories.subarray(0, n));
    }
    yield u + 1;
  }
  const dataset = builder.build(`synthetic-sequences-seed${cfg.seed}`);
  return {
    dataset,
    trueProbabilities: { train: Float64Array.from(probabilities.train), test: Float64Array.from(probabilities.test) },
    planted: plant,
    sequences,
    itemCategory,
    rows,
    config: cfg,
  };
}
