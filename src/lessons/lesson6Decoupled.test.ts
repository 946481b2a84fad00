import { describe, expect, it } from 'vitest';
import { createStudioStore } from '../state/studioStore.ts';
import { DEFAULT_SEQUENCE_FORM, type SeqRun } from '../state/sequenceSlice.ts';
import type { SeqSnapshot } from '../workers/sequenceProtocol.ts';
import { decouplingFacts } from './decouplingFacts.ts';
import { lesson6 } from './lesson6Decoupled.ts';
import type { LessonResults, LessonStep } from './lessonTypes.ts';

const DATASET = 'synthetic-sequences';
const USERS = 12000;
/** What a run of the built-in dataset carries as its datasetName: the index's display name, not the id. */
const DATASET_NAME = 'Synthetic behaviour sequences (planted correlation)';

function run(
  model: 'twin' | 'dare',
  over: {
    seed?: number;
    attentionDim?: number;
    auc: number;
    spearman: number[];
    overlap: number;
    captured: number;
    searchMs?: number;
    conflict?: number;
    ratio?: number;
  },
): SeqRun {
  const snapshot: SeqSnapshot = {
    step: 100,
    correlation: { learned: [], spearman: over.spearman },
    search: { k: 20, overlap: over.overlap, miCaptured: over.captured },
    gradient:
      over.conflict === undefined
        ? null
        : { edges: [], counts: [30, 70], conflictingShare: over.conflict, recentShare: over.conflict, perCategory: [], normRatio: over.ratio ?? NaN },
  };
  return {
    id: `${model}-${over.seed ?? 1}-${over.attentionDim ?? 16}`,
    label: model,
    form: { ...DEFAULT_SEQUENCE_FORM, model, dim: 16, attentionDim: over.attentionDim ?? 16, seed: over.seed ?? 1 },
    datasetName: DATASET_NAME,
    createdAt: 0,
    status: 'done',
    step: 100,
    epoch: 1,
    stepsTotal: 100,
    samplesPerSecond: 1,
    backend: 'wasm',
    parameters: 1,
    losses: [],
    metrics: [],
    snapshots: [snapshot],
    report: { step: 100, testAuc: over.auc, testLogloss: 0.6, searchMs: over.searchMs ?? 2 },
  };
}

function results(runs: SeqRun[]): LessonResults {
  const s = createStudioStore().getState();
  return {
    ...s,
    seqRuns: runs,
    seqDataset: {
      ...s.seqDataset,
      phase: 'ready',
      key: DATASET,
      summary: {
        name: DATASET_NAME,
        rows: { train: 50000, test: 9000 },
        positiveRate: 0.35,
        items: 4000,
        categories: 40,
        maxHistory: 200,
        meanHistory: 120,
        bayesAuc: 0.728,
        groundTruth: { categories: [], categoryIds: [], positions: 10, targets: [] },
      },
    },
  };
}

const stepsOf = (r: LessonResults) => lesson6.steps([], r) as LessonStep[];

