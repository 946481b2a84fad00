import { describe, expect, it } from 'vitest';
import { GramAccumulator } from '../analysis/gramAccumulator.ts';
import { resultToCSV } from '../analysis/resultExport.ts';
import { fieldResult } from '../analysis/spectrum.ts';
import { toMtlRecord } from './multitaskController.ts';
import { ImportError } from '../data/importError.ts';
import { buildExampleTables } from '../examples/exampleTables.ts';
import type { MtlRun } from './multitaskSlice.ts';
import type { Persistence, PersistenceHandle } from './persistence.ts';
import { MAX_RECORD_DIM, type RunRecord } from './savedRecords.ts';
import { RUN_RECORD_VERSION } from './runRecord.ts';
import { createStudioStore } from './studioStore.ts';
import { toRunRecord } from './trainingController.ts';
import { sampleMtlRun, sampleTrainingRun } from '../../test/support/sampleRuns.ts';
import { createWorkspaceActions } from './workspaceActions.ts';
import {
  buildWorkspace,
  MAX_WORKSPACE_BYTES,
  parseWorkspace,
  readWorkspaceBytes,
  reexportWorkspace,
  WorkspaceFileError,
  type WorkspaceFile,
} from './workspaceFile.ts';

const [healthy, collapsed] = buildExampleTables();
const uploaded = { ...collapsed, source: 'mine.npy', format: 'npy' as const, origin: 'file' as const };
const fields = collapsed.result.fields;
const run: RunRecord = {
  version: RUN_RECORD_VERSION,
  id: 'r1',
  kind: 'notes',
  label: 'any view',
  createdAt: 1,
  updatedAt: 2,
  config: { dataset: 'synthetic', seed: 1 },
  metrics: [{ step: 10, values: { loss: 0.5, auc: 0.7 } }],
  spectra: [{ step: 10, fields }],
};
const trainingRun = toRunRecord(sampleTrainingRun(fields), 3);
// Numbers a run did not measure are NaN in memory: the record must carry them.
const sampleMtl = sampleMtlRun();
const mtlRun: MtlRun = {
  ...sampleMtl,
  losses: [{ step: 1, losses: { adam: [0.7, 0.6], alt: [0.7, NaN] } }],
  snapshots: [{ step: 1, arms: { adam: { dominance: [], cosine: [], entanglement: [NaN] }, alt: { dominance: [], cosine: [], entanglement: [0.1] } } }],
  metrics: sampleMtl.metrics.map((m) => ({ ...m, all: { ...m.all, adam: m.all.adam.map((t, k) => (k === 0 ? { ...t, gauc: NaN } : t)) } })),
};
const multitaskRun = toMtlRecord(mtlRun, null, 3);

const bytesOf = (w: unknown) => new TextEncoder().encode(JSON.stringify(w));
/** The refusal message of a workspace, or 'accepted'. */
function verdict(w: unknown): string {
  try {
    readWorkspaceBytes(bytesOf(w), 'x.reclens.json');
    return 'accepted';
  } catch (e) {
    expect(e).toBeInstanceOf(WorkspaceFileError);
    expect(e).toBeInstanceOf(ImportError);
    return (e as Error).message.replace('"x.reclens.json" is not a RecLens workspace this version can open: ', '');
  }
}
type MutableField = Record<string, unknown>;
const withField = (edit: (f: MutableField) => void, table = 0, field = 0) => {
  // Through JSON, as from a file: the three tables must not share one result object.
  const w = JSON.parse(JSON.stringify(buildWorkspace([uploaded, uploaded, uploaded], [run]))) as WorkspaceFile;
  edit(w.tables[table].result.fields[field] as unknown as MutableField);
  return w;
};

