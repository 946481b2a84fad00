/**
 * Writes synthetic CTR data in the exact layouts of the real datasets (Criteo TSV, Avazu CSV,
 * MovieLens ratings.csv / u.data / movies.csv), so the loaders can be tried and tested offline.
 * Each writer takes the generator's value indices and renders them as that format's cells.
 */
import type { CtrDataset } from './ctrDataset.ts';
import { AVAZU_COLUMNS } from './avazu.ts';
import { createRng } from './prng.ts';
import { generateSyntheticCtr } from './syntheticCtr.ts';

/** Every row of a dataset (train, valid, test in turn) as field indices and a label. */
function* allRows(ds: CtrDataset): Generator<{ values: Int32Array; label: number }> {
  const F = ds.fields.length;
  const T = ds.tasks.length;
  for (const split of [ds.train, ds.valid, ds.test]) {
    for (let r = 0; r < split.rows; r++) yield { values: split.indices.subarray(r * F, r * F + F), label: split.labels[r * T] };
  }
}

/** A stable 8-hex-digit token for value v of field f, like Criteo's hashed categories (FNV-1a). */
export function hashedToken(f: number, v: number): string {
  let h = 0x811c9dc5;
  const s = `${f}:${v}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Criteo integer cell of value index v: index 1 is missing, 2..5 are -1..2, larger ones grow so each lands in its own ln^2 bucket. */
function criteoInteger(v: number): string {
  if (v === 1) return '';
  if (v <= 5) return String(v - 3);
  return String(Math.round(Math.exp(Math.sqrt(v - 2.5))));
}

export function generateCriteoSample(rows: number, seed: number): string {
  const ints = Array.from({ length: 13 }, (_, i) => Math.round(6 * Math.pow(150 / 6, i / 12)));
  const cats = Array.from({ length: 26 }, (_, i) => Math.round(2 * Math.pow(5000 / 2, i / 25)));
  const ds = generateSyntheticCtr({ seed, rows, cardinalities: [...ints, ...cats], split: { fractions: [1, 0, 0] } });
  const lines: string[] = [];
  for (const { values, label } of allRows(ds)) {
    const cells = [String(label)];
    for (let f = 0; f < 13; f++) cells.push(criteoInteger(values[f]));
    for (let f = 13; f < 39; f++) cells.push(hashedToken(f, values[f]));
    lines.push(cells.join('\t'));
  }
  return lines.join('\n') + '\n';
}

/** Value counts of Avazu's 22 columns after id and click (hour = 10 days x 24 hours). */
const AVAZU_CARDINALITIES = [240, 7, 7, 2000, 2000, 20, 2000, 200, 30, 5000, 20000, 3000, 5, 4, 2000, 8, 9, 400, 4, 60, 150, 50];

function avazuCell(column: string, f: number, v: number): string {
  if (column === 'hour') {
    const day = Math.floor((v - 1) / 24);
    const hour = (v - 1) % 24;
    const date = new Date(Date.UTC(2014, 9, 21 + day));
    const two = (n: number): string => String(n).padStart(2, '0');
    return `14${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(hour)}`;
  }
  if (column === 'C1') return String(1000 + v);
  if (column === 'banner_pos' || column === 'device_type' || column === 'device_conn_type') return String(v - 1);
  if (/^C\d+$/.test(column)) return String(100 * f + v);
  return hashedToken(f, v);
}

export function generateAvazuSample(rows: number, seed: number): string {
  const ds = generateSyntheticCtr({ seed, rows, cardinalities: AVAZU_CARDINALITIES, split: { fractions: [1, 0, 0] } });
  const columns = AVAZU_COLUMNS.slice(2);
  const lines = [AVAZU_COLUMNS.join(',')];
  let r = 0;
  for (const { values, label } of allRows(ds)) {
    const id = (10_000_000_000_000_000_000n + BigInt(r++) * 7_919_000_003n).toString();
    lines.push([id, String(label), ...columns.map((c, f) => avazuCell(c, f, values[f]))].join(','));
  }
  return lines.join('\n') + '\n';
}

export interface MovieLensSample {
  ratingsCsv: string;
  uData: string;
  moviesCsv: string;
}

const GENRES = ['Action', 'Adventure', 'Animation', 'Comedy', 'Crime', 'Drama', 'Horror', 'Romance', 'Sci-Fi', 'Thriller'];

/**
 * Ratings from a two-field (user, item) synthetic dataset: a click becomes a rating of 4-5, no
 * click 0.5-3.5 (whole stars 1-3 in u.data); timestamps spread over 2000-2001.
 */
export function generateMovieLensSample(rows: number, seed: number, users = 300, items = 1200): MovieLensSample {
  const ds = generateSyntheticCtr({ seed, rows, cardinalities: [users, items], groupField: 0, split: { fractions: [1, 0, 0] } });
  const rng = createRng(seed + 1);
  const csv = ['userId,movieId,rating,timestamp'];
  const tsv: string[] = [];
  for (const { values, label } of allRows(ds)) {
    const [user, item] = values;
    const stars = label ? 4 + rng.int(2) : 1 + rng.int(3);
    const half = !label && rng.next() < 0.3 ? -0.5 : 0;
    const time = 946_684_800 + rng.int(366 * 24 * 3600);
    csv.push(`${user},${item},${(stars + half).toFixed(1)},${time}`);
    tsv.push(`${user}\t${item}\t${stars}\t${time}`);
  }
  const movies = ['movieId,title,genres'];
  for (let item = 1; item <= items; item++) {
    const g = createRng(seed * 7919 + item);
    const list = [GENRES[g.int(GENRES.length)], GENRES[g.int(GENRES.length)]].join('|');
    const title = item % 5 === 0 ? `"Movie ${item}, The (2000)"` : `Movie ${item} (2000)`;
    movies.push(`${item},${title},${list}`);
  }
  return { ratingsCsv: csv.join('\n') + '\n', uData: tsv.join('\n') + '\n', moviesCsv: movies.join('\n') + '\n' };
}
