import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../importError.ts';
import { detectLabelColumns, parseMtlCsv } from './mtlCsv.ts';

const KUAIRAND = [
  'user_id,video_id,author_id,tab,is_click,is_like,long_view,play_time_ms',
  ...Array.from({ length: 40 }, (_, i) => `u${i % 5},v${i % 7},a${i % 3},${i % 2},${i % 3 === 0 ? 1 : 0},${i % 9 === 0 ? 1 : 0},${i % 2},${1000 + i}`),
].join('\n');

function thrown(fn: () => unknown): ImportError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('expected an ImportError');
}

describe('parseMtlCsv', () => {
  it('finds the 0/1 label columns by name and embeds the rest', () => {
    const ds = parseMtlCsv(KUAIRAND, { minCount: 1, ignoreColumns: ['play_time_ms'] });
    expect(ds.tasks).toEqual(['is_click', 'is_like']);
    // tab and long_view are 0/1 too, but not named like a label: they stay fields.
    expect(ds.fields.map((f) => f.name)).toEqual(['user_id', 'video_id', 'author_id', 'tab', 'long_view']);
    expect(ds.fields[0].cardinality).toBe(6);
    expect(ds.train.rows + ds.valid.rows + ds.test.rows).toBe(40);
    expect(ds.origin).toBe('multi-label-csv');
    const positives = [0, 0];
    for (const s of [ds.train, ds.valid, ds.test]) for (let r = 0; r < s.rows; r++) for (let t = 0; t < 2; t++) positives[t] += s.labels[r * 2 + t];
    expect(positives).toEqual([14, 5]);
    expect(ds.train.groups).toBeDefined();
  });

  it('reads Ali-CCP style click + conversion (TSV) and applies the min count', () => {
    const text = [
      'user\titem\tcategory\tclick\tconversion',
      ...Array.from({ length: 30 }, (_, i) => `${i % 4}\t${i}\t${i % 3}\t${i % 2}\t${i % 6 === 0 ? 1 : 0}`),
    ].join('\n');
    const ds = parseMtlCsv(text, { minCount: 2 });
    expect(ds.tasks).toEqual(['click', 'conversion']);
    expect(ds.origin).toBe('ali-ccp');
    // Every item appears once: all OOV.
    expect(ds.fields[1].cardinality).toBe(1);
    expect(ds.fields[0].cardinality).toBe(5);
  });

  it('takes label columns picked by the user', () => {
    const ds = parseMtlCsv(KUAIRAND, { labelColumns: ['long_view', 'is_click'], minCount: 1 });
    expect(ds.tasks).toEqual(['long_view', 'is_click']);
    expect(ds.fields.map((f) => f.name)).not.toContain('long_view');
  });

  it('names the columns when no label column is found', () => {
    const e = thrown(() => parseMtlCsv('user,item,score\n1,2,0.5\n'));
    expect(e.code).toBe('bad-header');
    expect(e.message).toContain('user, item, score');
  });

  it('names the line of a ragged row and of a bad label', () => {
    const ragged = thrown(() => parseMtlCsv('user,item,click,like\n1,2,0,1\n3,4,1\n'));
    expect(ragged.code).toBe('ragged-row');
    expect(ragged.message).toContain('line 3');
    const bad = thrown(() => parseMtlCsv('user,item,click,like\n1,2,0,1\n3,4,1,yes\n', { labelColumns: ['click', 'like'] }));
    expect(bad.code).toBe('non-numeric');
    expect(bad.message).toMatch(/line 3: label column like is "yes"/);
    expect(thrown(() => parseMtlCsv('', {})).code).toBe('empty');
    expect(thrown(() => parseMtlCsv('a,b,click\n1,2,0', { labelColumns: ['nope'] })).message).toMatch(/no label column "nope"/);
  });

  it('detectLabelColumns needs both the name and 0/1 values', () => {
    expect(
      detectLabelColumns(
        ['click', 'like_count', 'finish'],
        [
          ['0', '3', '1'],
          ['1', '0', '0'],
        ],
      ),
    ).toEqual(['click', 'finish']);
  });

  it('names a file cut inside its last line, and reads a complete one without a final newline', () => {
    expect(parseMtlCsv(KUAIRAND, { minCount: 1 }).tasks).toEqual(['is_click', 'is_like']);
    const lastLineStart = KUAIRAND.lastIndexOf('\n') + 1;
    // play_time_ms is a count of varying width: a cut inside the last value leaves a valid count
    // (cutShort.ts rule c), so the cuts named are those up to its first digit.
    for (let cut = lastLineStart + 1; cut < KUAIRAND.lastIndexOf(',') + 2; cut++) {
      const error = thrown(() => parseMtlCsv(KUAIRAND.slice(0, cut), { fileName: 'kuairand.csv' }));
      expect(error.code, KUAIRAND.slice(lastLineStart, cut)).toBe('truncated');
      expect(error.message).toMatch(/^kuairand.csv ends inside line 41: the file looks cut short/);
    }
    // A label in the last column cut away: the column must not silently stop being a task.
    const labelLast = ['user,item,click', ...Array.from({ length: 6 }, (_, i) => `u${i},i${i},${i % 2}`)].join('\n');
    expect(parseMtlCsv(labelLast, { minCount: 1 }).tasks).toEqual(['click']);
    expect(thrown(() => parseMtlCsv(labelLast.slice(0, -1), { fileName: 'x.csv' })).message).toMatch(
      /x.csv ends inside line 7: the file looks cut short \(its last value is empty, and no other row's is\)/,
    );
    // The same short line with a newline after it is a ragged row.
    expect(thrown(() => parseMtlCsv(KUAIRAND.slice(0, lastLineStart + 5) + '\n')).code).toBe('ragged-row');
  });
});

describe('parseMtlCsv on files as repositories ship them', () => {
  const dir = join(import.meta.dirname, '../../../test/ctr-data');
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<
    string,
    { rows: number; fields: { name: string; cardinality: number }[] }
  >;

  it("FuxiCTR's tiny MTL file: click and conversion are the tasks, numeric columns bucketed (cardinalities as Python's reference)", () => {
    const d = parseMtlCsv(readFileSync(join(dir, 'fuxictr_tiny_mtl_train.csv'), 'utf8'), { fileName: 'train.csv' });
    expect(d.tasks).toEqual(['click', 'conversion']);
    expect(d.origin).toBe('ali-ccp');
    expect(d.train.rows + d.valid.rows + d.test.rows).toBe(100);
    const want = expected['fuxictr_tiny_mtl_train.csv'].fields.map((f) => ({ name: f.name, cardinality: f.cardinality }));
    expect(d.fields).toEqual(want);
    expect(d.detection?.bucketed.filter((b) => b.rule === 'deciles')).toHaveLength(60);
  });

  it("DeepCTR's movielens sample: quoted titles with commas parse; the file is refused for having no 0/1 label, not for ragged rows", () => {
    expect(() => parseMtlCsv(readFileSync(join(dir, 'deepctr_movielens_sample.txt'), 'utf8'), { fileName: 'movielens_sample.txt' })).toThrow(
      /no label columns found among user_id, movie_id, rating/,
    );
  });

  it('a header-less file is refused, naming the cell that makes line 1 data', () => {
    expect(() => parseMtlCsv('1,0,u1\n0,1,u2\n', { fileName: 'x.csv' })).toThrow(/x.csv has no header: line 1 is data \(column 1 is the number "1"\)/);
  });
});
