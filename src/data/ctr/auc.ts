/**
 * Ranking and calibration metrics of a CTR model. Labels are 0/1 (anything above 0.5 counts as
 * a click). Scores may be probabilities or logits for the AUCs; logloss needs probabilities.
 */

/** Row ids sorted by score ascending. */
function orderByScore(scores: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => scores[a] - scores[b]);
}

/**
 * AUC of the rows order[start..end): the Mann-Whitney U statistic with tied scores given their
 * average rank. NaN when the rows hold only one class.
 */
function aucOfSorted(order: Uint32Array, start: number, end: number, scores: ArrayLike<number>, labels: ArrayLike<number>): { auc: number; positives: number } {
  let positives = 0;
  let positiveRankSum = 0;
  for (let i = start; i < end;) {
    let j = i + 1;
    while (j < end && scores[order[j]] === scores[order[i]]) j++;
    const averageRank = (i - start + 1 + (j - start)) / 2; // 1-based ranks i+1 .. j
    for (let k = i; k < j; k++) {
      if (labels[order[k]] > 0.5) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    i = j;
  }
  const negatives = end - start - positives;
  if (positives === 0 || negatives === 0) return { auc: NaN, positives };
  return { auc: (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives), positives };
}

function checkLengths(name: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`${name}: ${a.length} scores but ${b.length} labels`);
}

/** Area under the ROC curve (rank-based, ties averaged, O(n log n)); NaN with only one class or a NaN score. */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkLengths('auc', scores, labels);
  for (let i = 0; i < scores.length; i++) if (Number.isNaN(scores[i])) return NaN;
  return aucOfSorted(orderByScore(scores), 0, scores.length, scores, labels).auc;
}

/** Mean binary cross-entropy, probabilities clipped to [eps, 1 - eps]. */
export function logloss(probabilities: ArrayLike<number>, labels: ArrayLike<number>, eps = 1e-7): number {
  checkLengths('logloss', probabilities, labels);
  if (probabilities.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = Math.min(1 - eps, Math.max(eps, probabilities[i]));
    sum -= labels[i] > 0.5 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / probabilities.length;
}

/**
 * Grouped AUC (gAUC): the AUC within each group (user), averaged with each group weighted by
 * its row count, over the groups that hold both classes. NaN when no group does.
 */
export function groupAuc(scores: ArrayLike<number>, labels: ArrayLike<number>, groups: ArrayLike<number>): number {
  checkLengths('groupAuc', scores, labels);
  if (groups.length !== scores.length) throw new RangeError(`groupAuc: ${scores.length} scores but ${groups.length} groups`);
  for (let i = 0; i < scores.length; i++) if (Number.isNaN(scores[i])) return NaN;
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => groups[a] - groups[b] || scores[a] - scores[b]);
  let weighted = 0;
  let weight = 0;
  for (let i = 0; i < order.length;) {
    let j = i + 1;
    while (j < order.length && groups[order[j]] === groups[order[i]]) j++;
    const { auc: groupValue } = aucOfSorted(order, i, j, scores, labels);
    if (!Number.isNaN(groupValue)) {
      weighted += groupValue * (j - i);
      weight += j - i;
    }
    i = j;
  }
  return weight > 0 ? weighted / weight : NaN;
}
