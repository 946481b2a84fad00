/**
 * The sequence worker's readers and ground truth: a built-in dataset generated from its seeded
 * generator (or fetched and read), a dropped file in any of the family's formats (data/sequence), read slice by slice so Stop
 * cancels it, and the ground-truth mutual information of SCIENCE.md section 4 over the training
 * split (analysis/groundTruthCorrelation.ts): the top-N heatmaps and any cell's bits for search quality.
 */
import { CorrelationCounts, correlationMatrices } from '../analysis/groundTruthCorrelation.ts';
import type { SequenceDataset } from '../contracts/sequence.ts';
import { eventLoopPacer } from '../data/abort.ts';
import { blobByteSource } from '../data/byteSource.ts';
import { fetchSequenceDataset } from '../data/sequence/fetchSequenceDataset.ts';
import { generateSequenceDataset } from '../data/sequence/generateSequenceDataset.ts';
import { importSequenceFile } from '../data/sequence/importSequenceFile.ts';
import type { SeqLoadProgress } from './sequenceProtocol.ts';
import type { SeqDataAccess, SeqTruth } from './sequenceService.ts';

/** N top target categories and P positions of the heatmaps (SCIENCE.md section 4's defaults). */
export const TOP_CATEGORIES = 10;
export const HEATMAP_POSITIONS = 10;

const reading = (onProgress: (p: SeqLoadProgress) => void) => (bytesDone: number, totalBytes: number) =>
  onProgress({ phase: 'reading', done: bytesDone, total: totalBytes });

/** Training samples counted between looks at the clock (a slice of ~100 samples is well under a millisecond). */
const TRUTH_SLICE = 100;

/**
 * The ground truth of a dataset's training split: the top-N heatmaps and the MI of any cell. The
 * counting (about a second at 12,000 users) gives the event loop a turn every ~25 ms
 * (eventLoopPacer), so a Stop that arrives meanwhile cancels it (AbortError).
 */
export async function sequenceTruth(
  d: SequenceDataset,
  options: { signal?: AbortSignal; top?: number; positions?: number; onProgress?: (samplesDone: number, samples: number) => void } = {},
): Promise<SeqTruth> {
  const { signal, top = TOP_CATEGORIES, positions = HEATMAP_POSITIONS, onProgress } = options;
  const counts = new CorrelationCounts(d.categoryVocabulary, Math.max(positions, d.maxHistory));
  const pace = eventLoopPacer(signal);
  const total = d.train.count;
  for (let from = 0; from < total; from += TRUTH_SLICE) {
    counts.add(d.train, from, Math.min(from + TRUTH_SLICE, total));
    const turn = pace(0);
    if (turn) {
      onProgress?.(from + TRUTH_SLICE, total);
      await turn;
    }
  }
  const g = correlationMatrices(counts, { top, positions });
  const name = (id: number) => d.categoryNames[id] || String(id);
  return {
    summary: {
      categories: g.categories.map(name),
      categoryIds: g.categories,
      positions,
      targets: g.targets.map((t) => ({ category: name(t.category), positives: t.positives, negatives: t.negatives, mi: t.mutualInformation.flat() })),
    },
    mi: (ct, ci, p) => counts.mutualInformation(ct, ci, p),
  };
}

export const sequenceData: SeqDataAccess = {
  async fetchBuiltIn(url, name, signal, onProgress) {
    onProgress({ phase: 'downloading', done: 0, total: 0 });
    const d = await fetchSequenceDataset(url, { signal, onProgress: reading(onProgress) });
    return { ...d, source: name };
  },
  generate: (source, signal, onProgress) =>
    generateSequenceDataset(source.config, {
      name: source.name,
      keepHistory: source.keepHistory,
      signal,
      onProgress: (done, total) => onProgress({ phase: 'generating users', done, total }),
    }),
  readFile: (file, signal, onProgress) => importSequenceFile(blobByteSource(file, file.name), { signal, onProgress: reading(onProgress) }),
  groundTruth: (d, signal, onProgress) =>
    sequenceTruth(d, { signal, onProgress: (done, total) => onProgress({ phase: 'ground truth', done: Math.min(done, total), total }) }),
};
