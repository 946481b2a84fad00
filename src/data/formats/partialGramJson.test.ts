import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeTableFile } from '../../analysis/analyzeTable.ts';
import { analyzeGramTable, analyzePartialGram, mergePartialGrams, partialGramOfTable } from '../../analysis/partialGram.ts';
import type { PartialGram } from '../../contracts/partialGram.ts';
import { bytesByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import { openTableFile } from '../openTableFile.ts';
import { MAX_PARTIAL_GRAM_DIM, partialGramToJSON, readPartialGramJson } from './partialGramJson.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const source = (text: string, name = 'part.json') => bytesByteSource(utf8(text), name);
const open = (path: string) => openTableFile(bytesByteSource(new Uint8Array(readFileSync(path)), path.split('/').pop()!));
const TENSORS = ['embedding_bags.user.weight', 'embedding_bags.item.weight'];

async function rankPartial(rank: number): Promise<PartialGram> {
  return partialGramOfTable(await open(`test/shards/ebc_rank${rank}.pt`), { tensors: TENSORS });
}

/** The JSON of rank 0's partial, parsed, for editing. */
async function doc(): Promise<Record<string, unknown> & { fields: Record<string, unknown>[] }> {
  return JSON.parse(partialGramToJSON(await rankPartial(0)));
}

async function problem(edit: (d: Awaited<ReturnType<typeof doc>>) => void): Promise<ImportError> {
  const d = await doc();
  edit(d);
  const error = await readPartialGramJson(source(JSON.stringify(d))).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ImportError);
  return error as ImportError;
}

