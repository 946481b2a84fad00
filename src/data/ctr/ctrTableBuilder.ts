/**
 * Collects tokenised rows of a real CTR file (any format), then builds the vocabularies with a
 * minimum count and splits the rows into train / valid / test.
 */
import type { CtrDataset } from './ctrDataset.ts';
import { splitRows, type SplitOptions } from './split.ts';
import { bucketTokens, numericRule, type BucketedColumn } from './numericBuckets.ts';
import { DEFAULT_MIN_COUNT, FieldVocab } from './vocab.ts';

export interface CtrBuildOptions {
  /** Tokens seen fewer times become OOV (index 0); default 2. */
  minCount?: number;
  split?: SplitOptions;
}

export class CtrTableBuilder {
  readonly vocabs: FieldVocab[];
  private ids = new Int32Array(0);
  private labels = new Float32Array(0);
  private times: Float64Array | undefined;
  private groups: Int32Array | undefined;
  private readonly groupIds = new Map<string, number>();
  rows = 0;

  constructor(
    readonly fieldNames: readonly string[],
    readonly tasks: readonly string[],
    options: { withTimes?: boolean; withGroups?: boolean } = {},
  ) {
    this.vocabs = fieldNames.map(() => new FieldVocab());
    if (options.withTimes) this.times = new Float64Array(0);
    if (options.withGroups) this.groups = new Int32Array(0);
  }

  /** One row: a token per field, a 0/1 label per task, and its time / group key when the table keeps them. */
  addRow(tokens: readonly string[], labels: readonly number[], time = 0, group = ''): void {
    const F = this.fieldNames.length;
    const T = this.tasks.length;
    if (this.rows * F >= this.ids.length) this.grow(Math.max(1024, this.rows * 2));
    const r = this.rows;
    for (let f = 0; f < F; f++) this.ids[r * F + f] = this.vocabs[f].add(tokens[f]);
    for (let t = 0; t < T; t++) this.labels[r * T + t] = labels[t];
    if (this.times) this.times[r] = time;
    if (this.groups) {
      let g = this.groupIds.get(group);
      if (g === undefined) this.groupIds.set(group, (g = this.groupIds.size));
      this.groups[r] = g;
    }
    this.rows++;
  }

  /**
   * Replaces the values of every numeric field by their buckets (numericBuckets.ts), once all rows
   * are in; returns the fields bucketed and by which rule.
   */
  bucketNumeric(): BucketedColumn[] {
    const F = this.fieldNames.length;
    const bucketed: BucketedColumn[] = [];
    this.fieldNames.forEach((name, f) => {
      const vocab = this.vocabs[f];
      const rule = numericRule(name, vocab.tokens);
      if (!rule) return;
      const counts = vocab.tokenCounts;
      const buckets = bucketTokens(rule, vocab.tokens, counts);
      const merged = new FieldVocab();
      const newId = Int32Array.from(buckets, (token, id) => merged.add(token, counts[id]));
      for (let r = 0; r < this.rows; r++) this.ids[r * F + f] = newId[this.ids[r * F + f]];
      this.vocabs[f] = merged;
      bucketed.push({ name, rule });
    });
    return bucketed;
  }

  /** Fields left out of the dataset build makes (another task's label in a multi-label file). */
  omit(fields: Iterable<number>): void {
    for (const f of fields) this.omitted.add(f);
  }

  private readonly omitted = new Set<number>();

  private grow(capacity: number): void {
    const grown = <A extends Int32Array | Float32Array | Float64Array>(a: A, n: number): A => {
      const b = new (a.constructor as new (n: number) => A)(n);
      b.set(a);
      return b;
    };
    this.ids = grown(this.ids, capacity * this.fieldNames.length);
    this.labels = grown(this.labels, capacity * this.tasks.length);
    if (this.times) this.times = grown(this.times, capacity);
    if (this.groups) this.groups = grown(this.groups, capacity);
  }

  build(name: string, origin: string, options: CtrBuildOptions = {}): CtrDataset {
    const F = this.fieldNames.length;
    const T = this.tasks.length;
    const n = this.rows;
    const kept = this.fieldNames.map((_, f) => f).filter((f) => !this.omitted.has(f));
    const K = kept.length;
    const frozen = this.vocabs.map((v) => v.freeze(options.minCount ?? DEFAULT_MIN_COUNT));
    const indices = new Int32Array(n * K);
    for (let r = 0; r < n; r++) {
      for (let k = 0; k < K; k++) indices[r * K + k] = frozen[kept[k]].finalIndex[this.ids[r * F + kept[k]]];
    }
    const data = {
      rows: n,
      fieldCount: K,
      taskCount: T,
      indices,
      labels: this.labels.slice(0, n * T),
      ...(this.groups ? { groups: this.groups.slice(0, n) } : {}),
    };
    const split = splitRows(data, options.split, this.times?.subarray(0, n));
    return {
      name,
      origin,
      fields: kept.map((f) => ({ name: this.fieldNames[f], cardinality: frozen[f].cardinality })),
      tasks: [...this.tasks],
      ...split,
    };
  }
}
