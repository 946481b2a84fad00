import { describe, expect, it } from 'vitest';
import { buildExampleTables } from '../examples/exampleTables.ts';
import type { PersistenceHandle } from './persistence.ts';
import type { RunRecord } from './savedRecords.ts';
import { createStudioStore } from './studioStore.ts';
import { createWorkspaceActions } from './workspaceActions.ts';
import { buildWorkspace, parseWorkspace } from './workspaceFile.ts';

const [healthy, collapsed] = buildExampleTables();
const uploaded = { ...collapsed, source: 'mine.npy', format: 'npy' as const, origin: 'file' as const };
const run: RunRecord = {
  id: 'r1', kind: 'ctr-training', label: 'DNN seed 1', createdAt: 1, updatedAt: 2,
  config: { dataset: 'synthetic', seed: 1 },
  metrics: [{ step: 10, values: { loss: 0.5, auc: 0.7 } }],
  spectra: [{ step: 10, fields: collapsed.result.fields }],
};

describe('workspace file', () => {
  it('round-trips uploaded tables and runs, leaving out the examples', () => {
    const w = buildWorkspace([healthy, uploaded], [run], new Date(0));
    expect(w.tables.map((t) => t.source)).toEqual(['mine.npy']);
    const back = parseWorkspace(JSON.stringify(w), 'w.reclens.json');
    expect(back).toEqual(w);
    expect(back.tables[0].result).toEqual(collapsed.result);
  });

  it('names the file and the problem for bad files', () => {
    const good = buildWorkspace([uploaded], [run]);
    const bad = (v: unknown) => () => parseWorkspace(typeof v === 'string' ? v : JSON.stringify(v), 'x.reclens.json');
    expect(bad('{oops')).toThrow('"x.reclens.json" is not a RecLens workspace this version can open: it is not valid JSON.');
    expect(bad({ tables: [] })).toThrow(/no "format": "reclens-workspace" marker/);
    expect(bad({ ...good, version: 2 })).toThrow(/newer RecLens \(workspace v2; this one reads v1\)/);
    expect(bad({ ...good, version: 0 })).toThrow(/v0 is not a version/);
    const brokenField = structuredClone(good);
    (brokenField.tables[0].result.fields[2] as unknown as Record<string, unknown>).information_abundance = 'high';
    expect(bad(brokenField)).toThrow('tables[0].result.fields[2].information_abundance should be a finite number.');
    expect(bad({ ...good, runs: [{ ...run, metrics: [{ step: 1, values: { auc: null } }] }] })).toThrow('runs[0].metrics[0].values.auc should be a finite number');
  });
});

describe('workspace actions', () => {
  const noStorage: Promise<PersistenceHandle> = Promise.resolve({ ok: false, reason: 'none' });
  const file = (text: string, name: string) => new File([text], name);

  it('imports a good file beside what is loaded; a bad one changes nothing', async () => {
    const store = createStudioStore();
    store.getState().addTable(healthy);
    const actions = createWorkspaceActions(store, noStorage);
    await actions.importWorkspace(file(JSON.stringify(buildWorkspace([uploaded], [])), 'good.reclens.json'));
    expect(store.getState().tables.map((t) => t.source)).toEqual([healthy.source, 'mine.npy']);
    expect(store.getState().notices.at(-1)?.text).toBe('Imported "good.reclens.json": 1 table, 0 runs.');

    await actions.importWorkspace(file('[1,2]', 'bad.reclens.json'));
    expect(store.getState().tables).toHaveLength(2);
    expect(store.getState().notices.at(-1)).toMatchObject({ kind: 'warning', text: expect.stringMatching(/^"bad.reclens.json" is not a RecLens workspace.*Nothing loaded was changed\.$/) });
  });

  it('exports one file and clears only uploaded tables', async () => {
    const store = createStudioStore();
    store.getState().addTable(healthy);
    store.getState().addTable(uploaded);
    const actions = createWorkspaceActions(store, noStorage);
    const { blob, filename } = await actions.exportWorkspace();
    expect(filename).toMatch(/^reclens-workspace-\d{4}-\d\d-\d\d\.reclens\.json$/);
    expect(parseWorkspace(await blob.text(), filename).tables).toHaveLength(1);
    await actions.clearWorkspace();
    expect(store.getState().tables.map((t) => t.source)).toEqual([healthy.source]);
  });
});
