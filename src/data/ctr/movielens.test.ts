import { describe, expect, it } from 'vitest';
import { ImportError } from '../importError.ts';
import { MAX_MOVIELENS_TIMESTAMP, ML100K_GENRES, parseMovieGenres, parseMovieLensText } from './movielens.ts';

// 2000-01-01T00:00:00Z was a Saturday; 964982703 is 2000-07-30T18:45:03Z, a Sunday.
const CSV = ['userId,movieId,rating,timestamp', '1,10,4.0,946684800', '1,20,3.5,964982703', '2,10,5.0,964982703', '2,30,1.0,946684800'].join('\n');

describe('MovieLens parser', () => {
  it('reads ratings.csv: rating >= 4 clicks, user/item/hour/weekday fields, user groups', () => {
    const ds = parseMovieLensText(CSV, 'movielens-csv', { minCount: 1, split: { fractions: [1, 0, 0] } });
    expect(ds.fields.map((f) => f.name)).toEqual(['user', 'item', 'hour', 'weekday']);
    expect([...ds.train.labels]).toEqual([1, 0, 1, 0]);
    expect([...ds.train.groups!]).toEqual([0, 0, 1, 1]);
    const F = 4;
    const col = (f: number): number[] => Array.from({ length: 4 }, (_, r) => ds.train.indices[r * F + f]);
    expect(col(1)).toEqual([1, 2, 1, 3]);
    expect(col(2)).toEqual([1, 2, 2, 1]); // hours 0 and 18, two each
    expect(col(3)).toEqual(col(2)); // Saturday / Sunday line up with the hours here
  });

  it('reads u.data and adds the first genre from movies.csv or u.item', () => {
    const uData = ['1\t10\t4\t946684800', '2\t20\t2\t964982703', '3\t10\t5\t964982703'].join('\n');
    const moviesCsv = ['movieId,title,genres', '10,"Heat, The (1995)",Crime|Drama', '20,Toy Story (1995),Animation|Children'].join('\n');
    const genres = parseMovieGenres(moviesCsv);
    expect([...genres]).toEqual([
      ['10', 'Crime'],
      ['20', 'Animation'],
    ]);
    const ds = parseMovieLensText(uData, 'movielens-100k', { genres, minCount: 1, split: { fractions: [1, 0, 0] } });
    expect(ds.origin).toBe('movielens-100k');
    expect(ds.fields.map((f) => f.name)).toEqual(['user', 'item', 'hour', 'weekday', 'genre']);
    expect(Array.from({ length: 3 }, (_, r) => ds.train.indices[r * 5 + 4])).toEqual([1, 2, 1]);

    const flags = (i: number): string => ML100K_GENRES.map((_, k) => (k === i ? '1' : '0')).join('|');
    const uItem = [`10|Heat (1995)|01-Jan-1995||http://x|${flags(6)}`, `20|Toy Story (1995)|01-Jan-1995||http://x|${flags(3)}`].join('\n');
    expect([...parseMovieGenres(uItem)]).toEqual([
      ['10', 'Crime'],
      ['20', 'Animation'],
    ]);
    expect(() => parseMovieGenres('10|Heat|x')).toThrow(/line 1 has 3 columns/);
  });

  it('splits by time: the latest ratings are the test split', () => {
    const lines = ['userId,movieId,rating,timestamp'];
    for (let i = 0; i < 20; i++) lines.push(`${i % 3},${i % 5},${i % 2 ? 4 : 2},${1_000_000 + ((i * 7) % 20) * 100}`);
    const ds = parseMovieLensText(lines.join('\n'), 'movielens-csv', { split: { by: 'time' } });
    expect([ds.train.rows, ds.valid.rows, ds.test.rows]).toEqual([16, 2, 2]);
  });

  it('names the problem of malformed files', () => {
    const err = (text: string, layout: 'movielens-csv' | 'movielens-100k'): ImportError => {
      try {
        parseMovieLensText(text, layout);
      } catch (e) {
        return e as ImportError;
      }
      throw new Error('did not throw');
    };
    expect(err('user,item,rating\n1,2,3', 'movielens-csv').message).toMatch(/line 1 is "user,item,rating", not the header/);
    expect(err('userId,movieId,rating,timestamp\n1,2,4', 'movielens-csv').message).toMatch(/line 2 has 3 columns; expected 4/);
    expect(err('1\t2\tfive\t100', 'movielens-100k').message).toMatch(/line 1: rating is "five"/);
    expect(err('1\t2\t4\t2020-01-01', 'movielens-100k').code).toBe('non-numeric');
  });

  it('refuses timestamps that are no Unix time in seconds, and ratings outside the stars (no NaN hour, no undefined weekday)', () => {
    const err = (text: string, layout: 'movielens-csv' | 'movielens-100k' = 'movielens-100k'): ImportError => {
      try {
        parseMovieLensText(text, layout);
      } catch (e) {
        return e as ImportError;
      }
      throw new Error('did not throw');
    };
    const ok = '1\t2\t4\t946684800\n';
    const far = err(ok + '1\t3\t4\t99999999999999999\n');
    expect(far).toMatchObject({
      code: 'non-numeric',
      message: expect.stringMatching(/u.data line 2: timestamp 99999999999999999 is after the year 9999 in Unix seconds \(a time in milliseconds\?\)/),
    });
    expect(err(ok + '1\t3\t4\t946684800000\n').message).toMatch(/line 2: timestamp 946684800000 is after the year 9999/);
    // The last second of 9999 is still read.
    const last = parseMovieLensText(`userId,movieId,rating,timestamp\n1,2,4.0,${MAX_MOVIELENS_TIMESTAMP}\n`, 'movielens-csv', {
      minCount: 1,
      split: { fractions: [1, 0, 0] },
    });
    expect(last.fields.map((f) => f.cardinality)).toEqual([2, 2, 2, 2]);
    expect(err(ok + '1\t3\t7\t946684800\n').message).toMatch(/line 2: rating 7 is above MovieLens's 5 stars/);
    expect(err(ok + '1\t3\t0x4\t946684800\n').message).toMatch(/line 2: rating is "0x4"/);
    expect(err(ok + '1\t3\t1e1\t946684800\n').message).toMatch(/line 2: rating is "1e1"/);
    expect(err(ok + '\t3\t4\t946684800\n').message).toMatch(/line 2: user is "", not an integer/);
    expect(err('userId,movieId,rating,timestamp\n1,,4.0,946684800\n', 'movielens-csv').message).toMatch(/line 2: movieId is ""/);
  });

  it('names a ratings file cut inside its last line, and accepts a complete one without a final newline', () => {
    const rows = ['userId,movieId,rating,timestamp', '1,10,4.0,946684800', '1,20,3.5,964982703', '2,10,5.0,964982703', '2,30,1.0,946684800'];
    expect(() => parseMovieLensText(rows.join('\n'), 'movielens-csv')).not.toThrow();
    for (const cut of ['2,30,1.0,94668', '2,30,1.0,', '2,30,1', '2']) {
      expect(() => parseMovieLensText([...rows.slice(0, -1), cut].join('\n'), 'movielens-csv'), cut).toThrow(
        /MovieLens ratings.csv file ends inside line 5: the file looks cut short/,
      );
    }
    // With a newline after it, a short line is a ragged row, not a cut.
    expect(() => parseMovieLensText([...rows.slice(0, -1), '2,30,1'].join('\n') + '\n', 'movielens-csv')).toThrow(/line 5 has 3 columns; expected 4/);
    const flags = ML100K_GENRES.map((_, k) => (k === 5 ? '1' : '0')).join('|');
    const uItem = [`10|Heat|x||u|${flags}`, `20|Toy|x||u|${flags}`];
    expect(parseMovieGenres(uItem.join('\n')).size).toBe(2);
    expect(() => parseMovieGenres(uItem.join('\n').slice(0, -1))).toThrow(/u.item ends inside line 2: the file looks cut short/);
    expect(() => parseMovieGenres(uItem.join('\n').slice(0, -10))).toThrow(/u.item ends inside line 2/);
    expect(() => parseMovieGenres('movieId,title,genres\n10,Heat,Crime\n20,Toy St')).toThrow(/movies.csv ends inside line 3/);
  });
});