describe('workspace file', () => {
  it('round-trips uploaded tables and runs of every kind, leaving out the examples', () => {
    const w = buildWorkspace([healthy, uploaded], [run, trainingRun, multitaskRun], new Date(0));
    expect(w.tables.map((t) => t.source)).toEqual(['mine.npy']);
    const back = parseWorkspace(JSON.stringify(w), 'w.reclens.json');
    expect(back).toEqual(JSON.parse(JSON.stringify(w)));
    expect(back.tables[0].result).toEqual(collapsed.result);
    // Exported again, the same bytes.
    expect(new TextDecoder().decode(reexportWorkspace(back, new Date(0)))).toBe(JSON.stringify(w));
  });

  it('names the file and the problem for bad files', () => {
    const good = buildWorkspace([uploaded], [run]);
    const bad = (v: unknown) => () => parseWorkspace(typeof v === 'string' ? v : JSON.stringify(v), 'x.reclens.json');
    expect(bad('{oops')).toThrow('"x.reclens.json" is not a RecLens workspace this version can open: it is not valid JSON.');
    expect(bad({ tables: [] })).toThrow(/no "format": "reclens-workspace" marker/);
    expect(bad({ ...good, version: 2 })).toThrow(/newer RecLens \(workspace v2; this one reads v1\)/);
    expect(bad({ ...good, version: 0 })).toThrow(/v0 is not a version/);
    expect(verdict(withField((f) => (f.information_abundance = 'high'), 0, 2))).toBe(
      `table 1, field '${fields[2].name}': information_abundance "high" is not a finite number.`,
    );
    expect(verdict({ ...good, runs: [{ ...run, metrics: [{ step: 1, values: { auc: [] } }] }] })).toBe('run 1, metric 1: auc a list of 0 is not a number.');
    expect(() => readWorkspaceBytes(new Uint8Array([0x7b, 0xff, 0x7d]), 'x.reclens.json')).toThrow('it is not UTF-8 text.');
  });

  it('refuses a dimension beyond the limit, so an export cannot grow without bound (issue 17 #10)', () => {
    const name = fields[0].name;
    expect(verdict(withField((f) => (f.dim = 1e308), 2))).toBe(`table 3, field '${name}': dim 1e+308 is above ${MAX_RECORD_DIM} (the dimension limit).`);
    const e = (() => {
      try {
        readWorkspaceBytes(bytesOf(withField((f) => (f.dim = 1e308))), 'x');
      } catch (err) {
        return err as ImportError;
      }
    })();
    expect(e?.code).toBe('too-large');
    // A dim within the limit must come with a spectrum of that length, so the CSV stays the size of the file.
    expect(verdict(withField((f) => (f.dim = MAX_RECORD_DIM)))).toBe(
      `table 1, field '${name}': normalized_spectrum has ${fields[0].dim} values, not dim = ${MAX_RECORD_DIM}.`,
    );
  });

  it('refuses impossible numbers, naming the table, the field and the value (issue 17 #18)', () => {
    const name = fields[1].name;
    const at = `table 3, field '${name}'`;
    const one = (edit: (f: MutableField) => void) => verdict(withField(edit, 2, 1));
    expect(one((f) => (f.rows = -5))).toBe(`${at}: rows -5 is below 0.`);
    expect(one((f) => (f.dim = 0.5))).toBe(`${at}: dim 0.5 is not a whole number.`);
    expect(one((f) => (f.dim = 0))).toBe(`${at}: dim 0 is below 1.`);
    expect(one((f) => (f.information_abundance = -3))).toBe(`${at}: information_abundance -3 is below 1.`);
    expect(one((f) => (f.information_abundance = (f.dim as number) + 1))).toMatch(/information_abundance \d+ is above \d+(\.\d+)?\.$/);
    expect(one((f) => (f.information_abundance = 1.5))).toMatch(/information_abundance 1.5 does not match its singular values/);
    expect(one((f) => (f.effective_rank = 0))).toBe(`${at}: effective_rank 0 is below 1.`);
    expect(one((f) => (f.excluded_rows = 1.5))).toBe(`${at}: excluded_rows 1.5 is not a whole number.`);
    expect(one((f) => (f.singular_values as number[]).pop())).toMatch(/singular_values has \d+ values, not min\(rows, dim\) = \d+\.$/);
    expect(one((f) => ((f.singular_values as number[])[1] = -1))).toBe(`${at}: singular value 2 -1 is below 0.`);
    expect(one((f) => (f.singular_values as number[]).reverse())).toBe(`${at}: singular_values are not in descending order (value 2 is above value 1).`);
    expect(one((f) => ((f.normalized_spectrum as number[])[0] = 2))).toBe(`${at}: normalized_spectrum value 1 2 is above 1.`);
    expect(one((f) => (f.name = 'x'.repeat(5000)))).toBe('table 3, field 2: name is 5000 characters long (at most 4096).');
    const w = JSON.parse(JSON.stringify(buildWorkspace([uploaded], []))) as WorkspaceFile;
    (w.tables[0].tensors[0] as unknown as MutableField).shape = [-5, 3];
    expect(verdict(w)).toBe('table 1, tensor 1: shape[1] -5 is below -1.');
    expect(verdict({ ...buildWorkspace([uploaded], []), tables: new Array(10_001).fill(0) })).toBe('it has 10001 tables (at most 10000).');
    const empty = JSON.parse(JSON.stringify(buildWorkspace([uploaded], []))) as WorkspaceFile;
    empty.tables[0].result.fields = [];
    expect(verdict(empty)).toBe('table 1, result: fields is empty (an analysed table has at least one field).');
  });

  it('refuses a value nested deeper than a workspace needs, even under a key no check reads, before it reaches an export', () => {
    const text = JSON.stringify(withField((f) => (f.note = 0))).replace('"note":0', `"note":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`);
    expect(() => parseWorkspace(text, 'x.reclens.json')).toThrow(/it nests values 49 levels deep \(a workspace needs at most 48\)/);
  });

  it('accepts an IA a rounding step above dim, as a flat spectrum sums to (0.1 x I of size 3: 3.0000000000000004)', () => {
    const acc = new GramAccumulator(3, 'raw');
    acc.add(Float64Array.from([0.1, 0, 0, 0, 0.1, 0, 0, 0, 0.1]), 3);
    const flat = fieldResult('flat', acc);
    expect(flat.information_abundance).toBeGreaterThan(3);
    const table = { ...uploaded, result: { ...uploaded.result, fields: [flat] } };
    expect(verdict(buildWorkspace([table], []))).toBe('accepted');
  });

  it('validates training and multi-task runs: their forms, numbers and lengths', () => {
    const w = buildWorkspace([], [trainingRun, multitaskRun]);
    expect(verdict(w)).toBe('accepted');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- reaching into records on purpose
    const edited = (edit: (runs: Record<string, any>[]) => void) => {
      const copy = structuredClone(w);
      edit(copy.runs as unknown as Record<string, any>[]); // eslint-disable-line @typescript-eslint/no-explicit-any
      return verdict(copy);
    };
    expect(edited((r) => (r[0].config.form.dim = null))).toBe('run 1, config, form: dim null is not a finite number.');
    expect(edited((r) => (r[0].config.form.mlp = '1-x'))).toBe('run 1, config, form: mlp "1-x" is not up to 40 letters, digits or . _ - : /.');
    expect(edited((r) => (r[0].config.form.kind = 'toString'))).toMatch(/^run 1, config, form: kind "toString" is not one of lr, fm/);
    expect(edited((r) => delete r[0].config.form)).toBe('run 1, config: form missing is not an object.');
    expect(edited((r) => (r[0].config.status = 'weird'))).toMatch(/^run 1, config: status "weird" is not one of/);
    expect(edited((r) => (r[0].spectra[0].fields[0].dim = 0.5))).toBe(`run 1, spectrum 1, field '${fields[0].name}': dim 0.5 is not a whole number.`);
    expect(edited((r) => (r[0].metrics[0].step = -1))).toBe('run 1, metric 1: step -1 is below 0.');
    // A diverged run's NaN loss is null in JSON: kept (drawn as a gap), not a reason to lose the run.
    expect(edited((r) => (r[0].metrics[0].values.loss = null))).toBe('accepted');
    expect(edited((r) => (r[0].metrics[0].values.loss = '0.5'))).toBe('run 1, metric 1: loss "0.5" is not a number.');
    expect(edited((r) => (r[1].config.run.form.mbeta = 2))).toBe('accepted'); // not a form key: the config's own keys are checked, not extras
    expect(edited((r) => (r[1].config.run.form.beta = '0.5'))).toBe('run 2, config, run, form: beta "0.5" is not a finite number.');
    expect(edited((r) => (r[1].config.run.form.model = 'constructor'))).toMatch(/^run 2, config, run, form: model "constructor" is not one of shared-bottom/);
    expect(edited((r) => (r[1].config.run.tasks = 'click'))).toBe('run 2, config, run: tasks "click" is not a list.');
    expect(edited((r) => r[1].config.metrics[0].all.adam.pop())).toBe('run 2, config, metrics point 1, all: adam has 1 tasks, not 2.');
    expect(edited((r) => (r[1].id = 't1'))).toBe('run 2: id "t1" is used by an earlier run.');
    expect(
      edited((r) => {
        let deep: unknown = 1;
        for (let i = 0; i < 36; i++) deep = [deep];
        r[0].config.extra = deep;
      }),
    ).toBe('run 1: config is nested more than 32 levels deep.');
  });

  it('accepts or refuses every mutation of a workspace cleanly, and what it accepts exports the same again', () => {
    const seed = JSON.stringify(buildWorkspace([uploaded], [run, trainingRun, multitaskRun], new Date(0)));
    let state = 7;
    const random = (n: number) => ((state = (state * 1103515245 + 12345) % 2 ** 31), state % n);
    const tokens = ['-5', '0.5', '1e308', '-1', '0', 'null', '"x"', '[]', '{}', '"__proto__"', '"constructor"', '1'];
    let accepted = 0;
    for (let i = 0; i < 300; i++) {
      // Replace one number (or token) somewhere in the file with a hostile one.
      const numbers = [...seed.matchAll(/-?\d+(\.\d+)?(e[+-]?\d+)?|null|true|false/g)];
      const m = numbers[random(numbers.length)];
      const text = seed.slice(0, m.index) + tokens[random(tokens.length)] + seed.slice(m.index + m[0].length);
      let w: WorkspaceFile;
      try {
        w = readWorkspaceBytes(new TextEncoder().encode(text), 'm.reclens.json');
      } catch (e) {
        expect(e, text.slice(0, 80)).toBeInstanceOf(WorkspaceFileError);
        continue;
      }
      accepted++;
      const again = readWorkspaceBytes(reexportWorkspace(w, new Date(0)), 'again.reclens.json');
      expect(again).toEqual({ ...w, exportedAt: again.exportedAt, tables: w.tables.map((t) => ({ ...t, savedAt: 0 })) });
      for (const t of w.tables) expect(resultToCSV(t.result).length).toBeLessThan(text.length * 4);
    }
    expect(accepted).toBeGreaterThan(10);
    expect(accepted).toBeLessThan(300);
  });
});