describe('lesson 6 facts', () => {
  it('pairs the newest TWIN with DARE of the same seed at full attention dim, and lists the sweep', () => {
    const runs = [
      run('twin', { auc: 0.69, spearman: [0.1, 0.2, NaN], overlap: 0.4, captured: 0.5, conflict: 0.4, ratio: 20 }),
      run('dare', { seed: 2, auc: 0.7, spearman: [0.9], overlap: 0.9, captured: 0.9 }),
      run('dare', { auc: 0.7, spearman: [0.3], overlap: 0.5, captured: 0.6, searchMs: 4 }),
      run('dare', { attentionDim: 4, auc: 0.69, spearman: [0.3], overlap: 0.5, captured: 0.6, searchMs: 1 }),
    ];
    const f = decouplingFacts(runs, DATASET, USERS)!;
    expect(f.twin.spearman).toBeCloseTo(0.15, 12);
    expect(f.dare).toMatchObject({ seed: 1, attentionDim: 16, auc: 0.7, spearman: 0.3 });
    expect(f.conflict).toEqual({ share: 0.4, normRatio: 20, cosines: 100 });
    expect(f.sweep.map((p) => p.attentionDim)).toEqual([16, 4]);
    expect(decouplingFacts(runs.slice(0, 1), DATASET, USERS)).toBeNull();
    expect(decouplingFacts(runs, 'other', USERS)).toBeNull();
  });

  it('finds the runs by the dataset id of the preset, not by the display name the runs carry', () => {
    const runs = [
      run('twin', { auc: 0.69, spearman: [0.1], overlap: 0.4, captured: 0.5, conflict: 0.4, ratio: 2 }),
      run('dare', { auc: 0.7, spearman: [0.3], overlap: 0.5, captured: 0.6 }),
    ];
    expect(runs[0].datasetName).not.toBe(DATASET);
    expect(decouplingFacts(runs, DATASET, USERS)?.twin.auc).toBe(0.69);
    const other = runs.map((r) => ({ ...r, form: { ...r.form, datasetId: 'file' } }));
    expect(decouplingFacts(other, DATASET, USERS)).toBeNull();
    // Runs of another size of the generated dataset are not the lesson's.
    expect(decouplingFacts(runs, DATASET, 3000)).toBeNull();
  });
});

describe('lesson 6', () => {
  it('before a run, says nothing has been trained and offers the compare', () => {
    const steps = stepsOf(results([]));
    expect(steps).toHaveLength(6);
    expect(steps[0].action?.id).toBe('seq-compare');
    expect(steps[0].preset).toMatchObject({ view: 'sequence', sds: DATASET, sadim: 16 });
    expect(steps[2].text).toContain('Nothing has been trained yet');
    expect(steps[5].action?.id).toBe('seq-sweep');
  });

  it('reads its claims off the runs, and says "does not show" where the run does not', () => {
    const steps = stepsOf(
      results([
        run('twin', { auc: 0.691, spearman: [0.12], overlap: 0.49, captured: 0.62, conflict: 0.4, ratio: 21.3 }),
        run('dare', { auc: 0.6915, spearman: [0.11], overlap: 0.48, captured: 0.61 }),
      ]),
    );
    expect(steps[2].text).toContain('TWIN 0.120, DARE 0.110');
    expect(steps[2].text).toContain('does not rank the cells closer');
    expect(steps[3].text).toContain('40 % of the (step, category row) pairs');
    expect(steps[3].text).toContain('21.30 times the attention gradient');
    // 0.0005 AUC on 9,000 test samples is far inside two standard errors.
    expect(steps[4].text).toContain('within two standard errors');
    expect(steps[4].text).toContain('does not show one beating the other');
    expect(steps[4].text).toContain('Bayes AUC) is 0.728');
  });

  it('says when DARE is ahead by more than the noise, and when conflict is small', () => {
    const steps = stepsOf(
      results([
        run('twin', { auc: 0.65, spearman: [0.1], overlap: 0.4, captured: 0.5, conflict: 0.05, ratio: 0.8 }),
        run('dare', { auc: 0.7, spearman: [0.5], overlap: 0.6, captured: 0.7 }),
        run('dare', { attentionDim: 4, auc: 0.7, spearman: [0.5], overlap: 0.6, captured: 0.7, searchMs: 1 }),
      ]),
    );
    expect(steps[2].text).toContain('ranks the cells closer to the ground truth (+0.400 in ρ)');
    expect(steps[3].text).toContain('does not show much conflict');
    expect(steps[3].text).toContain('does not show representation dominating');
    expect(steps[4].text).toContain('DARE is ahead by +0.050');
    expect(steps[5].text).toContain('attention dim 16: AUC 0.700; attention dim 4: AUC 0.700');
    expect(steps[5].text).toContain('2.00× faster');
  });
});
