import { buildExampleTables } from '../examples/exampleTables.ts';
import { describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../contracts/tables.ts';
import type { AnalysisClient, AnalyzeOutcome, AnalyzeRequest, InspectOutcome } from '../workers/analysisProtocol.ts';
import { createStudioController } from './studioController.ts';
import { createStudioStore } from './studioStore.ts';

const result = (source: string): AnalysisResult => ({
  source,
  options: { mode: 'recscope' },
  fields: [
    { name: 'a', rows: 10, dim: 2, singular_values: [2, 1], normalized_spectrum: [1, 0.5], information_abundance: 1.5, effective_rank: 1.9, excluded_rows: 0 },
  ],
});

function fakeClient(analyzeOutcome: (req: AnalyzeRequest) => AnalyzeOutcome) {
  const calls: AnalyzeRequest[] = [];
  const client: AnalysisClient = {
    async inspect(file): Promise<InspectOutcome> {
      if (file.name.endsWith('.bin')) return { ok: false, error: { code: 'unsupported-format', message: 'Not a table.', fix: 'Use .npy.' } };
      return {
        ok: true,
        source: file.name,
        format: 'npz',
        bytes: file.size,
        tensors: [
          { name: 'emb', shape: [10, 2], dtype: 'float32', analysable: true },
          { name: 'bias', shape: [10], dtype: 'float32', analysable: false, reason: '1-D' },
        ],
      };
    },
    async analyze(_file, req, onProgress) {
      calls.push(req);
      onProgress({ rowsDone: 5, rowsTotal: 10, bytesDone: 40, bytesTotal: 80, rowsPerSecond: 100 });
      return analyzeOutcome(req);
    },
    cancel() {},
    interaction: async () => ({ ok: false, error: { code: 'internal', message: 'not used here', fix: '' } }),
    correlation: async () => ({ ok: false, error: { code: 'internal', message: 'not used here', fix: '' } }),
    async backends() {
      return { active: 'cpu', reports: [], gramEngine: 'float64-js' };
    },
    async setBackend(name) {
      return { active: name, reports: [], gramEngine: 'float64-js' };
    },
    exampleTables: async () => buildExampleTables(),
  };
  return { client, calls };
}

const ok = (): AnalyzeOutcome => ({ ok: true, result: result('good.npz'), elapsedMs: 12, gramEngine: 'float64-js' });

describe('studio controller', () => {
  it('inspects, preselects analysable tensors, analyses and adds a card', async () => {
    const store = createStudioStore();
    const { client, calls } = fakeClient(ok);
    const c = createStudioController(client, store);
    await c.pickFile(new File([new Uint8Array(80)], 'good.npz'));
    expect(store.getState().flow.phase).toBe('choosing');
    expect(store.getState().flow.tensorChoice).toEqual(['emb']);
    store.getState().setFlow({ fieldDimsText: '4, 6', mode: 'centered' });
    await c.analyze();
    expect(calls[0]).toEqual({ tensors: ['emb'], field_dims: [4, 6], mode: 'centered', maxDim: 1024 });
    const s = store.getState();
    expect(s.tables).toHaveLength(1);
    expect(s.tables[0]).toMatchObject({ source: 'good.npz', format: 'npz', elapsedMs: 12, origin: 'file' });
    expect(s.flow.phase).toBe('idle');
    expect(s.flow.mode).toBe('centered');
    expect(s.curveSelection).toEqual([`${s.tables[0].id}/a`]);
  });

  it('a failed import keeps the loaded tables and reports the error', async () => {
    const store = createStudioStore();
    let fail = false;
    const { client } = fakeClient(() => (fail ? { ok: false, error: { code: 'field-dims-mismatch', message: 'Sum 9 != 10 rows.', fix: 'Fix it.' } } : ok()));
    const c = createStudioController(client, store);
    await c.pickFile(new File([new Uint8Array(80)], 'good.npz'));
    await c.analyze();
    const before = store.getState().tables;

    await c.pickFile(new File([new Uint8Array(8)], 'noise.bin'));
    expect(store.getState().lastError?.code).toBe('unsupported-format');
    expect(store.getState().flow.phase).toBe('idle');
    expect(store.getState().tables).toBe(before);

    fail = true;
    await c.pickFile(new File([new Uint8Array(80)], 'again.npz'));
    expect(store.getState().lastError).toBeNull();
    await c.analyze();
    expect(store.getState().lastError?.code).toBe('field-dims-mismatch');
    expect(store.getState().flow.phase).toBe('choosing');
    expect(store.getState().tables).toBe(before);
  });

  it('rejects bad field_dims before calling the worker, and a cancel shows no error', async () => {
    const store = createStudioStore();
    const { client, calls } = fakeClient(() => ({ ok: false, error: { code: 'cancelled', message: 'Cancelled.', fix: '' } }));
    const c = createStudioController(client, store);
    await c.pickFile(new File([new Uint8Array(80)], 'good.npz'));
    store.getState().setFlow({ fieldDimsText: '3,abc' });
    await c.analyze();
    expect(calls).toHaveLength(0);
    expect(store.getState().lastError?.code).toBe('bad-field-dims');
    store.getState().setFlow({ fieldDimsText: '' });
    await c.analyze();
    expect(store.getState().lastError).toBeNull();
    expect(store.getState().flow.phase).toBe('choosing');
  });

  it('a cancelled analysis says so in a notice (rows read, no card), and the next run clears it', async () => {
    const store = createStudioStore();
    let outcome: AnalyzeOutcome = { ok: false, error: { code: 'cancelled', message: 'Cancelled.', fix: '' } };
    const c = createStudioController(fakeClient(() => outcome).client, store);
    await c.pickFile(new File([new Uint8Array(80)], 'good.npz'));
    await c.analyze();
    expect(store.getState().lastError).toBeNull();
    expect(store.getState().tables).toHaveLength(0);
    expect(store.getState().notices.find((n) => n.id === 'analysis-cancelled')?.text).toBe('Analysis of good.npz cancelled after 5 rows: no card was added.');
    outcome = ok();
    await c.analyze();
    expect(store.getState().notices.find((n) => n.id === 'analysis-cancelled')).toBeUndefined();
  });

  it('Cancel while a header is read goes back to the drop zone without an error', async () => {
    const store = createStudioStore();
    const { client } = fakeClient(ok);
    let cancelInspect = () => {};
    client.inspect = () =>
      new Promise((resolve) => (cancelInspect = () => resolve({ ok: false, error: { code: 'cancelled', message: 'Cancelled.', fix: '' } })));
    client.cancel = () => cancelInspect();
    const c = createStudioController(client, store);
    const picking = c.pickFile(new File([new Uint8Array(80)], 'big.pt'));
    expect(store.getState().flow.phase).toBe('inspecting');
    c.cancel();
    await picking;
    expect(store.getState().flow.phase).toBe('idle');
    expect(store.getState().lastError).toBeNull();
  });

  it('a JSON sidecar fills field_dims', async () => {
    const store = createStudioStore();
    const c = createStudioController(fakeClient(ok).client, store);
    await c.pickFile(new File([new Uint8Array(80)], 'good.npz'));
    await c.pickMetadata(new File(['{"field_dims":[2,7,24]}'], 'dims.json'));
    expect(store.getState().flow.fieldDimsText).toBe('2, 7, 24');
    expect(store.getState().flow.metadata).toBeNull();
  });

  it('preselects the extreme curves among fields with at least K rows', () => {
    const store = createStudioStore();
    const f = (name: string, rows: number, ia: number) => ({ ...result('x').fields[0], name, rows, information_abundance: ia });
    const id = store.getState().addTable({
      source: 'x',
      format: 'npy',
      bytes: 0,
      tensors: [],
      elapsedMs: 1,
      origin: 'file',
      gramEngine: 'float64-js',
      result: { source: 'x', options: { mode: 'recscope' }, fields: [f('tiny', 1, 1), f('low', 50, 1.2), f('mid', 50, 1.5), f('high', 50, 1.9)] },
    });
    expect(store.getState().curveSelection).toEqual([`${id}/low`, `${id}/high`]);
  });

  it('removing a table drops its curves', async () => {
    const store = createStudioStore();
    const c = createStudioController(fakeClient(ok).client, store);
    await c.pickFile(new File([new Uint8Array(80)], 'good.npz'));
    await c.analyze();
    const id = store.getState().tables[0].id;
    store.getState().removeTable(id);
    expect(store.getState().tables).toHaveLength(0);
    expect(store.getState().curveSelection).toEqual([]);
  });
  it('adds the examples once, above tables restored before they arrived', async () => {
    const store = createStudioStore();
    const { client } = fakeClient(ok);
    const controller = createStudioController(client, store);
    store.getState().addTable({ ...buildExampleTables()[0], source: 'mine.npy', format: 'npy', origin: 'file' });
    await controller.loadExamples();
    await controller.loadExamples();
    expect(store.getState().tables.map((t) => t.source)).toEqual(['Example: healthy model', 'Example: collapsed model', 'mine.npy']);
  });
});
