import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AnalysisClient } from '../workers/analysisProtocol.ts';
import { createAnalysisService } from '../workers/analysisService.ts';
import { createCheckpointSeriesController, useCheckpointSeriesStore } from './checkpointSeriesController.ts';

/** Four checkpoints of one DCNv2 training (scripts/interactionFixtures.py) and numpy's IA of each field. */
const DIR = new URL('../../test/interaction/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected.json', DIR), 'utf8')) as { files: Record<string, { field_dims: number[]; rawIa: number[] }> };
const file = (name: string) => new File([readFileSync(new URL(name, DIR))], name);
const client = () => createAnalysisService() as unknown as AnalysisClient;

describe('checkpoint series', () => {
  it('orders the files by the step in their names and gives IA per field at each, as numpy has it', async () => {
    const c = createCheckpointSeriesController(client());
    const picked = ['dcnv2_step60.pt', 'dcnv2_step0.pt', 'dcnv2_step120.pt', 'dcnv2_step20.pt'].map(file);
    await c.run(picked, { fieldDimsText: '3, 12, 7, 20', keepPicked: false });
    const s = useCheckpointSeriesStore.getState();
    expect(s.error).toBeNull();
    expect(s.status).toBe('done');
    expect(s.tensors).toEqual(['embedding.embedding.weight']);
    expect(s.snapshots.map((x) => [x.step, x.source])).toEqual([
      [0, 'dcnv2_step0.pt'],
      [20, 'dcnv2_step20.pt'],
      [60, 'dcnv2_step60.pt'],
      [120, 'dcnv2_step120.pt'],
    ]);
    for (const snap of s.snapshots) {
      const want = expected.files[snap.source].rawIa;
      snap.fields.forEach((f, i) => expect(Math.abs(f.information_abundance - want[i]), `${snap.source} field ${i}`).toBeLessThan(1e-9));
    }
  });

  it('keeps the picked order when asked, numbering the checkpoints', async () => {
    const c = createCheckpointSeriesController(client());
    // A folder's log file is left out.
    await c.run([...['dcnv2_step60.pt', 'dcnv2_step0.pt'].map(file), new File(['loss 0.3'], 'train_step9.log')], { fieldDimsText: '', keepPicked: true });
    const s = useCheckpointSeriesStore.getState();
    expect(s.order?.by).toBe('picked');
    expect(s.snapshots.map((x) => [x.step, x.source])).toEqual([
      [1, 'dcnv2_step60.pt'],
      [2, 'dcnv2_step0.pt'],
    ]);
  });

  it('one file is not a series; a file that fails is named', async () => {
    const c = createCheckpointSeriesController(client());
    await c.run([file('dcnv2_step0.pt')], { fieldDimsText: '', keepPicked: false });
    expect(useCheckpointSeriesStore.getState().error?.message).toMatch(/at least two checkpoints; 1 was given/);
    await c.run([file('dcnv2_step0.pt'), new File([new Uint8Array([1, 2, 3])], 'broken_step5.pt')], { fieldDimsText: '', keepPicked: false });
    const s = useCheckpointSeriesStore.getState();
    expect(s.status).toBe('error');
    expect(s.error?.message).toMatch(/^broken_step5\.pt: /);
  });
});
