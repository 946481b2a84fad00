/**
 * TWIN's and DARE's search stage in plain typed arrays, one fused pass per row: the attention score
 * of every history column (sequenceModel.ts: (q . k_j) / sqrt(2 a) + (pos_0 . pos_p) / sqrt(a),
 * padding at -1e9) and the top-k columns of the row, best first (equal scores: the lower column
 * first). It runs off the tape, so nothing here needs a gradient.
 *
 * Why not tf ops: on the wasm backend the tensor version materialises batch x (1 + L) x a lookups
 * and slices them with a per-row JavaScript loop (tfjs-backend-wasm 4.22's Slice), which cost more
 * than the whole training step over the k kept behaviours. This pass reads each looked-up row once
 * and does 2 a multiply-adds per column. Only that part falls with the attention dim a: in the
 * WebAssembly kernel (SIMD dots, four values a step) the top-k choice and each column's fixed work
 * (ids, position term, mask) cost as much as the dots, so a smaller a saves less than a / a'.
 * Scores accumulate in float64, so they can differ from the float32 tensor scores in the last
 * bits: only columns whose scores tie to ~1e-7 can swap.
 */
import type { SequenceBatch } from './sequenceBatch.ts';
import { wasmSearchKernel } from './searchKernelWasm.ts';

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
  return allScores(batch, t).slice();
}

/**
 * The top-k history columns of each row (rows x topK, row-major), best first: chosen in the
 * WebAssembly kernel where there is one (the same columns in the same order as the JS loop below),
 * else by that loop.
 */
export function searchTopK(batch: SequenceBatch, t: SearchTables, topK: number): Int32Array {
  const { rows, historyLength: L } = batch;
  if (!Number.isInteger(topK) || topK < 1 || topK > L) throw new RangeError(`topK must be in 1..${L}, got ${topK}`);
  const kernel = wasmSearchKernel();
  const best = { score: new Float64Array(topK), column: new Int32Array(topK) };
  if (kernel) {
    const s = scorer(batch, t, false);
    const { picks, scores } = kernel.topK(batch, t, s.byPosition, s.perCategory !== null, topK) ?? rejectHistory(s);
    // Rows the kernel marks (their scores hold NaN), by the loop that defines the order.
    for (let r = 0; r < rows; r++) if (picks[r * topK] < 0) rowTopK(scores, r, L, best, picks);
    return picks;
  }
  const out = new Int32Array(rows * topK);
  const scores = allScores(batch, t);
  for (let r = 0; r < rows; r++) rowTopK(scores, r, L, best, out);
  return out;
}

/**
 * Row r's top-k columns into out's row r, best first, by insertion into a sorted list of k (`best`
 * holds it): a column enters only when it beats the current k-th, and moves up past every entry it
 * beats, so equal scores keep the lower column first.
 */
function rowTopK(scores: Float64Array, r: number, L: number, best: { score: Float64Array; column: Int32Array }, out: Int32Array): void {
  const { score: bestScore, column: bestColumn } = best;
  const topK = bestScore.length;
  const row = r * L;
  let n = 0;
  for (let j = 0; j < L; j++) {
    const v = scores[row + j];
    if (n === topK && !(v > bestScore[n - 1])) continue;
    let i = n < topK ? n++ : n - 1;
    while (i > 0 && v > bestScore[i - 1]) {
      bestScore[i] = bestScore[i - 1];
      bestColumn[i] = bestColumn[i - 1];
      i--;
    }
    bestScore[i] = v;
    bestColumn[i] = j;
  }
  out.set(bestColumn, r * topK);
}

/**
 * Every column's score (rows x historyLength): by the WebAssembly SIMD kernel where there is one
 * (searchKernelWasm.ts; the returned array is then its memory's, valid until its next call), else
 * by the JS loop below.
 */
function allScores(batch: SequenceBatch, t: SearchTables): Float64Array {
  const { rows, historyLength: L } = batch;
  const kernel = wasmSearchKernel();
  const s = scorer(batch, t, kernel === null);
  if (kernel) return kernel.scores(batch, t, s.byPosition, s.perCategory !== null) ?? rejectHistory(s);
  const out = new Float64Array(rows * L);
  const scores = new Float64Array(L);
  for (let r = 0; r < rows; r++) {
    rowScores(s, r, scores);
    out.set(scores, r * L);
  }
  return out;
}

