/**
 * The reference tables and their numpy float64 expected values. test/reference/ is committed
 * (written by scripts/referenceFixtures.py), so every clone has it; ../shared/reference/, larger
 * tables in the same layout, is added when a checkout has it beside the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ExpectedField {
  rows: number;
  dim: number;
  singular_values_raw: number[];
  recscope_spectrum: number[];
  information_abundance: number;
}

export interface ExpectedCase {
  field_dims?: number[];
  fields: Record<string, ExpectedField>;
}

export interface ReferenceSet {
  /** 'test/reference' or '../shared/reference': names the set in test titles. */
  label: string;
  /** Absolute path, ending in a slash. */
  dir: string;
  cases: Record<string, ExpectedCase>;
}

export const COMMITTED_REFERENCE_DIR = fileURLToPath(new URL('../reference/', import.meta.url));
export const SHARED_REFERENCE_DIR = fileURLToPath(new URL('../../../shared/reference/', import.meta.url));

function referenceSet(label: string, dir: string): ReferenceSet {
  const { cases } = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')) as { cases: Record<string, ExpectedCase> };
  return { label, dir, cases };
}

/** The committed set, which every clone has. */
export const committedReference = (): ReferenceSet => referenceSet('test/reference', COMMITTED_REFERENCE_DIR);

/** The committed set, then ../shared/reference when it exists beside the checkout. */
export function referenceSets(): ReferenceSet[] {
  const sets = [committedReference()];
  if (existsSync(`${SHARED_REFERENCE_DIR}expected.json`)) sets.push(referenceSet('../shared/reference', SHARED_REFERENCE_DIR));
  return sets;
}
