import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectCtrFormat } from './detectCtrFormat.ts';
import { parseMovieGenres } from './movielens.ts';
import { parseCtrText } from './parseCtrText.ts';
import { generateAvazuSample, generateCriteoSample, generateMovieLensSample, hashedToken } from './sampleFiles.ts';

const shipped = (file: string): string => readFileSync(new URL(`../../../public/datasets/${file}`, import.meta.url), 'utf8');

describe('sample files in the real formats', () => {
  it('are the ones the generator makes (public/datasets is up to date)', () => {
    expect(shipped('criteo-sample.tsv')).toBe(generateCriteoSample(2_000, 11));
    expect(shipped('avazu-sample.csv')).toBe(generateAvazuSample(2_000, 21));
    const ml = generateMovieLensSample(5_000, 31);
    expect(shipped('movielens-ratings-sample.csv')).toBe(ml.ratingsCsv);
    expect(shipped('u.data-sample')).toBe(ml.uData);
    expect(shipped('movielens-movies-sample.csv')).toBe(ml.moviesCsv);
  });

  it('load with the Criteo loader: 39 fields, every integer bucket kind, a learnable click rate', () => {
    const text = shipped('criteo-sample.tsv');
    expect(detectCtrFormat(text.split('\n', 3))).toBe('criteo');
    const ds = parseCtrText(text);
    expect(ds.fields).toHaveLength(39);
    expect(ds.train.rows + ds.valid.rows + ds.test.rows).toBe(2000);
    const cells = text
      .split('\n')
      .slice(0, 2000)
      .flatMap((l) => l.split('\t').slice(1, 14));
    expect(cells).toContain('');
    expect(cells).toContain('-1');
    expect(cells.some((c) => Number(c) > 100)).toBe(true);
    const rate = ds.train.labels.reduce((s, l) => s + l, 0) / ds.train.rows;
    expect(rate).toBeGreaterThan(0.15);
    expect(rate).toBeLessThan(0.35);
    expect(ds.fields.every((f) => f.cardinality >= 2)).toBe(true);
  });

  it('load with the Avazu and MovieLens loaders', () => {
    const avazu = parseCtrText(shipped('avazu-sample.csv'));
    expect(avazu.origin).toBe('avazu');
    expect(avazu.fields).toHaveLength(23);
    expect(avazu.fields[1]).toEqual({ name: 'weekday', cardinality: 8 });
    const genres = parseMovieGenres(shipped('movielens-movies-sample.csv'));
    expect(genres.size).toBe(1200);
    const ml = parseCtrText(shipped('movielens-ratings-sample.csv'), { genres });
    expect(ml.fields.map((f) => f.name)).toEqual(['user', 'item', 'hour', 'weekday', 'genre']);
    expect(ml.train.groups).toBeDefined();
    const u = parseCtrText(shipped('u.data-sample'));
    expect(u.origin).toBe('movielens-100k');
    expect(u.train.labels).toEqual(ml.train.labels);
  });

  it('hash categories to stable 8-hex tokens', () => {
    expect(hashedToken(3, 17)).toMatch(/^[0-9a-f]{8}$/);
    expect(hashedToken(3, 17)).toBe(hashedToken(3, 17));
    expect(hashedToken(3, 17)).not.toBe(hashedToken(3, 18));
  });
});
