/**
 * Why multi-embedding keeps less IA than single embedding here (issue 12, lesson 3): trains the
 * recorded scaling queue's single and multi runs at the given sizes (effectSettings.ts FULL:
 * DCNv2 base dim 4, 3 epochs, batch 512 on synthetic-ctr-lesson) and prints, at initialisation and
 * at the best validation, the mean IA over fields of all sets side by side (the studio's measure,
 * scalingExperiment.ts), the same over fields with more values than the width, and the sum over
 * sets of each set's own IA (each set as its own table). Sets that each keep their spread but
 * learn overlapping directions score high on the second and low on the first.
 *
 *   npx tsx experiments/multiEmbeddingSets.ts [--seeds 1] [--sizes 4]
 */
import * as tf from '@tensorflow/tfjs';
import { scalingRuns } from '../src/analysis/scalingPlan.ts';
import { DEFAULT_MODEL_CONFIG } from '../src/contracts/modelConfig.ts';
import { createTrainer, type Trainer } from '../src/models/trainer.ts';
import { tableSpectrum } from '../src/models/tableSpectrum.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import { loadBuiltinDataset } from './builtinDataset.ts';
import { FULL } from './effectSettings.ts';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function arg(name: string, fallback: string): number[] {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : fallback).split(',').map(Number);
}

async function setIa(tr: Trainer): Promise<{ sideBySide: number; sideBySideWide: number; perSetSum: number }> {
  const fields = tr.dataset.fields;
  const tables = tr.model.embeddingTables;
  const joined = tables.length === 1 ? tf.clone(tables[0]) : tf.concat(tables, 1);
  const cat = await tableSpectrum(joined as tf.Tensor2D, fields);
  joined.dispose();
  const per: Awaited<ReturnType<typeof tableSpectrum>>[] = [];
  for (const t of tables) per.push(await tableSpectrum(t as tf.Tensor2D, fields));
  const wide = fields.map((_, i) => i).filter((i) => fields[i].cardinality > cat[0].dim);
  return {
    sideBySide: mean(cat.map((f) => f.information_abundance)),
    sideBySideWide: mean(wide.map((i) => cat[i].information_abundance)),
    perSetSum: mean(fields.map((_, i) => per.reduce((a, p) => a + p[i].information_abundance, 0))),
  };
}

await selectBackend('wasm');
const { dataset, setup } = FULL.scaling();
const { data } = loadBuiltinDataset(dataset);
const f2 = (x: number) => x.toFixed(2);
for (const seed of arg('seeds', '1')) {
  const specs = scalingRuns({
    sizes: arg('sizes', '4'),
    variants: ['single', 'multi'],
    seeds: [seed],
    model: { ...DEFAULT_MODEL_CONFIG, ...setup.model, embeddingDim: setup.baseDim, seed },
    train: { ...setup.train, seed },
  });
  for (const spec of specs) {
    const tr = createTrainer(data, spec.model, spec.train);
    try {
      const init = await setIa(tr);
      while (!tr.state.done) await tr.runSteps(50);
      if (!Number.isNaN(tr.state.bestValidAuc)) tr.restoreBest();
      const end = await setIa(tr);
      const test = await tr.evaluate('test');
      console.log(
        `seed ${seed} ${spec.variant} ${spec.size}x (${tr.model.embeddingTables.length} set(s)): test AUC ${test.auc.toFixed(4)}; side by side ${f2(init.sideBySide)} -> ${f2(end.sideBySide)} (fields wider than the table ${f2(init.sideBySideWide)} -> ${f2(end.sideBySideWide)}); sum of per-set IA ${f2(init.perSetSum)} -> ${f2(end.perSetSum)}; ${tr.state.step} steps`,
      );
    } finally {
      tr.dispose();
    }
  }
}
