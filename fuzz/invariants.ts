/**
 * What an accepted input must satisfy. Each check returns the broken rules as short sentences;
 * an empty list means the result is plausible. These are the "silently wrong" detectors.
 */
import type { SequenceDataset } from '../src/contracts/sequence.ts';
import type { CtrDataset } from '../src/data/ctr/ctrDataset.ts';

/** Tolerance on bounds that hold exactly in real arithmetic (IA <= K, spectrum <= 1). */
const EPS = 1e-6;

const isCount = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;

/** Paths of every null or non-finite number in a JSON-like value (JSON.stringify writes NaN as null). */
export function nonFinitePaths(value: unknown, path = '$', out: string[] = []): string[] {
  if (out.length >= 3) return out;
  if (value === null) out.push(`${path} is null`);
  else if (typeof value === 'number' && !Number.isFinite(value)) out.push(`${path} is ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => nonFinitePaths(v, `${path}[${i}]`, out));
  else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) nonFinitePaths(v, `${path}.${k}`, out);
  return out;
}

/** One field of an analysis result, as the JSON schema documents it. */
export function fieldProblems(f: Record<string, unknown>, path: string): string[] {
  const problems: string[] = [];
  const bad = (why: string) => problems.push(`${path}: ${why}`);
  if (typeof f.name !== 'string') bad('name is not text');
  if (!isCount(f.rows, 1)) bad(`rows ${String(f.rows)} is not a positive integer`);
  if (!isCount(f.dim, 1)) bad(`dim ${String(f.dim)} is not a positive integer`);
  if (!isCount(f.excluded_rows, 0)) bad(`excluded_rows ${String(f.excluded_rows)} is not a count`);
  if (problems.length > 0) return problems;
  const rows = f.rows as number;
  const dim = f.dim as number;
  const k = Math.min(rows, dim);
  const sv = f.singular_values;
  const ns = f.normalized_spectrum;
  if (!Array.isArray(sv) || sv.length !== k) bad(`singular_values has ${Array.isArray(sv) ? sv.length : 'no'} values, expected min(rows, dim) = ${k}`);
  else {
    if (sv.some((s) => typeof s !== 'number' || !(s >= 0))) bad('a singular value is negative or not a number');
    if (sv.some((s, i) => i > 0 && s > sv[i - 1] * (1 + EPS) + 1e-300)) bad('singular_values are not descending');
  }
  if (!Array.isArray(ns) || ns.length !== dim) bad(`normalized_spectrum has ${Array.isArray(ns) ? ns.length : 'no'} values, expected dim = ${dim}`);
  else if (ns.some((v) => typeof v !== 'number' || !(v >= -EPS && v <= 1 + EPS))) bad('normalized_spectrum has a value outside [0, 1]');
  const ia = f.information_abundance;
  const er = f.effective_rank;
  // A field with no spectrum (every row zero; identical rows in the centred recipe) has IA and
  // effective rank 0 by definition (spectrum.ts), shown as "no spectrum"; anything else lies in [1, k].
  const noSpectrum = Array.isArray(sv) && sv.every((s) => s === 0) && Array.isArray(ns) && ns.every((v) => v === 0);
  if (noSpectrum) {
    if (ia !== 0 || er !== 0) bad(`a field with no spectrum has IA ${String(ia)} and effective rank ${String(er)}, not 0`);
    return problems;
  }
  if (typeof ia !== 'number' || !(ia >= 1 - EPS && ia <= k * (1 + EPS))) bad(`information_abundance ${String(ia)} is outside [1, ${k}]`);
  if (typeof er !== 'number' || !(er >= 1 - EPS && er <= k * (1 + EPS))) bad(`effective_rank ${String(er)} is outside [1, ${k}]`);
  return problems;
}

/** The CLI's --json output (resultToJSON), parsed. */
export function analysisJsonProblems(json: unknown): string[] {
  const problems = nonFinitePaths(json).map((p) => `the result JSON has ${p}`);
  const fields = (json as { fields?: unknown }).fields;
  if (!Array.isArray(fields) || fields.length === 0) return [...problems, 'the result has no fields'];
  fields.forEach((f, i) => problems.push(...fieldProblems(f as Record<string, unknown>, `fields[${i}]`)));
  return problems;
}

/** A decoded or imported CTR dataset: shapes agree, every index is inside its vocabulary, labels are 0/1. */
export function ctrDatasetProblems(ds: CtrDataset): string[] {
  const problems: string[] = [];
  const F = ds.fields.length;
  const T = ds.tasks.length;
  if (F === 0) problems.push('the dataset has no fields');
  if (T === 0) problems.push('the dataset has no tasks');
  ds.fields.forEach((f, i) => {
    if (typeof f.name !== 'string') problems.push(`field ${i} has no name`);
    if (!isCount(f.cardinality, 1)) problems.push(`field ${i} has cardinality ${f.cardinality}`);
  });
  if (ds.tasks.some((t) => typeof t !== 'string')) problems.push('a task name is not text');
  if (problems.length > 0) return problems;
  let total = 0;
  for (const which of ['train', 'valid', 'test'] as const) {
    const s = ds[which];
    if (!s || !isCount(s.rows, 0)) {
      problems.push(`${which} has ${s ? s.rows : 'no'} rows`);
      continue;
    }
    total += s.rows;
    if (s.indices.length !== s.rows * F) problems.push(`${which}.indices has ${s.indices.length} values for ${s.rows} rows x ${F} fields`);
    if (s.labels.length !== s.rows * T) problems.push(`${which}.labels has ${s.labels.length} values for ${s.rows} rows x ${T} tasks`);
    for (let i = 0; i < s.indices.length; i++) {
      const v = s.indices[i];
      const card = ds.fields[i % F].cardinality;
      if (!(v >= 0 && v < card)) {
        problems.push(`${which} row ${Math.floor(i / F)} field ${i % F}: index ${v} outside its vocabulary of ${card}`);
        break;
      }
    }
    if (s.labels.some((l) => l !== 0 && l !== 1)) problems.push(`${which} has a label that is not 0 or 1`);
    if (s.trueProbabilities && (s.trueProbabilities.length !== s.rows * T || s.trueProbabilities.some((p) => !(p >= 0 && p <= 1)))) {
      problems.push(`${which}.trueProbabilities are not rows x tasks probabilities`);
    }
    if (s.groups && (s.groups.length !== s.rows || s.groups.some((g) => !Number.isInteger(g)))) problems.push(`${which}.groups are not one integer per row`);
  }
  if (total === 0) problems.push('the dataset has no rows');
  if (ds.plantedPairs?.some((p) => !Array.isArray(p) || p.length !== 2 || !(isCount(p[0], 0) && isCount(p[1], 0) && p[0] < p[1] && p[1] < F))) {
    problems.push('a planted pair is not two field indices i < j');
  }
  return problems;
}

/** Tokens a parser makes up from numbers it failed to read ("NaN" hours, undefined weekdays). */
const INVENTED_TOKENS = ['NaN', 'undefined', 'null', 'Invalid Date', 'Infinity', '-Infinity', '[object Object]'];

/** A vocabulary token that is not text, or reads like a failed conversion the file itself does not contain. */
export function inventedToken(token: unknown, fileText: string): string | undefined {
  if (typeof token !== 'string') return `a vocabulary token is ${String(token)} (${typeof token}), not text`;
  if (INVENTED_TOKENS.includes(token) && !fileText.includes(token)) return `a vocabulary token is "${token}", which the file does not contain`;
  return undefined;
}

/** A behaviour-sequence dataset: offsets rise from 0, ids are within their vocabularies (0 = padding never read), labels 0/1. */
export function sequenceDatasetProblems(ds: SequenceDataset): string[] {
  const problems: string[] = [];
  if (!isCount(ds.itemVocabulary, 2)) problems.push(`itemVocabulary ${ds.itemVocabulary}`);
  if (!isCount(ds.categoryVocabulary, 2)) problems.push(`categoryVocabulary ${ds.categoryVocabulary}`);
  if (ds.categoryNames.length !== ds.categoryVocabulary) problems.push(`${ds.categoryNames.length} category names for ${ds.categoryVocabulary} ids`);
  if (problems.length > 0) return problems;
  let total = 0;
  for (const which of ['train', 'valid', 'test'] as const) {
    const s = ds[which];
    if (!s) {
      if (which !== 'valid') problems.push(`no ${which} split`);
      continue;
    }
    total += s.count;
    const n = s.count;
    if (s.labels.length !== n || s.users.length !== n || s.targetItems.length !== n || s.targetCategories.length !== n || s.histOffsets.length !== n + 1)
      problems.push(`${which}: columns of unequal length for ${n} samples`);
    else if (s.histOffsets[0] !== 0 || s.histOffsets[n] !== s.histItems.length || s.histItems.length !== s.histCategories.length)
      problems.push(`${which}: history offsets do not span the histories`);
    else
      for (let i = 0; i < n && problems.length < 3; i++) {
        const len = s.histOffsets[i + 1] - s.histOffsets[i];
        if (len < 0 || len > ds.maxHistory) problems.push(`${which} sample ${i}: history of ${len} (maxHistory ${ds.maxHistory})`);
        if (s.labels[i] > 1) problems.push(`${which} sample ${i}: label ${s.labels[i]}`);
        if (!(s.targetItems[i] >= 1 && s.targetItems[i] < ds.itemVocabulary)) problems.push(`${which} sample ${i}: target item ${s.targetItems[i]}`);
        if (!(s.targetCategories[i] >= 1 && s.targetCategories[i] < ds.categoryVocabulary))
          problems.push(`${which} sample ${i}: target category ${s.targetCategories[i]}`);
      }
    for (let j = 0; j < s.histItems.length && problems.length < 3; j++) {
      if (!(s.histItems[j] >= 1 && s.histItems[j] < ds.itemVocabulary)) problems.push(`${which} behaviour ${j}: item ${s.histItems[j]}`);
      if (!(s.histCategories[j] >= 1 && s.histCategories[j] < ds.categoryVocabulary)) problems.push(`${which} behaviour ${j}: category ${s.histCategories[j]}`);
    }
  }
  if (total === 0) problems.push('no samples');
  return problems;
}
