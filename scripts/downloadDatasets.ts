/**
 * Fetches real CTR datasets into public/datasets/downloads/ (git-ignored) and lists them in
 * downloads/index.json for the studio. Needs internet access; tests never run it.
 *   npm run datasets:download                      MovieLens ml-latest-small and ml-100k (GroupLens)
 *   npm run datasets:download -- --criteo [rows]   also the first rows (default 100000) of Criteo's
 *                                                  Kaggle display-advertising train.txt
 * The Criteo archive (https://go.criteo.net/criteo-research-kaggle-display-advertising-challenge-dataset.tar.gz,
 * about 4.3 GB, terms at https://ailab.criteo.com/ressources/) is streamed: only the bytes up to
 * the wanted rows of train.txt are downloaded, nothing is kept but those rows. Avazu needs a
 * Kaggle account (https://www.kaggle.com/c/avazu-ctr-prediction/data): download train.gz there,
 * unpack it and drop the CSV (or its first lines) into the studio.
 *   npm run datasets:download -- --fuxictr-taobao   also FuxiCTR's Taobao-ad sample with click_sequence
 *   npm run datasets:download -- --taobao PATH [M]  also 1 user in M (default 100) of a UserBehavior.csv
 *                                                  you downloaded (scripts/downloadSequenceDatasets.ts)
 */
