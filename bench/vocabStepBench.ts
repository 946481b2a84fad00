/**
 * Training step time against total vocabulary size (DNN, dim 10, MLP 400-400, batch 1024, tfjs
 * wasm in Node, one thread), on generated data with 24 fields of 2..max values. The embedding
 * gradient is a scatter-add (O(batch x dim)); what still grows with the vocabulary is Adam, which
 * updates every row of every table each step, as torch.optim.Adam does.
 *
 *   npx tsx bench/vocabStepBench.ts   (figures in the README)
 */
import { generateSyntheticCtr } from '../src/data/ctr/syntheticCtr.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import { createTrainer } from '../src/models/trainer.ts';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAIN_CONFIG } from '../src/contracts/modelConfig.ts';
await selectBackend('wasm');
console.log(`| max values per field | total vocabulary rows | ms/step | samples/s |`);
console.log(`|---|---|---|---|`);
for (const max of [100, 10_000, 100_000, 1_000_000]) {
  const data = generateSyntheticCtr({ seed: 2024, rows: 40_000, fields: 24, minCardinality: 2, maxCardinality: max });
  const vocab = data.fields.reduce((n, f) => n + f.cardinality, 0);
  const t = createTrainer(data, { ...DEFAULT_MODEL_CONFIG, kind: 'dnn' }, { ...DEFAULT_TRAIN_CONFIG, batchSize: 1024, epochs: 100 });
  for (let i = 0; i < 3; i++) t.step();
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) t.step();
  const ms = (performance.now() - t0) / 20;
  console.log(`| ${max} | ${vocab} | ${ms.toFixed(1)} | ${((1024 * 1000) / ms).toFixed(0)} |`);
  t.dispose();
}