/** A batch and its tables, checked, with what every row's scores share. */
interface Scorer {
  batch: SequenceBatch;
  tables: SearchTables;
  itemRows: number;
  categoryRows: number;
  /** (pos_0 . pos_p) / sqrt(a) of every position p. */
  byPosition: Float64Array;
  /** A row's category scores q_c . c for every category, when there are fewer categories than columns. */
  perCategory: Float64Array | null;
  /** The row's item query. */
  query: Float64Array;
}

function checkIds(ids: Int32Array, n: number, what: string): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(id >= 0 && id < n)) throw new RangeError(`${what} id ${id} is outside the table's 0..${n - 1}`);
  }
}

/** The error for the history id the kernel found outside its table (it checks them as it reads them). */
function rejectHistory(s: Scorer): never {
  checkIds(s.batch.histItems, s.itemRows, 'item');
  checkIds(s.batch.histCategories, s.categoryRows, 'category');
  throw new RangeError('a history id is outside its table');
}

/** Checks the tables and target ids, and the history ids when `history` (the kernel checks its own). */
function scorer(batch: SequenceBatch, t: SearchTables, history: boolean): Scorer {
  const L = batch.historyLength;
  const a = t.dim;
  if (!Number.isInteger(a) || a < 1) throw new RangeError(`the attention dim must be a positive integer, got ${a}`);
  if (t.position.length !== (L + 1) * a) throw new RangeError(`the position table has ${t.position.length} values, expected ${(L + 1) * a}`);
  const itemRows = t.item.length / a;
  const categoryRows = t.category.length / a;
  checkIds(batch.targetItems, itemRows, 'item');
  checkIds(batch.targetCategories, categoryRows, 'category');
  if (history) {
    checkIds(batch.histItems, itemRows, 'item');
    checkIds(batch.histCategories, categoryRows, 'category');
  }
  const positionScale = 1 / Math.sqrt(a);
  // (pos_0 . pos_p) / sqrt(a) of every position p, once per batch.
  const byPosition = new Float64Array(L + 1);
  for (let p = 0; p <= L; p++) {
    let s = 0;
    for (let d = 0; d < a; d++) s += t.position[d] * t.position[p * a + d];
    byPosition[p] = s * positionScale;
  }
  return {
    batch,
    tables: t,
    itemRows,
    categoryRows,
    byPosition,
    perCategory: categoryRows <= L ? new Float64Array(categoryRows) : null,
    query: new Float64Array(a),
  };
}

/** Row r's score of every history column into `scores`. */
function rowScores(s: Scorer, r: number, scores: Float64Array): void {
  const { historyLength: L, targetItems, targetCategories, histItems, histCategories } = s.batch;
  const { item, category, dim: a } = s.tables;
  const { byPosition, perCategory, query } = s;
  const contentScale = 1 / Math.sqrt(2 * a);
  const qc = targetCategories[r] * a;
  if (perCategory) {
    const categoryRows = perCategory.length;
    for (let c = 0; c < categoryRows; c++) {
      let dot = 0;
      for (let d = 0; d < a; d++) dot += category[qc + d] * category[c * a + d];
      perCategory[c] = dot;
    }
  }
  const qi = targetItems[r] * a;
  for (let d = 0; d < a; d++) query[d] = item[qi + d];
  const row = r * L;
  for (let j = 0; j < L; j++) {
    const hi = histItems[row + j];
    const hc = histCategories[row + j];
    const ki = hi * a;
    let dot = 0;
    // Unrolled by 4, the same additions in the same order; the loop after it takes any remainder.
    let d = 0;
    for (; d + 4 <= a; d += 4) {
      dot += query[d] * item[ki + d];
      dot += query[d + 1] * item[ki + d + 1];
      dot += query[d + 2] * item[ki + d + 2];
      dot += query[d + 3] * item[ki + d + 3];
    }
    for (; d < a; d++) dot += query[d] * item[ki + d];
    if (perCategory) dot += perCategory[hc];
    else for (let d = 0, kc = hc * a; d < a; d++) dot += category[qc + d] * category[kc + d];
    const v = dot * contentScale + byPosition[L - j];
    scores[j] = hi === 0 ? v + MASKED : v;
  }
}
