/** Scales x in place to mean 0 and standard deviation std (a constant x becomes all zeros). */
export function standardize(x: Float64Array, std: number): void {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length || 1;
  let variance = 0;
  for (let i = 0; i < x.length; i++) variance += (x[i] - mean) ** 2;
  const sd = Math.sqrt(variance / (x.length || 1));
  const scale = sd > 0 ? std / sd : 0;
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - mean) * scale;
}
