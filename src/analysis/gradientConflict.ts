/**
 * Gradient conflict between tasks: the T x T cosine similarity of the tasks' gradients over a
 * layer (PCGrad-style diagnostic), and gradient entanglement on embedding rows: the mean over the
 * rows a batch touched of cos(g^A_row, g^B_row) (SCIENCE.md section 3). Negative = the tasks pull
 * the same parameters apart.
 */

/**
 * Cosine similarity of every pair of task gradients. perTask[k] lists task k's gradient in
 * chunks (one per tensor of the layer); the chunks of every task must line up. Row-major T x T;
 * NaN where a gradient is zero.
 */
export function cosineMatrix(perTask: readonly (readonly ArrayLike<number>[])[]): Float64Array {
  const T = perTask.length;
  const dots = new Float64Array(T * T);
  for (let c = 0; c < (perTask[0]?.length ?? 0); c++) {
    for (let a = 0; a < T; a++) {
      const ga = perTask[a][c];
      for (let b = a; b < T; b++) {
        const gb = perTask[b][c];
        if (gb.length !== ga.length) throw new RangeError(`chunk ${c}: tasks ${a} and ${b} have ${ga.length} and ${gb.length} entries`);
        let s = 0;
        for (let i = 0; i < ga.length; i++) s += ga[i] * gb[i];
        dots[a * T + b] += s;
      }
    }
  }
  const out = new Float64Array(T * T);
  for (let a = 0; a < T; a++) {
    for (let b = a; b < T; b++) {
      const denominator = Math.sqrt(dots[a * T + a] * dots[b * T + b]);
      const cos = denominator > 0 ? dots[a * T + b] / denominator : NaN;
      out[a * T + b] = cos;
      out[b * T + a] = cos;
    }
  }
  return out;
}

/**
 * Mean over `rows` of the cosine between row r of gA and of gB (both rows x dim, row-major).
 * Rows where either gradient is zero are skipped; NaN when none is left.
 */
export function meanRowCosine(gA: ArrayLike<number>, gB: ArrayLike<number>, dim: number, rows: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let j = 0; j < rows.length; j++) {
    const o = rows[j] * dim;
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let d = 0; d < dim; d++) {
      const a = gA[o + d];
      const b = gB[o + d];
      ab += a * b;
      aa += a * a;
      bb += b * b;
    }
    if (aa > 0 && bb > 0) {
      sum += ab / Math.sqrt(aa * bb);
      n++;
    }
  }
  return n > 0 ? sum / n : NaN;
}

/**
 * The distinct rows of a concatenated embedding table touched by a batch, per field: indices is
 * batch x F (local indices), offsets the first table row of each field.
 */
export function touchedRows(indices: ArrayLike<number>, fields: number, offsets: ArrayLike<number>): Int32Array[] {
  const rows = indices.length / fields;
  return Array.from({ length: fields }, (_, f) => {
    const seen = new Set<number>();
    for (let r = 0; r < rows; r++) seen.add(offsets[f] + indices[r * fields + f]);
    return Int32Array.from([...seen].sort((a, b) => a - b));
  });
}
