/**
 * A built-in synthetic behaviour-sequence dataset generated where it is used (the sequence worker),
 * from the seeded generator: no download, no CSV to parse. The generation runs user by user and gives
 * the event loop a turn every few tens of milliseconds, so a Stop queued meanwhile cancels it, and
 * reports the users done. The samples are those generateSyntheticSequences gives, bit for bit, with
 * the Bayes test AUC of its true probabilities.
 */
import type { SequenceDataset } from '../../contracts/sequence.ts';
import { throwIfAborted } from '../abort.ts';
import { auc } from '../ctr/auc.ts';
import { SYNTHETIC_SEQUENCE_DEFAULTS, syntheticSequenceSteps, type SyntheticSequenceConfig, type SyntheticSequenceStorage } from './syntheticSequences.ts';

/** Longest stretch of generation before the event loop gets a turn. */
const SLICE_MS = 40;

export interface GenerateSequenceOptions extends SyntheticSequenceStorage {
  /** The dataset's name (its `source`). */
  name: string;
  signal?: AbortSignal;
  /** Users generated so far, of all. */
  onProgress?: (usersDone: number, users: number) => void;
}

export async function generateSequenceDataset(config: SyntheticSequenceConfig, options: GenerateSequenceOptions): Promise<SequenceDataset> {
  const { name, signal, onProgress, ...storage } = options;
  const users = config.users ?? SYNTHETIC_SEQUENCE_DEFAULTS.users;
  throwIfAborted(signal);
  const steps = syntheticSequenceSteps(config, storage);
  let sliceStart = performance.now();
  onProgress?.(0, users);
  for (;;) {
    const step = steps.next();
    if (step.done) {
      const { dataset, trueProbabilities } = step.value;
      return { ...dataset, source: name, bayesTestAuc: auc(trueProbabilities.test, dataset.test.labels) };
    }
    if (performance.now() - sliceStart >= SLICE_MS) {
      onProgress?.(step.value, users);
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      throwIfAborted(signal);
      sliceStart = performance.now();
    }
  }
}
