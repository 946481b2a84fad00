/**
 * TWIN's and DARE's search stage in plain typed arrays, one fused pass per row: the attention score
 * of every history column (sequenceModel.ts: (q . k_j) / sqrt(2 a) + (pos_0 . pos_p) / sqrt(a),
 * padding at -1e9) and the top-k columns of the row, best first (equal scores: the lower column
 * first). It runs off the tape, so nothing here needs a gradient.
 *
 * Why not tf ops: on the wasm backend the tensor version materialises batch x (1 + L) x a lookups
 * and slices them with a per-row JavaScript loop (tfjs-backend-wasm 4.22's Slice), which cost more
 * than the whole training step over the k kept behaviours. This pass reads each looked-up row once
 * and does 2 a multiply-adds per column, so its cost falls with the attention dim a. Scores
 * accumulate in float64, so they can differ from the float32 tensor scores in the last bits: only
 * columns whose scores tie to ~1e-7 can swap.
 */
import type { SequenceBatch } from './sequenceBatch.ts';

/** Row-major attention tables (rows x dim), as variable.dataSync() gives them. */
export interface SearchTables {
  item: Float32Array;
  category: Float32Array;
  /** Rows 0..historyLength (row 0 = the target's position). */
  position: Float32Array;
  /** The attention dim a. */
  dim: number;
}

const MASKED = -1e9;

/** Scores of every history column (rows x historyLength), padding at -1e9 plus its score, as the tensor model masks it. */
export function searchScores(batch: SequenceBatch, t: SearchTables): Float64Array {
  const { rows, historyLength: L } = batch;
  const out = new Float64Array(rows * L);
  forEachRowScores(batch, t, (r, scores) => out.set(scores, r * L));
  return out;
}

/** The top-k history columns of each row (rows x topK, row-major), best first. */
export function searchTopK(batch: SequenceBatch, t: SearchTables, topK: number): Int32Array {
  const { rows, historyLength: L } = batch;
  if (!Number.isInteger(topK) || topK < 1 || topK > L) throw new RangeError(`topK must be in 1..${L}, got ${topK}`);
  const out = new Int32Array(rows * topK);
  const bestScore = new Float64Array(topK);
  const bestColumn = new Int32Array(topK);
  forEachRowScores(batch, t, (r, scores) => {
    // Insertion into a sorted list of k: a column enters only when it beats the current k-th.
    let n = 0;
    for (let j = 0; j < L; j++) {
      const s = scores[j];
      if (n === topK && !(s > bestScore[n - 1])) continue;
      let i = n < topK ? n++ : n - 1;
      while (i > 0 && s > bestScore[i - 1]) {
        bestScore[i] = bestScore[i - 1];
        bestColumn[i] = bestColumn[i - 1];
        i--;
      }
      bestScore[i] = s;
      bestColumn[i] = j;
    }
    out.set(bestColumn, r * topK);
  });
  return out;
}

function forEachRowScores(batch: SequenceBatch, t: SearchTables, visit: (row: number, scores: Float64Array) => void): void {
  const { rows, historyLength: L, targetItems, targetCategories, histItems, histCategories } = batch;
  const a = t.dim;
  if (!Number.isInteger(a) || a < 1) throw new RangeError(`the attention dim must be a positive integer, got ${a}`);
  if (t.position.length !== (L + 1) * a) throw new RangeError(`the position table has ${t.position.length} values, expected ${(L + 1) * a}`);
  const itemRows = t.item.length / a;
  const categoryRows = t.category.length / a;
  const contentScale = 1 / Math.sqrt(2 * a);
  const positionScale = 1 / Math.sqrt(a);
  // (pos_0 . pos_p) / sqrt(a) of every position p, once per batch.
  const byPosition = new Float64Array(L + 1);
  for (let p = 0; p <= L; p++) {
    let s = 0;
    for (let d = 0; d < a; d++) s += t.position[d] * t.position[p * a + d];
    byPosition[p] = s * positionScale;
  }
  const check = (id: number, n: number, what: string) => {
    if (!(id >= 0 && id < n)) throw new RangeError(`${what} id ${id} is outside the table's 0..${n - 1}`);
  };
  const { item, category } = t;
  // A row's category scores q_c . c for every category, when there are fewer categories than columns.
  const perCategory = categoryRows <= L ? new Float64Array(categoryRows) : null;
  const scores = new Float64Array(L);
  for (let r = 0; r < rows; r++) {
    const ti = targetItems[r];
    const tc = targetCategories[r];
    check(ti, itemRows, 'item');
    check(tc, categoryRows, 'category');
    const qi = ti * a;
    const qc = tc * a;
    if (perCategory) {
      for (let c = 0; c < categoryRows; c++) {
        let dot = 0;
        for (let d = 0; d < a; d++) dot += category[qc + d] * category[c * a + d];
        perCategory[c] = dot;
      }
    }
    const row = r * L;
    for (let j = 0; j < L; j++) {
      const hi = histItems[row + j];
      const hc = histCategories[row + j];
      check(hi, itemRows, 'item');
      check(hc, categoryRows, 'category');
      const ki = hi * a;
      let dot = 0;
      for (let d = 0; d < a; d++) dot += item[qi + d] * item[ki + d];
      if (perCategory) dot += perCategory[hc];
      else for (let d = 0, kc = hc * a; d < a; d++) dot += category[qc + d] * category[kc + d];
      const s = dot * contentScale + byPosition[L - j];
      scores[j] = hi === 0 ? s + MASKED : s;
    }
    visit(r, scores);
  }
}
