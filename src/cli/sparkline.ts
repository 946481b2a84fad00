const LEVELS = '▁▂▃▄▅▆▇█';
const ZERO = '·';

/**
 * A normalised spectrum (values in [0, 1]) as block characters, one per value; spectra longer
 * than `width` are averaged into `width` buckets. Exact zeros (padding, null space) print as '·'.
 */
export function sparkline(values: number[], width = 64): string {
  const n = Math.min(values.length, width);
  let out = '';
  for (let c = 0; c < n; c++) {
    const from = Math.floor((c * values.length) / n);
    const to = Math.floor(((c + 1) * values.length) / n);
    let sum = 0;
    for (let i = from; i < to; i++) sum += values[i];
    const v = sum / (to - from);
    out += v <= 0 ? ZERO : LEVELS[Math.min(LEVELS.length - 1, Math.round(v * (LEVELS.length - 1)))];
  }
  return out;
}