/** Runs kept in memory, as IndexedDB would keep them. */
function memoryRuns(initial: RunRecord[]): { handle: Promise<PersistenceHandle>; runs: Map<string, RunRecord> } {
  const runs = new Map(initial.map((r) => [r.id, r]));
  const store = {
    async putRun(r: RunRecord) {
      runs.set(r.id, r);
    },
    async listRuns() {
      return { runs: [...runs.values()], skipped: 0 };
    },
  } as Partial<Persistence> as Persistence;
  return { handle: Promise.resolve({ ok: true, store }), runs };
}

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
    expect(store.getState().notices.at(-1)).toMatchObject({
      kind: 'warning',
      text: expect.stringMatching(/^"bad.reclens.json" is not a RecLens workspace.*Nothing loaded was changed\.$/),
    });
  });

  it('is all or nothing: one bad field in the last record adds no table and stores no run', async () => {
    const { handle, runs } = memoryRuns([]);
    const store = createStudioStore();
    const actions = createWorkspaceActions(store, handle);
    const w = withField((f) => (f.dim = 0.5), 2, 0);
    w.runs = [trainingRun];
    await actions.importWorkspace(file(JSON.stringify(w), 'bad.reclens.json'));
    expect(store.getState().tables).toEqual([]);
    expect(runs.size).toBe(0);
    expect(store.getState().notices.at(-1)?.text).toBe(
      `"bad.reclens.json" is not a RecLens workspace this version can open: table 3, field '${fields[0].name}': dim 0.5 is not a whole number. Export the workspace again from the RecLens that made it; this copy was changed or damaged after export. Nothing loaded was changed.`,
    );
  });

  it('keeps a stored run with the same id instead of overwriting it', async () => {
    const mine = { ...run, label: 'my own run' };
    const { handle, runs } = memoryRuns([mine]);
    const store = createStudioStore();
    await createWorkspaceActions(store, handle).importWorkspace(
      file(JSON.stringify(buildWorkspace([], [{ ...run, label: 'theirs' }, trainingRun])), 'w.reclens.json'),
    );
    expect(runs.get('r1')?.label).toBe('my own run');
    expect(runs.get('t1')).toEqual(JSON.parse(JSON.stringify(trainingRun)));
    expect(store.getState().notices.at(-1)?.text).toBe('Imported "w.reclens.json": 0 tables, 1 run. 1 run was already here and kept as it was.');
  });

  it('refuses a file over the size limit before reading it', async () => {
    const store = createStudioStore();
    const huge = { name: 'huge.reclens.json', size: MAX_WORKSPACE_BYTES + 1, arrayBuffer: () => Promise.reject(new Error('read')) } as unknown as File;
    await createWorkspaceActions(store, noStorage).importWorkspace(huge);
    expect(store.getState().notices.at(-1)?.text).toBe(
      '"huge.reclens.json" is not a RecLens workspace this version can open: it is 128 MB, more than the 128 MB a workspace may be. Export fewer tables or runs into each workspace file. Nothing loaded was changed.',
    );
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
