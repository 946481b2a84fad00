/**
 * g(l) = E[sigmoid(l + sigma z)], z ~ N(0, 1): the click probability given the features when the
 * logit also carries hidden Gaussian noise. Tabulated once (trapezoid rule over z, which is
 * spectrally accurate for this smooth integrand) and interpolated linearly; sigma = 0 is the
 * plain sigmoid.
 */
export function expectedSigmoid(sigma: number): (logit: number) => number {
  if (!(sigma > 0)) return sigmoid;
  const nodes = 61;
  const zMax = 7;
  const weights = new Float64Array(nodes);
  const zs = new Float64Array(nodes);
  let total = 0;
  for (let k = 0; k < nodes; k++) {
    zs[k] = -zMax + (2 * zMax * k) / (nodes - 1);
    weights[k] = Math.exp(-0.5 * zs[k] * zs[k]);
    total += weights[k];
  }
  for (let k = 0; k < nodes; k++) weights[k] /= total;
  const lMax = 30 + 8 * sigma;
  const step = 0.005;
  const size = Math.ceil((2 * lMax) / step) + 1;
  const table = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const l = -lMax + i * step;
    let sum = 0;
    for (let k = 0; k < nodes; k++) sum += weights[k] * sigmoid(l + sigma * zs[k]);
    table[i] = sum;
  }
  return (logit) => {
    const x = (logit + lMax) / step;
    if (x <= 0) return table[0];
    if (x >= size - 1) return table[size - 1];
    const i = Math.floor(x);
    const f = x - i;
    return table[i] + f * (table[i + 1] - table[i]);
  };
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