describe('partial-Gram JSON', () => {
  it('round-trips float64 sums exactly, so merging files equals merging in memory', async () => {
    const parts = await Promise.all([0, 1, 2].map(rankPartial));
    const read = await Promise.all(parts.map((p, i) => readPartialGramJson(source(partialGramToJSON(p), `p${i}.json`))));
    expect(read).toEqual(parts);
    const inMemory = analyzePartialGram(mergePartialGrams(parts), 'centered');
    const fromFiles = analyzePartialGram(mergePartialGrams(read), 'centered');
    expect(fromFiles).toEqual(inMemory);
  });

  it('writes one line per Gram row, with its format and version first', async () => {
    const text = partialGramToJSON(await rankPartial(0));
    expect(text.startsWith('{\n "format": "reclens-partial-gram",\n "version": 1,')).toBe(true);
    // 2 fields x (raw + recscope) x 16 rows, each a single line of 16 numbers.
    expect(text.split('\n').filter((l) => /^\s*\[-?\d[^\]]*\],?$/.test(l) && l.split(',').filter(Boolean).length >= 16)).toHaveLength(2 * 2 * 16);
    expect(text).toMatch(/"col_sum": \[-?\d[^\n]*\]\n/);
  });

  it('opens as a table whose fields analyse as the whole file does', async () => {
    const merged = mergePartialGrams(await Promise.all([0, 1, 2].map(rankPartial)));
    const table = await openTableFile(source(partialGramToJSON(merged), 'merged.json'));
    expect(table.format).toBe('partialgram');
    expect(table.tensors.map((t) => [t.name, ...t.shape])).toEqual([
      [TENSORS[0], 700, 16],
      [TENSORS[1], 450, 16],
    ]);
    const fromGrams = analyzeGramTable(table, { tensors: TENSORS, mode: 'recscope' })!;
    const direct = await analyzeTableFile(await open('test/shards/ebc_whole.pt'), { tensors: TENSORS, mode: 'recscope' });
    fromGrams.fields.forEach((f, i) =>
      expect(Math.abs(f.information_abundance - direct.fields[i].information_abundance)).toBeLessThan(1e-12 * f.information_abundance),
    );
    expect(analyzeGramTable(table, { tensors: [TENSORS[1]], mode: 'raw' })!.fields.map((f) => f.name)).toEqual([TENSORS[1]]);
    expect(() => analyzeGramTable(table, { tensors: TENSORS, mode: 'raw', field_dims: [350, 350] })).toThrow(/already split/);
    expect(() => table.readRows(TENSORS[0])).toThrow(/holds partial Grams/);
  });

  it('names what is wrong with a malformed file', async () => {
    const e = (text: string) => readPartialGramJson(source(text)).catch((x: unknown) => (x as Error).message);
    expect(await e('{"format": "reclens-partial-gram", ')).toMatch(/part\.json is not valid JSON/);
    expect(await e('[2, 7, 24]')).toMatch(/is not a RecLens partial-Gram file/);
    expect(await e('{"format": "reclens-partial-gram", "version": 2}')).toMatch(/version 2; this RecLens reads version 1/);
    expect((await problem((d) => (d.version = 1.5))).message).toMatch(/"version": 1.5/);
    expect((await problem((d) => (d.tensors = []))).message).toMatch(/"tensors" that is not a list of at least one name/);
    expect((await problem((d) => d.fields.pop())).message).toMatch(/has 1 fields, but one per tensor makes 2/);
    expect((await problem((d) => (d.fields[0].dim = MAX_PARTIAL_GRAM_DIM + 1))).message).toMatch(/K = 4097; K is a whole number from 1 to 4096/);
    expect((await problem((d) => (d.fields[0].dim = 8))).message).toMatch(/gram that is not 8 rows of 8 numbers/);
    expect((await problem((d) => (d.fields[1].name = d.fields[0].name))).message).toMatch(/names two fields/);
    expect((await problem((d) => (d.fields[0].rows = -1))).message).toMatch(/rows -1, not a whole number >= 0/);
    const gram = (d: Awaited<ReturnType<typeof doc>>, recipe: 'raw' | 'recscope') => (d.fields[0][recipe] as { gram: number[][] }).gram;
    expect((await problem((d) => (gram(d, 'raw')[2][3] = gram(d, 'raw')[2][3] + 1))).message).toMatch(/not symmetric: \[2\]\[3\]/);
    expect((await problem((d) => (gram(d, 'raw')[1][1] = -1))).message).toMatch(/gram\[1\]\[1\] = -1 < 0/);
    expect((await problem((d) => (gram(d, 'raw')[0][5] = null as unknown as number))).message).toMatch(/gram\[0\]\[5\] = null, not a finite number/);
    // Counts that do not fit the sums.
    expect((await problem((d) => (d.fields[0].rows = 2))).message).toMatch(/recscope gram of trace .* more than its 2 rows/);
    expect((await problem((d) => ((d.fields[0].raw as { col_sum: number[] }).col_sum[0] = 1e6))).message).toMatch(
      /col_sum\[0\] = 1000000, larger than .* \(Cauchy-Schwarz\)/,
    );
    expect((await problem((d) => (d.field_dims = [100, 200]))).message).toMatch(/field_dims \(2\) x tensors \(2\) makes 4/);
    expect((await problem((d) => (d.field_dims = [100]))).message).toMatch(/summed 233 rows, more than its field_dims entry 100/);
    expect((await problem((d) => (d.sets = ['a', 'b']))).message).toMatch(/"sets" without "field_dims"/);
  });

  it('tells other JSON apart by the format marker before parsing it, and finds the marker at either end', async () => {
    const other = (text: string) => openTableFile(source(text, 'config.json')).catch((e: unknown) => e);
    for (const text of ['{"name": "model", "format": "keras"}', '[1, 2, 3]', '{"fields": []}']) {
      const error = await other(text);
      expect(error).toBeInstanceOf(ImportError);
      expect(error).toMatchObject({
        code: 'unsupported-format',
        message: expect.stringMatching(/^config\.json is not a RecLens partial-Gram file: no "format"/),
      });
    }
    // A large JSON file of another kind: only its two ends are read.
    const reads: number[] = [];
    const big = {
      name: 'big.json',
      size: 2 ** 40,
      read: (offset: number, n: number) => (reads.push(offset), Promise.resolve(utf8('{"a": 1,'.padEnd(n, ' ')))),
    };
    await expect(openTableFile(big)).rejects.toThrow(/big\.json is not a RecLens partial-Gram file/);
    expect(reads.every((o) => o < 4096 || o >= 2 ** 40 - 4096)).toBe(true);
    // Keys sorted, as Python's json.dump(sort_keys=True) writes them: "format" after the long "fields".
    const d = await doc();
    const sorted = JSON.stringify(Object.fromEntries(Object.entries(d).sort(([a], [b]) => a.localeCompare(b))));
    expect(sorted.indexOf('"format"')).toBeGreaterThan(4096);
    expect((await openTableFile(source(sorted))).format).toBe('partialgram');
  });

  it('refuses a file above its size limit before reading it', async () => {
    const huge = { name: 'huge.json', size: 2 ** 40, read: () => Promise.reject(new Error('read')) };
    await expect(readPartialGramJson(huge)).rejects.toThrow(/above the 268435456 bytes read for a partial Gram/);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(readPartialGramJson(source(partialGramToJSON(await rankPartial(0))), controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