import { createWriteStream, mkdirSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { unzipSync } from 'fflate';
import type { CtrFormat } from '../src/data/ctr/ctrParser.ts';
import { DATASET_INDEX_VERSION, type DatasetIndex, type DatasetIndexEntry } from '../src/data/ctr/datasetIndex.ts';
import { parseMovieGenres } from '../src/data/ctr/movielens.ts';
import { parseCtrText } from '../src/data/ctr/parseCtrText.ts';
import { downloadFuxiCtrTaobao, sampleTaobaoUserBehavior } from './downloadSequenceDatasets.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'datasets', 'downloads');
const CRITEO_URL = 'https://go.criteo.net/criteo-research-kaggle-display-advertising-challenge-dataset.tar.gz';

interface MovieLensRelease {
  id: string;
  url: string;
  /** Files taken from the zip: [path in the zip, file written]. */
  files: [string, string][];
  ratings: string;
  movies: string;
  format: CtrFormat;
}

const MOVIELENS: MovieLensRelease[] = [
  {
    id: 'ml-latest-small',
    url: 'https://files.grouplens.org/datasets/movielens/ml-latest-small.zip',
    files: [
      ['ml-latest-small/ratings.csv', 'ml-latest-small-ratings.csv'],
      ['ml-latest-small/movies.csv', 'ml-latest-small-movies.csv'],
    ],
    ratings: 'ml-latest-small-ratings.csv',
    movies: 'ml-latest-small-movies.csv',
    format: 'movielens-csv',
  },
  {
    id: 'ml-100k',
    url: 'https://files.grouplens.org/datasets/movielens/ml-100k.zip',
    files: [
      ['ml-100k/u.data', 'ml-100k-u.data'],
      ['ml-100k/u.item', 'ml-100k-u.item'],
    ],
    ratings: 'ml-100k-u.data',
    movies: 'ml-100k-u.item',
    format: 'movielens-100k',
  },
];

async function get(url: string, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (e) {
    const cause = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
    throw new Error(
      `Could not reach ${new URL(url).host} (${cause}). Downloading needs internet access; the studio and its tests work offline with the synthetic datasets in public/datasets/.`,
      { cause: e },
    );
  }
  if (!response.ok || !response.body) throw new Error(`${url} answered HTTP ${response.status} ${response.statusText}.`);
  return response;
}

async function downloadMovieLens(release: MovieLensRelease): Promise<DatasetIndexEntry> {
  console.log(`fetching ${release.url}`);
  const zip = unzipSync(new Uint8Array(await (await get(release.url)).arrayBuffer()));
  for (const [inZip, file] of release.files) {
    if (!zip[inZip]) throw new Error(`${release.url} has no ${inZip}; GroupLens may have changed the archive.`);
    writeFileSync(join(OUT, file), zip[inZip]);
  }
  // u.item is Latin-1; only its ids and genre flags are read, which are ASCII.
  const genres = parseMovieGenres(new TextDecoder('latin1').decode(readFileSync(join(OUT, release.movies))));
  const ds = parseCtrText(readFileSync(join(OUT, release.ratings), 'utf8'), { format: release.format, genres });
  return {
    id: release.id,
    family: 'ctr',
    tasks: [...ds.tasks],
    name: `MovieLens ${release.id.slice(3)}`,
    description: `GroupLens ${release.id} ratings (rating >= 4 is a click); genres in ${release.movies}.`,
    rows: ds.train.rows + ds.valid.rows + ds.test.rows,
    fields: ds.fields.length,
    file: release.ratings,
    bytes: statSync(join(OUT, release.ratings)).size,
    format: release.format,
  };
}

/**
 * Writes the first `rows` lines of the tar entry whose name ends with `entrySuffix` from a
 * gunzipped tar stream, skipping the entries before it. Returns the lines written.
 */
export async function tarEntryLines(tar: AsyncIterable<Buffer>, entrySuffix: string, rows: number, write: (line: string) => void): Promise<number> {
  let buffer: Buffer = Buffer.alloc(0);
  let entryLeft = 0; // data bytes left in the current entry, padding included
  let entryName = '';
  let carry = '';
  let written = 0;
  for await (const chunk of tar) {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    while (written < rows) {
      if (entryLeft === 0) {
        if (buffer.length < 512) break;
        const header = buffer.subarray(0, 512);
        buffer = buffer.subarray(512);
        if (header.every((b) => b === 0)) continue;
        entryName = header.subarray(0, 100).toString('latin1').replace(/\0.*$/s, '');
        const size = parseInt(header.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
        entryLeft = Math.ceil(size / 512) * 512;
        console.log(`  tar entry ${entryName} (${(size / 1e9).toFixed(2)} GB)${entryName.endsWith(entrySuffix) ? '' : ', skipped'}`);
        continue;
      }
      if (buffer.length === 0) break;
      const take = buffer.subarray(0, Math.min(entryLeft, buffer.length));
      buffer = buffer.subarray(take.length);
      entryLeft -= take.length;
      if (!entryName.endsWith(entrySuffix)) continue;
      const lines = (carry + take.toString('latin1')).split('\n');
      carry = lines.pop()!;
      if (entryLeft === 0) {
        const last = carry.replace(/\0+$/, ''); // the entry's last line, tar padding stripped
        if (last !== '') lines.push(last);
        carry = '';
      }
      for (const line of lines) {
        if (written === rows) break;
        write(line.replace(/\0+$/, ''));
        written++;
      }
    }
    if (written >= rows) break;
  }
  return written;
}

/** Streams the Criteo tar.gz until `rows` lines of train.txt are written, then stops the download. */
async function downloadCriteo(rows: number): Promise<DatasetIndexEntry> {
  console.log(`streaming ${CRITEO_URL} for the first ${rows} rows of train.txt`);
  const controller = new AbortController();
  const response = await get(CRITEO_URL, controller.signal);
  const file = `criteo-kaggle-train-${rows}.tsv`;
  const out = createWriteStream(join(OUT, file));
  const gunzip = Readable.fromWeb(response.body as unknown as NodeReadableStream).pipe(createGunzip());
  let written: number;
  try {
    written = await tarEntryLines(gunzip, 'train.txt', rows, (line) => out.write(line + '\n'));
  } finally {
    controller.abort();
    gunzip.destroy();
    await new Promise<void>((resolve) => out.end(resolve));
  }
  if (written < rows) throw new Error(`The Criteo archive ended after ${written} rows of train.txt.`);
  const ds = parseCtrText(readFileSync(join(OUT, file), 'utf8'), { format: 'criteo' });
  return {
    id: `criteo-kaggle-${rows}`,
    family: 'ctr',
    tasks: [...ds.tasks],
    name: `Criteo Kaggle (first ${rows} rows)`,
    description: 'The first rows of the Criteo display-advertising challenge train.txt (day 1; not a random sample).',
    rows: written,
    fields: ds.fields.length,
    file,
    bytes: statSync(join(OUT, file)).size,
    format: 'criteo',
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const criteoAt = args.indexOf('--criteo');
  const criteoRows = criteoAt >= 0 ? Number(args[criteoAt + 1] ?? 100_000) || 100_000 : 0;
  mkdirSync(OUT, { recursive: true });
  const entries: DatasetIndexEntry[] = [];
  for (const release of MOVIELENS) entries.push(await downloadMovieLens(release));
  if (criteoRows > 0) entries.push(await downloadCriteo(criteoRows));
  if (args.includes('--fuxictr-taobao')) entries.push(await downloadFuxiCtrTaobao(OUT, (url) => get(url)));
  const taobaoAt = args.indexOf('--taobao');
  if (taobaoAt >= 0)
    entries.push(await sampleTaobaoUserBehavior(OUT, args[taobaoAt + 1], Number(args[taobaoAt + 2]?.startsWith('--') ? 100 : (args[taobaoAt + 2] ?? 100))));
  const index: DatasetIndex = { version: DATASET_INDEX_VERSION, datasets: entries };
  writeFileSync(join(OUT, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  for (const e of entries) console.log(`${e.file}: ${e.rows} rows, ${e.fields} fields, ${(e.bytes / 1e6).toFixed(1)} MB`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(`datasets:download failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
