/** The DeepFM every training bench trains (BENCH_DEEPFM), as tfjs's trainer and the studio take it: random data and the model. */
import type { ModelConfig } from '../src/contracts/modelConfig.ts';
import type { CtrDataset, CtrField } from '../src/data/ctr/ctrDataset.ts';
import { createRng } from '../src/data/ctr/prng.ts';
import { randomIndices } from '../test/support/tinyData.ts';
import { BENCH_DEEPFM } from './torchTrainReference.ts';

/**
 * Random indices and labels (a quarter positive, seed 1) over BENCH_DEEPFM's fields of
 * `cardinality` values. With `evalRows`, validation and test draw their own rows after the
 * training rows; without, they are the training rows.
 */
export function benchDeepFmData(cardinality: number, trainRows: number, evalRows?: number): CtrDataset {
  const fields: CtrField[] = Array.from({ length: BENCH_DEEPFM.fields }, (_, i) => ({ name: `C${i + 1}`, cardinality }));
  const rng = createRng(1);
  const split = (rows: number) => ({
    rows,
    indices: randomIndices(fields, rows, rng),
    labels: Float32Array.from({ length: rows }, () => (rng.next() < 0.25 ? 1 : 0)),
  });
  const train = split(trainRows);
  const valid = evalRows === undefined ? train : split(evalRows);
  const test = evalRows === undefined ? train : split(evalRows);
  return { name: 'deepfm-bench', origin: 'synthetic:bench', fields, tasks: ['click'], train, valid, test };
}

export const BENCH_DEEPFM_MODEL: ModelConfig = {
  kind: 'deepfm',
  embeddingDim: BENCH_DEEPFM.dim,
  embeddingSets: 1,
  mlp: BENCH_DEEPFM.mlp,
  dropout: BENCH_DEEPFM.dropout,
  crossLayers: 0,
  cinLayers: [],
  seed: 1,
};
