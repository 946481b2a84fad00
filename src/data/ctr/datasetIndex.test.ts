import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auc } from './auc.ts';
import { decodeCtrDataset, encodeCtrDataset } from './datasetFile.ts';
import type { CtrFormat } from './ctrParser.ts';
import { datasetsOf, parseDatasetIndex } from './datasetIndex.ts';
import { parseCtrText } from './parseCtrText.ts';
import { generateSyntheticCtr } from './syntheticCtr.ts';

const dir = new URL('../../../public/datasets/', import.meta.url);

describe('public/datasets/index.json', () => {
  const index = parseDatasetIndex(JSON.parse(readFileSync(new URL('index.json', dir), 'utf8')));

  it('lists every shipped file with its true size, under 8 MB in all', () => {
    let total = 0;
    for (const entry of index.datasets.filter((d) => d.format !== 'generated')) {
      expect(statSync(new URL(entry.file, dir)).size).toBe(entry.bytes);
      total += entry.bytes;
    }
    expect(total).toBeLessThan(8e6);
    expect(index.datasets.map((d) => d.id)).toEqual(
      expect.arrayContaining([
        'synthetic-ctr-small',
        'synthetic-ctr-1m',
        'synthetic-ctr-tiny',
        'criteo-sample',
        'avazu-sample',
        'synthetic-mtl-small',
        'synthetic-mtl-conflict',
      ]),
    );
  });

  it('ships binary datasets that decode to what the index says, reproducibly', () => {
    for (const entry of index.datasets.filter((d) => d.format === 'rlctr')) {
      const bytes = new Uint8Array(readFileSync(new URL(entry.file, dir)));
      const ds = decodeCtrDataset(bytes);
      expect(ds.train.rows + ds.valid.rows + ds.test.rows).toBe(entry.rows);
      expect(ds.fields).toHaveLength(entry.fields);
      expect(entry.tasks).toEqual(ds.tasks);
      expect(entry.family).toBe(ds.tasks.length > 1 ? 'multitask' : 'ctr');
      // Multi-task sets carry one Bayes AUC per task (in the description), not one number.
      if (ds.tasks.length === 1) expect(auc(ds.test.trueProbabilities!, ds.test.labels)).toBeCloseTo(entry.bayesTestAuc!, 4);
      else expect(entry.bayesTestAuc).toBeUndefined();
    }
    const tiny = index.datasets.find((d) => d.id === 'synthetic-ctr-tiny')!;
    const regenerated = encodeCtrDataset(
      generateSyntheticCtr({ seed: 7, rows: 50_000, fields: 8, minCardinality: 2, maxCardinality: 20, name: 'synthetic-ctr-tiny' }),
    );
    expect(Buffer.from(regenerated).equals(readFileSync(new URL(tiny.file, dir)))).toBe(true);
  });

  it('describes a generated dataset by its generator config, which reproduces its rows and Bayes AUC', () => {
    // The generated sequence set is checked against its generator in syntheticSequences.test.ts.
    const generated = index.datasets.filter((d) => d.format === 'generated' && d.family === 'ctr');
    expect(generated.map((d) => d.id)).toEqual(['synthetic-ctr-1m', 'synthetic-ctr-lesson']);
    const lesson = generated[1];
    const small = generateSyntheticCtr({ ...lesson.generator!, name: lesson.id });
    expect(small.train.rows + small.valid.rows + small.test.rows).toBe(lesson.rows);
    expect(auc(small.test.trueProbabilities!, small.test.labels)).toBeCloseTo(lesson.bayesTestAuc!, 4);
    const entry = generated[0];
    expect(entry).toMatchObject({ file: '', bytes: 0, rows: 1_000_000 });
    const ds = generateSyntheticCtr({ ...entry.generator!, name: entry.id });
    expect(ds.train.rows + ds.valid.rows + ds.test.rows).toBe(entry.rows);
    expect(ds.fields).toHaveLength(entry.fields);
    // Vocabularies count the OOV slot 0 besides the values.
    expect(Math.max(...ds.fields.map((f) => f.cardinality))).toBe(entry.generator!.maxCardinality! + 1);
    expect(auc(ds.test.trueProbabilities!, ds.test.labels)).toBeCloseTo(entry.bayesTestAuc!, 4);
  }, 60_000);

  it("states each dataset's family and tasks, so views never guess them from ids", () => {
    const family = Object.fromEntries(index.datasets.map((d) => [d.id, [d.family, d.tasks.join('+')]]));
    expect(family['synthetic-ctr-small']).toEqual(['ctr', 'click']);
    expect(family['synthetic-mtl-conflict']).toEqual(['multitask', 'click+like']);
    expect(family['movielens-movies-sample']).toEqual(['side-data', '']);
    expect(datasetsOf(index.datasets, 'multitask').map((d) => d.id)).toEqual(['synthetic-mtl-small', 'synthetic-mtl-conflict']);
    for (const entry of index.datasets.filter((d) => d.family !== 'side-data' && d.family !== 'sequence' && d.format !== 'rlctr' && d.format !== 'generated')) {
      const text = readFileSync(new URL(entry.file, dir), 'utf8');
      expect(parseCtrText(text, { format: entry.format as CtrFormat }).tasks, entry.id).toEqual(entry.tasks);
    }
  });

  it('rejects a malformed index', () => {
    expect(() => parseDatasetIndex({ version: 3, datasets: [] })).toThrow(/not a RecLens index.json/);
    expect(() => parseDatasetIndex({ version: 2, datasets: [{ id: 'x' }] })).toThrow(/not a RecLens index.json/);
    const generated = { id: 'g', family: 'ctr', tasks: ['click'], name: 'g', description: '', rows: 10, fields: 2, file: '', bytes: 0, format: 'generated' };
    expect(() => parseDatasetIndex({ version: 2, datasets: [generated] })).toThrow(/not a RecLens index.json/);
    expect(() => parseDatasetIndex({ version: 2, datasets: [{ ...generated, generator: { seed: 1, rows: 11 } }] })).toThrow(/not a RecLens index.json/);
    expect(parseDatasetIndex({ version: 2, datasets: [{ ...generated, generator: { seed: 1, rows: 10 } }] }).datasets).toHaveLength(1);
    const withGenerator = { ...generated, generator: { seed: 1, rows: 10 } };
    expect(() => parseDatasetIndex({ version: 2, datasets: [{ ...withGenerator, family: 'sequence' }] })).toThrow(/family and tasks/);
    expect(() => parseDatasetIndex({ version: 2, datasets: [{ ...withGenerator, family: 'multitask' }] })).toThrow(/family and tasks/);
    expect(() => parseDatasetIndex({ version: 2, datasets: [{ ...withGenerator, tasks: undefined }] })).toThrow(/family and tasks/);
    // A generated sequence set: its generator, and its sizes with the generator's users at the entry's rows.
    const sizes = [
      { users: 3, rows: 6, bayesTestAuc: 0.7 },
      { users: 5, rows: 10, bayesTestAuc: 0.7 },
    ];
    const sequences = { ...generated, family: 'sequence', sequenceGenerator: { seed: 1, users: 5 }, sizes };
    expect(parseDatasetIndex({ version: 2, datasets: [sequences] }).datasets[0].sizes).toEqual(sizes);
    expect(() => parseDatasetIndex({ version: 2, datasets: [{ ...sequences, sizes: sizes.slice(0, 1) }] })).toThrow(/not a RecLens index.json/);
    expect(() => parseDatasetIndex({ version: 2, datasets: [{ ...sequences, sequenceGenerator: { seed: 1 } }] })).toThrow(/not a RecLens index.json/);
    expect(() => parseDatasetIndex({ version: 2, datasets: [{ ...sequences, sizes: [{ users: 5, rows: 10 }] }] })).toThrow(/not a RecLens index.json/);
  });

  it('migrates a version 1 index (no families) as the studio read it before', () => {
    const v1 = (id: string, fields: number, format: string) => ({ id, name: id, description: '', rows: 10, fields, file: `${id}.x`, bytes: 1, format });
    const migrated = parseDatasetIndex({
      version: 1,
      datasets: [v1('ml-100k', 4, 'movielens-100k'), v1('movies', 0, 'movielens-movies'), v1('synthetic-mtl-small', 5, 'rlctr')],
    });
    expect(migrated.version).toBe(2);
    expect(migrated.datasets.map((d) => [d.family, d.tasks])).toEqual([
      ['ctr', ['click']],
      ['side-data', []],
      ['multitask', ['click', 'like']],
    ]);
  });
});
