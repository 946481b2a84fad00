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
import { cutShortError } from '../formats/cutShort.ts';
import { columnCountError, cutShortCheck, isInteger, lineParser, notNumericError } from './lineParser.ts';
import { MISSING_TOKEN } from './vocab.ts';

export type MovieLensLayout = 'movielens-csv' | 'movielens-100k';

export const MOVIELENS_CSV_HEADER = 'userId,movieId,rating,timestamp';
/** Genre names of ml-100k's u.item flag columns 6..24 (its u.genre file). */
export const ML100K_GENRES = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/**
 * MovieLens timestamps are Unix seconds. The last one read is 9999-12-31T23:59:59Z (the largest
 * four-digit year, as in ISO 8601): a larger value is no date a rating was made on, most often a
 * time in milliseconds, and beyond 8.64e12 it is no JavaScript date at all.
 */
export const MAX_MOVIELENS_TIMESTAMP = 253_402_300_799;
/** Ratings are 0.5-5 stars in ratings.csv, 1-5 in u.data. */
const MAX_RATING = 5;
const RATING = /^\d+(\.\d+)?$/;

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
  const all = text.split(/\r?\n/);
  // A last line no newline ends, after complete ones, may be cut short (cutShort.ts): it must still have all its cells.
  const mayBeCut = (i: number): boolean => i === all.length - 1 && !text.endsWith('\r');
  const lines = all.map((line, i) => ({ line, number: i + 1, mayBeCut: mayBeCut(i) })).filter((l) => l.line.trim() !== '');
  if (lines.length === 0) return genres;
  if (lines[0].line.startsWith('movieId,')) {
    lines.slice(1).forEach(({ line, number, mayBeCut }, i) => {
      const id = line.slice(0, line.indexOf(','));
      const list = line.slice(line.lastIndexOf(',') + 1);
      if (mayBeCut && i > 0 && (line.split(',').length < 3 || list === '')) throw cutShortError('movies.csv', number, 'it has no genres column');
      if (id === '' || list === '')
        throw new ImportError('ragged-row', `movies.csv line ${number} has no movieId or genres.`, 'Supply the movies.csv of the same MovieLens release.');
      genres.set(id, list.split('|')[0]);
    });
    return genres;
  }
  const columns = 5 + ML100K_GENRES.length;
  lines.forEach(({ line, number, mayBeCut }, i) => {
    const cells = line.split('|');
    // A cut inside the last flag leaves "" (a flag is one digit).
    if (mayBeCut && i > 0 && (cells.length < columns || cells[columns - 1] === ''))
      throw cutShortError('u.item', number, `it has ${cells.length} of the ${columns} columns every line has`);
    if (cells.length !== columns) throw columnCountError('u.item', number, cells.length, columns, 'id|title|release|video release|url|19 genre flags');
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
  const cutShort = cutShortCheck(format, options);
  return lineParser(
    layout,
    options,
    (line, n, mayBeCut) => {
      if (!headerSeen) {
        if (line.trim() !== MOVIELENS_CSV_HEADER) {
          throw new ImportError(
            'bad-header',
            `${format} line ${n} is "${line.slice(0, 60)}", not the header ${MOVIELENS_CSV_HEADER}.`,
            'Use the ratings.csv of a MovieLens release (ml-latest-small, ml-25m, ...).',
          );
        }
        headerSeen = true;
        return;
      }
      const cells = line.split(csv ? ',' : '\t');
      cutShort.cellCount(n, cells.length, 4, mayBeCut);
      if (cells.length !== 4)
        throw columnCountError(format, n, cells.length, 4, csv ? 'userId,movieId,rating,timestamp' : 'user, item, rating, timestamp, tab-separated');
      const [user, item, ratingCell, timeCell] = cells;
      if (!isInteger(user)) throw notNumericError(format, n, csv ? 'userId' : 'user', user);
      if (!isInteger(item)) throw notNumericError(format, n, csv ? 'movieId' : 'item', item);
      if (!RATING.test(ratingCell)) throw notNumericError(format, n, 'rating', ratingCell);
      const rating = Number(ratingCell);
      if (rating > MAX_RATING) {
        throw new ImportError(
          'non-numeric',
          `${format} line ${n}: rating ${ratingCell} is above MovieLens's ${MAX_RATING} stars.`,
          `Check that the file is MovieLens ratings data and that line ${n} is not corrupted.`,
        );
      }
      if (!/^\d+$/.test(timeCell)) {
        cutShort.invalidLastCell(n, timeCell, mayBeCut);
        throw notNumericError(format, n, 'timestamp', timeCell);
      }
      cutShort.lastCell(n, timeCell, mayBeCut);
      const seconds = Number(timeCell);
      if (seconds > MAX_MOVIELENS_TIMESTAMP) {
        throw new ImportError(
          'non-numeric',
          `${format} line ${n}: timestamp ${timeCell.length > 20 ? timeCell.slice(0, 20) + '…' : timeCell} is after the year 9999 in Unix seconds (a time in milliseconds?).`,
          `MovieLens timestamps are seconds since 1970-01-01 UTC: check line ${n}, or divide millisecond times by 1000.`,
        );
      }
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
    {
      layout: `${format} (time read as hour of day and weekday)`,
      header: csv,
      ...(csv ? {} : { headerless: 'by-format' as const }),
      label: 'rating >= 4',
      bucketed: [],
      ignored: [],
    },
  );
}

export function parseMovieLensText(text: string, layout: MovieLensLayout, options: MovieLensParseOptions = {}): CtrDataset {
  return parseLines(createMovieLensParser(layout, options), text);
}
