/** A Train-tab run and a Multi-task run as the studio keeps them: for the workspace tests and the fuzzer's seeds. */
import type { FieldResult } from '../../src/contracts/tables.ts';
import { DEFAULT_MULTITASK_FORM, type MtlRun } from '../../src/state/multitaskSlice.ts';
import { DEFAULT_TRAINING_FORM, type TrainingRun } from '../../src/state/trainingSlice.ts';

export function sampleTrainingRun(fields: FieldResult[]): TrainingRun {
  return {
    id: 't1',
    label: 'DNN',
    form: DEFAULT_TRAINING_FORM,
    datasetName: 'tiny',
    createdAt: 1,
    status: 'done',
    step: 4,
    epoch: 1,
    stepsPerEpoch: 4,
    parameters: 1234,
    backend: 'cpu',
    samplesPerSecond: 1,
    losses: [{ step: 4, loss: 0.6 }],
    evals: [{ step: 4, auc: 0.7, logloss: 0.6 }],
    spectra: [{ step: 4, sets: [fields] }],
    interaction: null,
    final: { step: 4, parameters: 1234, bestStep: -1, bestValidAuc: NaN, stoppedEarly: false, testAuc: NaN, testLogloss: 0.6, concatSpectrum: [] },
  };
}

export function sampleMtlRun(): MtlRun {
  const metrics = [
    { task: 'click', auc: 0.6, logloss: 0.6, gauc: 0.6, rows: 10, positives: 3 },
    { task: 'like', auc: 0.5, logloss: 0.7, gauc: 0.5, rows: 10, positives: 2 },
  ];
  return {
    id: 'm1',
    label: 'MMoE',
    form: DEFAULT_MULTITASK_FORM,
    datasetName: 'mtl',
    createdAt: 1,
    status: 'done',
    step: 2,
    epoch: 0,
    stepsPerSecond: 1,
    backend: 'cpu',
    sharedParameters: 10,
    tasks: ['click', 'like'],
    fields: ['user'],
    layers: ['tower'],
    losses: [{ step: 1, losses: { adam: [0.7, 0.6], alt: [0.7, 0.65] } }],
    snapshots: [{ step: 1, arms: { adam: { dominance: [], cosine: [], entanglement: [0.2] }, alt: { dominance: [], cosine: [], entanglement: [0.1] } } }],
    metrics: [{ step: 2, all: { adam: metrics.map((m) => ({ ...m })), alt: metrics.map((m) => ({ ...m })) }, comparable: { adam: [], alt: [] } }],
  };
}
