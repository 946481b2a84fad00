/** The installed entry point: node bin/reclens.mjs, as a user runs it. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedReference } from '../../test/support/referenceFiles.ts';

const run = (...args: string[]) => spawnSync(process.execPath, ['bin/reclens.mjs', ...args], { encoding: 'utf8' });

describe('bin/reclens.mjs', () => {
  it('analyze --json prints the schema, matching numpy IA', () => {
    const { dir, cases } = committedReference();
    const proc = run('analyze', join(dir, 'fields.npz'), '--json');
    expect(proc.stderr).toBe('');
    expect(proc.status).toBe(0);
    const doc = JSON.parse(proc.stdout);
    const expected = cases['fields.npz'].fields;
    expect(doc.source).toBe('fields.npz');
    expect(doc.options.mode).toBe('recscope');
    expect(doc.fields).toHaveLength(Object.keys(expected).length);
    for (const f of doc.fields) expect(Math.abs(f.information_abundance - expected[f.name].information_abundance)).toBeLessThan(1e-3);
  });

  it('an unsupported file exits 1 with error: and fix:', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'reclens-')), 'notes.docx');
    writeFileSync(path, 'not an embedding table');
    const proc = run('analyze', path);
    expect(proc.status).toBe(1);
    expect(proc.stdout).toBe('');
    expect(proc.stderr).toMatch(/^error: .+\nfix: .+/);
  });

  it('a usage error exits 2', () => {
    const proc = run('analyze');
    expect(proc.status).toBe(2);
    expect(proc.stderr).toContain('Usage:');
  });
});
