import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { generateSyntheticMtl } from '../data/mtl/syntheticMtl.ts';
import { selectBackend } from '../../test/support/testBackend.ts';
import type { MtlConflictProgress, MtlEvent, MtlTrainRequest } from './multitaskProtocol.ts';
import { createMultitaskService, previewCsvText } from './multitaskService.ts';

/** A small multi-label CSV (user, item, context, click, like) written from the synthetic generator. */
function tinyCsv(): string {
  const d = generateSyntheticMtl({ seed: 5, rows: 900, users: 40, items: 60, userGroups: 3, itemCategories: 4, contexts: 3, taskCorrelation: -0.8 });
  const lines = ['user,item,context,click,like,score'];
  for (const split of [d.train, d.valid, d.test]) {
    const F = d.fields.length;
    for (let r = 0; r < split.rows; r++) {
      const x = split.indices.subarray(r * F, (r + 1) * F);
      lines.push(`u${x[0]},i${x[1]},c${x[4]},${split.labels[r * 2]},${split.labels[r * 2 + 1]},${r % 2}`);
    }
  }
  return lines.join('\n');
}

const until = async (check: () => boolean, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const REQUEST: MtlTrainRequest = {
  model: 'mmoe',
  alternative: 'adatask',
  beta: 0.9,
  lr: 1e-2,
  batchSize: 64,
  steps: 12,
  seed: 2,
  snapshotEvery: 4,
  evalEvery: 6,
};

describe('previewCsvText', () => {
  it('lists the 0/1 columns and the ones the loader would pick as labels', () => {
    const p = previewCsvText('user,item,click,like,score\nu1,i1,0,1,1\nu2,i2,1,0,0\n', 'x.csv');
    expect(p.header).toEqual(['user', 'item', 'click', 'like', 'score']);
    expect(p.binary).toEqual(['click', 'like', 'score']);
    expect(p.detected).toEqual(['click', 'like']);
  });
});

describe('multi-task service (tfjs cpu, tiny CSV)', () => {
  const file = new File([tinyCsv()], 'tiny-mtl.csv', { type: 'text/csv' });

  it('loads the chosen label columns, trains Adam and AdaTask side by side, stops promptly, frees tensors', async () => {
    const service = createMultitaskService(() => selectBackend('cpu'));
    expect((await service.setBackend('cpu')).active).toBe('cpu');
    const preview = await service.previewCsv(file);
    if ('error' in preview) throw new Error(preview.error.message);
    expect(preview.detected).toEqual(['click', 'like']);

    const loaded = await service.load({ kind: 'csv', file, labelColumns: ['like', 'click'] });
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.summary.tasks).toEqual(['like', 'click']);
    expect(loaded.summary.fields.map((f) => f.name)).toEqual(['user', 'item', 'context', 'score']);
    expect(loaded.summary.hasUserItem).toBe(true);
    expect(loaded.summary.comparableShare).toBeGreaterThan(0);
    expect(loaded.summary.comparableShare).toBeLessThan(1);

    const before = tf.memory().numTensors;
    const events: MtlEvent[] = [];
    const outcome = await service.train(REQUEST, (e) => events.push(e));
    expect(outcome).toEqual({ ok: true, status: 'done', report: null });
    expect(tf.memory().numTensors).toBe(before);

    const started = events.find((e) => e.type === 'started');
    expect(started?.type === 'started' && started.layers[0]).toBe('embedding');
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress[progress.length - 1]).toMatchObject({ step: 12 });
    const snapshots = events.flatMap((e) => (e.type === 'snapshot' ? [e] : []));
    expect(snapshots.map((s) => s.step).at(-1)).toBe(12);
    for (const s of snapshots) {
      for (const arm of [s.arms.adam, s.arms.alt]) {
        for (const l of arm.dominance) expect(l.meanRau[0] + l.meanRau[1]).toBeCloseTo(1, 9);
        for (const c of arm.cosine) {
          expect(c.cosine[0]).toBeCloseTo(1, 6);
          expect(c.cosine[1]).toBe(c.cosine[2]);
        }
        expect(arm.entanglement).toHaveLength(4);
      }
    }
    // AdaTask and Adam start from the same weights but update differently.
    const last = snapshots[snapshots.length - 1];
    expect(last.arms.alt.dominance[0].meanRau[0]).not.toBeCloseTo(last.arms.adam.dominance[0].meanRau[0], 6);
    const metrics = events.flatMap((e) => (e.type === 'metrics' ? [e] : []));
    expect(metrics.map((m) => m.step)).toEqual([6, 12]);
    expect(metrics[1].comparable.adam[0].rows).toBeLessThan(metrics[1].all.adam[0].rows);

    // Stop while running: the loop ends within a chunk and reports 'stopped'.
    const stopEvents: MtlEvent[] = [];
    const running = service.train({ ...REQUEST, steps: 10_000 }, (e) => stopEvents.push(e));
    await until(() => stopEvents.some((e) => e.type === 'progress'));
    service.pause();
    await until(() => stopEvents.some((e) => e.type === 'status' && e.status === 'paused'));
    expect((await service.measureConflicts({ steps: 1, batchSize: 8, lr: 1e-2, seed: 1, taskA: 0, taskB: 1 }, () => {})).ok).toBe(false);
    service.stop();
    expect(await running).toEqual({ ok: true, status: 'stopped', report: null });
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('checkpoints on pausing and resumes in a new service with the same curves as a run never interrupted', async () => {
    // 150 steps: a loss point every 2 steps, so the pause at step 7 leaves a window open in the checkpoint.
    const request: MtlTrainRequest = { ...REQUEST, model: 'shared-bottom', steps: 150, snapshotEvery: 50, evalEvery: 75 };
    const readOuts = (events: MtlEvent[]) => ({
      losses: events.flatMap((e) => (e.type === 'progress' ? e.points : [])),
      snapshots: events.flatMap((e) => (e.type === 'snapshot' ? [e] : [])),
      metrics: events.flatMap((e) => (e.type === 'metrics' ? [e] : [])),
    });
    const start = async () => {
      const service = createMultitaskService(() => selectBackend('cpu'));
      await service.setBackend('cpu');
      const loaded = await service.load({ kind: 'csv', file });
      if (!loaded.ok) throw new Error(loaded.error.message);
      return service;
    };

    const straight: MtlEvent[] = [];
    expect(await (await start()).train(request, (e) => straight.push(e))).toMatchObject({ ok: true, status: 'done' });

    const first = await start();
    const before: MtlEvent[] = [];
    const paused = first.train({ ...request, paused: true, checkpointEveryMs: 60_000 }, (e) => before.push(e));
    await until(() => before.some((e) => e.type === 'status' && e.status === 'paused'));
    for (let i = 1; i <= 7; i++) {
      first.step();
      await until(() => before.some((e) => e.type === 'checkpoint' && e.step === i));
    }
    first.stop();
    await paused;
    const saved = before.filter((e) => e.type === 'checkpoint').at(-1);
    if (saved?.type !== 'checkpoint') throw new Error('no checkpoint');
    expect(saved.step).toBe(7);

    const after: MtlEvent[] = [];
    const resumed = await (await start()).train({ ...request, resumeFrom: saved.checkpoint }, (e) => after.push(e));
    expect(resumed).toMatchObject({ ok: true, status: 'done' });
    const joined = readOuts([...before.filter((e) => e.type !== 'metrics'), ...after]);
    const expected = readOuts(straight);
    expect(joined.losses).toEqual(expected.losses);
    expect(joined.losses.map((p) => p.step).slice(0, 4)).toEqual([2, 4, 6, 8]);
    expect(joined.snapshots).toEqual(expected.snapshots);
    expect(readOuts(after).metrics).toEqual(expected.metrics);
  }, 180_000);

  it('measures conflict pairs for the single-task baseline, shared-bottom, MMoE, PLE and STEM', async () => {
    const service = createMultitaskService(() => selectBackend('cpu'));
    await service.setBackend('cpu');
    const loaded = await service.load({ kind: 'csv', file });
    if (!loaded.ok) throw new Error(loaded.error.message);
    const progress: MtlConflictProgress[] = [];
    const outcome = await service.measureConflicts({ steps: 6, batchSize: 64, lr: 1e-2, seed: 1, taskA: 0, taskB: 1 }, (p) => progress.push(p));
    if (!outcome.ok) throw new Error(outcome.error.message);
    const r = outcome.result;
    expect(r.tasks).toEqual(['click', 'like']);
    expect(r.models.map((m) => m.name)).toEqual(['single-task', 'shared-bottom', 'mmoe', 'ple', 'stem']);
    expect(r.models.find((m) => m.name === 'stem')?.tables).toEqual(['click', 'like']);
    expect(r.models.find((m) => m.name === 'mmoe')?.tables).toEqual(['shared', 'shared']);
    for (const m of r.models) {
      expect(m.histogramA.edges).toHaveLength(40);
      const counted = m.histogramA.conflict.reduce((a, b) => a + b, 0);
      expect(counted).toBe(r.conflictPairs);
      expect(counted + m.histogramA.other.reduce((a, b) => a + b, 0)).toBe(r.pairs);
      expect(m.joint.counts.reduce((a, b) => a + b, 0)).toBe(r.conflictPairs);
    }
    expect(progress.map((p) => p.model)).toContain('stem');
  }, 120_000);
});
