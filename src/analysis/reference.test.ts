/**
 * The engine against numpy float64 results: every case of test/reference/expected.json (and of
 * ../shared/reference/expected.json when it is beside the checkout), read through the same
 * parsers as the app.
 */
import { describe, expect, it } from 'vitest';
import { referenceSets, type ExpectedCase, type ExpectedField } from '../../test/support/referenceFiles.ts';
import { nodeByteSource } from '../data/nodeByteSource.ts';
import { openTableFile } from '../data/openTableFile.ts';
import { analyzeTableFile } from './analyzeTable.ts';
import type { AnalysisResult, FieldResult, SpectrumMode } from '../contracts/tables.ts';

async function analyse(dir: string, fileName: string, c: ExpectedCase, mode: SpectrumMode): Promise<AnalysisResult> {
  const source = await nodeByteSource(dir + fileName);
  try {
    const file = await openTableFile(source);
    const tensors = file.tensors.filter((t) => t.analysable).map((t) => t.name);
    return await analyzeTableFile(file, { tensors, field_dims: c.field_dims, mode });
  } finally {
    await source.close();
  }
}

/** Pairs expected and actual fields: by position for a single field ('table' vs the tensor's name), else by name. */
function pairs(result: AnalysisResult, c: ExpectedCase): [ExpectedField, FieldResult][] {
  const names = Object.keys(c.fields);
  expect(result.fields).toHaveLength(names.length);
  if (names.length === 1) return [[c.fields[names[0]], result.fields[0]]];
  return names.map((name) => {
    const field = result.fields.find((f) => f.name === name);
    expect(field, `field ${name}`).toBeDefined();
    return [c.fields[name], field as FieldResult];
  });
}

describe.each(referenceSets())('$label', ({ dir, cases }) => {
  describe.each(Object.entries(cases))('reference %s', (fileName, c) => {
    it('raw singular values match numpy within 1e-4 s_max', async () => {
      const result = await analyse(dir, fileName, c, 'raw');
      expect(result.source).toBe(fileName);
      for (const [want, got] of pairs(result, c)) {
        expect(got.rows).toBe(want.rows);
        expect(got.dim).toBe(want.dim);
        expect(got.excluded_rows).toBe(0);
        expect(got.singular_values).toHaveLength(want.singular_values_raw.length);
        const sMax = want.singular_values_raw[0];
        got.singular_values.forEach((s, i) => expect(Math.abs(s - want.singular_values_raw[i])).toBeLessThanOrEqual(1e-4 * sMax));
      }
    });

    it('recscope spectrum within 1e-4 and information abundance within 1e-3', async () => {
      const result = await analyse(dir, fileName, c, 'recscope');
      for (const [want, got] of pairs(result, c)) {
        expect(got.normalized_spectrum).toHaveLength(want.recscope_spectrum.length);
        got.normalized_spectrum.forEach((s, i) => expect(Math.abs(s - want.recscope_spectrum[i])).toBeLessThanOrEqual(1e-4));
        expect(Math.abs(got.information_abundance - want.information_abundance)).toBeLessThanOrEqual(1e-3);
      }
    });
  });
});
