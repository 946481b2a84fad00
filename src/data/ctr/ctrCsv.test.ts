import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../importError.ts';
import { nodeByteSource } from '../nodeByteSource.ts';
import type { CtrDataset } from './ctrDataset.ts';
import { parseCsvCtrText } from './ctrCsv.ts';
import { detectCtrFormat } from './detectCtrFormat.ts';
import { importCtrFile } from './importCtrFile.ts';
import { parseCtrText } from './parseCtrText.ts';

const DIR = join(import.meta.dirname, '../../../test/ctr-data');
interface Expected {
  header: boolean;
  rows: number;
  label: string;
  positives: number;
  fields: { name: string; cardinality: number }[];
  bucketed: { name: string; rule: string }[];
  ignored: { name: string; why: string }[];
}
const EXPECTED = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, Expected>;
const FILES = [
  'deepctr_criteo_sample.txt',
  'deepctr_movielens_sample.txt',
  'fuxictr_tiny_csv_train_sample.csv',
  'fuxictr_tiny_mtl_train.csv',
  'criteo_sample_noheader.csv',
];

const total = (d: CtrDataset) => d.train.rows + d.valid.rows + d.test.rows;
const positives = (d: CtrDataset) => [d.train, d.valid, d.test].reduce((s, split) => s + split.labels.reduce((a, b) => a + b, 0), 0);

describe('CSV CTR files as DeepCTR and FuxiCTR ship them (expected.json: Python csv module)', () => {
  for (const file of FILES) {
    it(`${file}: rows, label, fields and cardinalities match the Python reference`, async () => {
      const want = EXPECTED[file];
      // The Train tab's path: format detection, then the file streamed in small slices (quoted fields straddle them).
      const src = await nodeByteSource(join(DIR, file));
      const d = await importCtrFile(src, { sliceBytes: 997 }).finally(() => src.close());
      expect(total(d)).toBe(want.rows);
      expect(positives(d)).toBe(want.positives);
      expect(d.fields.map((f) => ({ name: f.name, cardinality: f.cardinality }))).toEqual(
        want.fields.map((f) => ({ name: f.name, cardinality: f.cardinality })),
      );
      expect(d.detection?.header).toBe(want.header);
      expect(d.detection?.label).toBe(want.label);
      expect(d.detection?.bucketed).toEqual(want.bucketed);
      expect(d.detection?.ignored).toEqual(want.ignored);
    });
  }

  it('detects every fixture as csv from its first line', () => {
    for (const file of FILES) expect(detectCtrFormat(readFileSync(join(DIR, file), 'utf8').split('\n', 3)), file).toBe('csv');
  });

  it('numeric columns are bucketed, not one token per float (FuxiCTR tiny MTL: numerical_1 has at most 10 buckets + OOV)', () => {
    const d = parseCtrText(readFileSync(join(DIR, 'fuxictr_tiny_mtl_train.csv'), 'utf8'));
    const numerical = d.fields.filter((f) => f.name.startsWith('numerical_'));
    expect(numerical).toHaveLength(63);
    for (const f of numerical) expect(f.cardinality, f.name).toBeLessThanOrEqual(11);
    expect(d.tasks).toEqual(['click']);
  });

  it("a header-less file's detection says its line 1 is data", () => {
    const d = parseCtrText(readFileSync(join(DIR, 'criteo_sample_noheader.csv'), 'utf8'));
    expect(d.detection?.layout).toMatch(/without a header/);
    expect(d.fields[0].name).toBe('I1');
  });
});

describe('every text format says how it was read', () => {
  const head = (path: string, lines: number) =>
    readFileSync(join(import.meta.dirname, '../../..', path), 'utf8')
      .split('\n')
      .slice(0, lines)
      .join('\n');

  it('Criteo TSV: no header by its format (no warning), label in column 1, I1..I13 by log-squared; Avazu drops id; MovieLens clicks at rating >= 4', () => {
    const criteo = parseCtrText(head('public/datasets/criteo-sample.tsv', 300)).detection!;
    expect(criteo).toMatchObject({ header: false, headerless: 'by-format', label: 'column 1' });
    expect(criteo.bucketed.map((b) => b.name)).toEqual(Array.from({ length: 13 }, (_, i) => `I${i + 1}`));
    expect(parseCtrText(head('public/datasets/avazu-sample.csv', 300)).detection).toMatchObject({
      header: true,
      label: 'click',
      ignored: [{ name: 'id', why: 'an id' }],
    });
    expect(parseCtrText(head('public/datasets/u.data-sample', 300)).detection).toMatchObject({ header: false, headerless: 'by-format', label: 'rating >= 4' });
  });
});

describe('CSV CTR errors name the line and the column', () => {
  const fail = (text: string): ImportError => {
    try {
      parseCsvCtrText(text, { fileName: 'x.csv' });
    } catch (e) {
      if (e instanceof ImportError) return e;
      throw e;
    }
    throw new Error('no error');
  };

  it('a label that is not 0/1', () => {
    const e = fail('clk,a\n0,x\n1,y\n2,z\n');
    expect(e.code).toBe('non-numeric');
    expect(e.message).toMatch(/line 4, column 1 \(clk\).*"2"/);
  });

  it('a row with a column too many, with the quoting hint', () => {
    const e = fail('label,title\n1,a\n0,Ed Wood, The\n');
    expect(e.code).toBe('ragged-row');
    expect(e.message).toMatch(/line 3 has 3 columns; the header names 2/);
    expect(e.fix).toMatch(/double quotes/);
  });

  it('a header without a label column', () => {
    const e = fail('user,item\nu1,i1\n');
    expect(e.code).toBe('bad-header');
    expect(e.message).toMatch(/no label column among user, item/);
  });

  it('a header-less file whose first column is no label', () => {
    const e = fail('u1,260.0,x\nu2,3,y\n');
    expect(e.code).toBe('bad-header');
    expect(e.message).toMatch(/line 1 is not a header \(column 2 is the number "260.0"\)/);
  });

  it('a quote never closed', () => {
    const e = fail('label,title\n1,"open\n0,b\n');
    expect(e.code).toBe('truncated');
    expect(e.message).toMatch(/line 2: a quoted field opens in column 2/);
  });

  it('quoted fields keep their commas, quotes and line breaks', () => {
    const d = parseCsvCtrText('label,title\n1,"a, b"\n0,"a, b"\n1,"say ""hi""\nthere"\n0,"say ""hi""\nthere"\n', { fileName: 'x.csv' });
    expect(total(d)).toBe(4);
    expect(d.fields[0].cardinality).toBe(3);
  });
});
