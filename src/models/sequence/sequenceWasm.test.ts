import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { SEQUENCE_MODEL_KINDS, type SequenceModelKind } from '../../contracts/sequence.ts';
import { selectBackend } from '../../../test/support/testBackend.ts';
import { tinySequenceDataset } from '../../../test/support/tinySequences.ts';
import { createSequenceTrainer } from './sequenceTrainer.ts';

const DATA = tinySequenceDataset({ seed: 9, train: 256, test: 64 });

/** Losses of 4 steps, the test AUC and some attention scores, on one backend. */
async function run(kind: SequenceModelKind, backend: 'cpu' | 'wasm') {
  await selectBackend(backend);
  const t = createSequenceTrainer(
    DATA,
    { model: kind, dim: 8, attentionDim: kind === 'dare' ? 4 : 8, topK: 4, historyLength: 10, lr: 1e-2, batchSize: 32, epochs: 1, seed: 2 },
    { observeGradients: true },
  );
  const losses = [0, 1, 2, 3].map(() => t.step().loss);
  const { auc } = t.evaluate(DATA.test);
  const scores = t.attentionScores(DATA.test, 0, 8).flatMap((s) => Array.from(s));
  const observed = t.gradientObservations().category.length;
  t.dispose();
  return { losses, auc, scores, observed };
}

afterAll(() => selectBackend('cpu'));

describe('sequence models on the wasm backend (topk, gather, scatterND there)', () => {
  it.each(SEQUENCE_MODEL_KINDS)('%s: same losses, AUC and attention scores as cpu', async (kind) => {
    const cpu = await run(kind, 'cpu');
    const before = tf.memory().numTensors;
    const wasm = await run(kind, 'wasm');
    expect(tf.memory().numTensors).toBe(before);
    wasm.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i])).toBeLessThan(1e-4));
    // 64 rows: one swapped pair of near-tied scores moves the AUC by ~1e-3.
    expect(Math.abs(wasm.auc - cpu.auc)).toBeLessThan(1e-2);
    expect(wasm.scores.length).toBe(cpu.scores.length);
    wasm.scores.forEach((s, i) => expect(Math.abs(s - cpu.scores[i])).toBeLessThan(1e-4));
    expect(wasm.observed).toBe(kind === 'dare' ? 0 : 4);
  });
});
