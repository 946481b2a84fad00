/**
 * Seeded float32 .npy tables with a planted spectrum, written in chunks so a 1M x 64 table never
 * sits in memory twice: E = Z diag(scale) H, with Z standard normal and H a product of Householder
 * reflections (orthogonal, so the singular values are ~ sqrt(rows) * scale_j, but not axis-aligned).
 */
import { open } from 'node:fs/promises';

export interface PlantedTableOptions {
  rows: number;
  dim: number;
  seed?: number;
  /** Column scales before the rotation; default exp(-j / 8), a decaying spectrum with condition ~3e3 at 64 dims. */
  scales?: Float64Array;
  /** Householder reflections in the rotation. */
  reflections?: number;
}

/** mulberry32: a small seeded uniform generator in [0, 1). */
export function uniformSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normals by Box-Muller. */
export function normalSource(seed: number): () => number {
  const u = uniformSource(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const th = 2 * Math.PI * u();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}

/** The .npy v1 header for a C-order little-endian float32 rows x dim array. */
export function npyHeader(rows: number, dim: number): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${dim}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const out = new Uint8Array(total).fill(0x20);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, total - 10, true);
  out.set(new TextEncoder().encode(dict), 10);
  out[total - 1] = 0x0a;
  return out;
}

/** Unit vectors of the reflections I - 2 v v^T. */
function reflectionVectors(dim: number, count: number, normal: () => number): Float64Array[] {
  return Array.from({ length: count }, () => {
    const v = Float64Array.from({ length: dim }, normal);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  });
}

/** Fills `out` (rows x dim) with planted rows. */
function fillRows(out: Float32Array, rows: number, dim: number, scales: Float64Array, vs: Float64Array[], normal: () => number): void {
  const row = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < dim; j++) row[j] = normal() * scales[j];
    for (const v of vs) {
      let d = 0;
      for (let j = 0; j < dim; j++) d += row[j] * v[j];
      d *= 2;
      for (let j = 0; j < dim; j++) row[j] -= d * v[j];
    }
    out.set(row, r * dim);
  }
}

export function defaultScales(dim: number): Float64Array {
  return Float64Array.from({ length: dim }, (_, j) => Math.exp(-j / 8));
}

/** Writes the table to `path` and returns its byte size. */
export async function writePlantedNpy(path: string, opts: PlantedTableOptions): Promise<number> {
  const { rows, dim, seed = 1, reflections = 4 } = opts;
  const scales = opts.scales ?? defaultScales(dim);
  const normal = normalSource(seed);
  const vs = reflectionVectors(dim, reflections, normal);
  const file = await open(path, 'w');
  try {
    const header = npyHeader(rows, dim);
    await file.write(header);
    const chunk = 65_536;
    const buf = new Float32Array(chunk * dim);
    for (let r = 0; r < rows; r += chunk) {
      const n = Math.min(chunk, rows - r);
      fillRows(buf, n, dim, scales, vs, normal);
      await file.write(new Uint8Array(buf.buffer, 0, n * dim * 4));
    }
    return header.length + rows * dim * 4;
  } finally {
    await file.close();
  }
}
