/** Per-field vocabularies built while rows stream in, then frozen with a minimum count. */

/** Index of out-of-vocabulary values (seen fewer than minCount times) in every field. */
export const OOV_INDEX = 0;
export const DEFAULT_MIN_COUNT = 2;
/** Token of an empty cell: a value of its own (often informative), kept when frequent enough. */
export const MISSING_TOKEN = '';

/** Interns the tokens of one field in first-seen order and counts them. */
export class FieldVocab {
  private readonly ids = new Map<string, number>();
  private counts = new Int32Array(64);
  readonly tokens: string[] = [];

  /** Provisional id of the token (first-seen order), counting this occurrence (or `times` of them). */
  add(token: string, times = 1): number {
    let id = this.ids.get(token);
    if (id === undefined) {
      id = this.tokens.length;
      this.ids.set(token, id);
      this.tokens.push(token);
      if (id >= this.counts.length) {
        const grown = new Int32Array(this.counts.length * 2);
        grown.set(this.counts);
        this.counts = grown;
      }
    }
    this.counts[id] += times;
    return id;
  }

  /** How often each token (in first-seen order) was added. */
  get tokenCounts(): number[] {
    return Array.from(this.counts.subarray(0, this.tokens.length));
  }

  count(token: string): number {
    const id = this.ids.get(token);
    return id === undefined ? 0 : this.counts[id];
  }

  /**
   * Final indices: tokens seen at least minCount times get 1.. in descending count (ties in
   * first-seen order), the rest OOV_INDEX. Returns the provisional-to-final map and the kept tokens.
   */
  freeze(minCount: number): FrozenVocab {
    const n = this.tokens.length;
    const kept: number[] = [];
    for (let id = 0; id < n; id++) if (this.counts[id] >= minCount) kept.push(id);
    kept.sort((a, b) => this.counts[b] - this.counts[a] || a - b);
    const finalIndex = new Int32Array(n).fill(OOV_INDEX);
    kept.forEach((id, i) => (finalIndex[id] = i + 1));
    return { finalIndex, cardinality: kept.length + 1, tokens: kept.map((id) => this.tokens[id]) };
  }
}

export interface FrozenVocab {
  /** Provisional id -> final index (OOV_INDEX for rare tokens). */
  finalIndex: Int32Array;
  /** Vocabulary size including the OOV slot. */
  cardinality: number;
  /** Kept tokens; tokens[i - 1] has final index i. */
  tokens: string[];
}
