import { describe, expect, it } from 'vitest';
import { effectiveRank } from '../analysis/spectrum.ts';
import { checkRunRecord } from './savedRecords.ts';
import { applyEvent, fromRunRecord, toRunRecord } from './trainingController.ts';
import { DEFAULT_TRAINING_FORM, modelConfigOf, parseMlp, toggleCompare, trainConfigOf, type TrainingRun } from './trainingSlice.ts';

/** A consistent spectrum (saved records are validated) whose IA is `ia`: singular values [1, ia - 1]. */
const field = (name: string, ia: number) => ({
  name,
  rows: 2,
  dim: 4,
  singular_values: [1, ia - 1],
  normalized_spectrum: [1, ia - 1, 0, 0],
  information_abundance: ia,
  effective_rank: effectiveRank([1, ia - 1]),
  excluded_rows: 0,
});

const emptyRun = (): TrainingRun => ({
  id: 'r1',
  label: 'DNN',
  form: DEFAULT_TRAINING_FORM,
  datasetName: 'tiny',
  createdAt: 1,
  status: 'running',
  step: 0,
  epoch: 0,
  stepsPerEpoch: 0,
  parameters: 0,
  backend: '',
  samplesPerSecond: 0,
  losses: [],
  evals: [],
  spectra: [],
  interaction: null,
  final: null,
  bayesAuc: 0.76,
});

describe('training controller helpers', () => {
  it('form to model and train configs: dim x size multiplier, sets, MLP widths', () => {
    const form = { ...DEFAULT_TRAINING_FORM, dim: 10, sizeMultiplier: 4, sets: 2, mlp: '400-200', patience: 3 };
    expect(modelConfigOf(form)).toMatchObject({ embeddingDim: 40, embeddingSets: 2, mlp: [400, 200] });
    expect(trainConfigOf(form).earlyStopPatience).toBe(3);
    expect(() => parseMlp('400-x')).toThrow(RangeError);
  });

  it('worker events build the run; a saved record validates and restores its history', () => {
    let run = emptyRun();
    const apply = (e: Parameters<typeof applyEvent>[1]) => (run = { ...run, ...applyEvent(run, e) });
    apply({ type: 'started', parameters: 123, stepsPerEpoch: 10, backend: 'wasm' });
    apply({ type: 'loss', step: 2, epoch: 0, points: [{ step: 2, loss: 0.6 }], samplesPerSecond: 500 });
    apply({ type: 'eval', step: 2, epoch: 0, auc: 0.7, logloss: 0.55 });
    apply({ type: 'spectrum', step: 2, sets: [[field('a', 1.5)]] });
    apply({ type: 'spectrum', step: 2, sets: [[field('a', 1.6)]] });
    apply({ type: 'status', status: 'done' });
    expect(run).toMatchObject({ parameters: 123, step: 2, status: 'done', backend: 'wasm' });
    expect(run.spectra).toHaveLength(1);

    const record = checkRunRecord(toRunRecord(run, 5));
    const back = fromRunRecord(record);
    expect(back.losses).toEqual(run.losses);
    expect(back.evals).toEqual(run.evals);
    expect(back.spectra[0].sets[0][0].information_abundance).toBe(1.6);
    expect(back.bayesAuc).toBe(0.76);
    expect(back.form).toEqual(run.form);
    expect(back.interaction).toBeNull();

    // A DCNv2 run's interaction matrix is kept; a malformed one is dropped, not trusted.
    const matrix = {
      fields: ['a', 'b'],
      ia: [
        [1.2, 1.1],
        [1.3, 1.4],
      ],
      rawIa: [1.5, 1.6],
    };
    expect(fromRunRecord(toRunRecord({ ...run, interaction: matrix })).interaction).toEqual(matrix);
    const bad = toRunRecord({ ...run, interaction: { ...matrix, ia: [[1.2]] } });
    expect(fromRunRecord(bad).interaction).toBeNull();
  });

  it('a run stored while still going comes back interrupted, resumable from its stored step', () => {
    const going: TrainingRun = { ...emptyRun(), step: 40, losses: [{ step: 40, loss: 0.5 }], savedStep: 40 };
    const back = fromRunRecord(checkRunRecord(toRunRecord(going)));
    expect(back).toMatchObject({ status: 'interrupted', savedStep: 40, step: 40 });
    expect(back.message).toMatch(/step 40/);
    // Stored again (a workspace export) it stays resumable; one stored before any checkpoint is not.
    expect(fromRunRecord(toRunRecord(back))).toMatchObject({ status: 'interrupted', savedStep: 40 });
    const early = fromRunRecord(toRunRecord({ ...emptyRun(), status: 'paused' }));
    expect(early.status).toBe('interrupted');
    expect(early.savedStep).toBeUndefined();
    // A finished run keeps its status and offers nothing.
    expect(fromRunRecord(toRunRecord({ ...going, status: 'done' }))).toMatchObject({ status: 'done' });
    expect(fromRunRecord(toRunRecord({ ...going, status: 'done' })).savedStep).toBeUndefined();
  });

  it('a run saved before the form had a dropout setting reads back with the 0.2 it trained with', () => {
    const record = toRunRecord({ ...emptyRun(), status: 'done' });
    const olderForm: Partial<TrainingRun['form']> = { ...(record.config as { form: TrainingRun['form'] }).form };
    delete olderForm.dropout;
    const older = { ...record, config: { ...record.config, form: olderForm } };
    expect(fromRunRecord(checkRunRecord(older)).form.dropout).toBe(0.2);
    const wrong = { ...record, config: { ...record.config, form: { ...olderForm, dropout: 'x' } } };
    expect(() => checkRunRecord(wrong)).toThrow(/dropout/);
  });

  it('comparison keeps the two most recently ticked runs', () => {
    expect(toggleCompare(['a', 'b'], 'c')).toEqual(['b', 'c']);
    expect(toggleCompare(['a', 'b'], 'a')).toEqual(['b']);
  });
});
