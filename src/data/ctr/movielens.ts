/**
 * MovieLens ratings as CTR data: ratings.csv (header userId,movieId,rating,timestamp) or ml-100k's
 * u.data (user, item, rating, timestamp, tab-separated, no header). A rating >= 4 is a click.
 * Fields: user, item, hour of day and weekday of the rating (UTC), and the movie's first genre
 * when a movies.csv / u.item is supplied. Rows are grouped by user for gAUC and keep their
 * timestamp, so a time split is available.
 */
import { ImportError } from '../importError.ts';
import type { CtrDataset } from './ctrDataset.ts';
import type { CtrParseOptions, CtrParser } from './ctrParser.ts';
import { parseLines } from './ctrParser.ts';
import { CtrTableBuilder } from './ctrTableBuilder.ts';
import { columnCountError, lineParser, notNumericError } from './lineParser.ts';
import { MISSING_TOKEN } from './vocab.ts';

export type MovieLensLayout = 'movielens-csv' | 'movielens-100k';

export const MOVIELENS_CSV_HEADER = 'userId,movieId,rating,timestamp';
/** Genre names of ml-100k's u.item flag columns 6..24 (its u.genre file). */
export const ML100K_GENRES = [
  'unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export interface MovieLensParseOptions extends CtrParseOptions {
  /** movieId -> first genre (see parseMovieGenres); adds a genre field. */
  genres?: ReadonlyMap<string, string>;
}

/**
 * movieId -> first genre, from movies.csv (movieId,title,genres with genres joined by '|'; titles
 * may hold quoted commas) or ml-100k's u.item (pipe-separated, 19 genre flags at the end).
 */
export function parseMovieGenres(text: string): Map<string, string> {
  const genres = new Map<string, string>();
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return genres;
  if (lines[0].startsWith('movieId,')) {
    lines.slice(1).forEach((line, i) => {
      const id = line.slice(0, line.indexOf(','));
      const list = line.slice(line.lastIndexOf(',') + 1);
      if (id === '' || list === '') throw new ImportError('ragged-row', `movies.csv line ${i + 2} has no movieId or genres.`, 'Supply the movies.csv of the same MovieLens release.');
      genres.set(id, list.split('|')[0]);
    });
    return genres;
  }
  lines.forEach((line, i) => {
    const cells = line.split('|');
    if (cells.length !== 5 + ML100K_GENRES.length) throw columnCountError('u.item', i + 1, cells.length, 5 + ML100K_GENRES.length, 'id|title|release|video release|url|19 genre flags');
    const flag = cells.slice(5).indexOf('1');
    genres.set(cells[0], flag < 0 ? MISSING_TOKEN : ML100K_GENRES[flag]);
  });
  return genres;
}

export function createMovieLensParser(layout: MovieLensLayout, options: MovieLensParseOptions = {}): CtrParser {
  const genres = options.genres;
  const names = ['user', 'item', 'hour', 'weekday', ...(genres ? ['genre'] : [])];
  const builder = new CtrTableBuilder(names, ['click'], { withTimes: true, withGroups: true });
  const csv = layout === 'movielens-csv';
  const format = csv ? 'MovieLens ratings.csv' : 'MovieLens u.data';
  const tokens = new Array<string>(names.length);
  const label = [0];
  let headerSeen = !csv;
  return lineParser(
    layout,
    options,
    (line, n) => {
      if (!headerSeen) {
        if (line.trim() !== MOVIELENS_CSV_HEADER) {
          throw new ImportError('bad-header', `${format} line ${n} is "${line.slice(0, 60)}", not the header ${MOVIELENS_CSV_HEADER}.`, 'Use the ratings.csv of a MovieLens release (ml-latest-small, ml-25m, ...).');
        }
        headerSeen = true;
        return;
      }
      const cells = line.split(csv ? ',' : '\t');
      if (cells.length !== 4) throw columnCountError(format, n, cells.length, 4, csv ? 'userId,movieId,rating,timestamp' : 'user, item, rating, timestamp, tab-separated');
      const [user, item, ratingCell, timeCell] = cells;
      const rating = Number(ratingCell);
      const seconds = Number(timeCell);
      if (ratingCell === '' || !Number.isFinite(rating)) throw notNumericError(format, n, 'rating', ratingCell);
      if (!/^\d+$/.test(timeCell)) throw notNumericError(format, n, 'timestamp', timeCell);
      const date = new Date(seconds * 1000);
      tokens[0] = user;
      tokens[1] = item;
      tokens[2] = String(date.getUTCHours());
      tokens[3] = WEEKDAYS[date.getUTCDay()];
      if (genres) tokens[4] = genres.get(item) ?? MISSING_TOKEN;
      label[0] = rating >= 4 ? 1 : 0;
      builder.addRow(tokens, label, seconds, user);
    },
    () => builder,
    layout === 'movielens-csv' ? 'movielens' : 'movielens-100k',
  );
}

export function parseMovieLensText(text: string, layout: MovieLensLayout, options: MovieLensParseOptions = {}): CtrDataset {
  return parseLines(createMovieLensParser(layout, options), text);
}
