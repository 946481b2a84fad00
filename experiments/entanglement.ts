/**
 * The conflict-pair measure on the synthetic multi-task problem: trains single-task baselines,
 * shared-bottom, MMoE, PLE and STEM-Net on the same data and prints, per model, the share of
 * conflict pairs it separates (far for click, near for like) and test AUC per task, plus the
 * mean gradient entanglement on the shared embedding over the last steps.
 *   npm run experiment:entanglement -- [epochs=3] [seed=1] [rho=-0.5]
 */
import { generateSyntheticMtl } from '../src/data/mtl/syntheticMtl.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import { measureConflictPairs } from '../src/models/multitask/conflictPairs.ts';
import { createMultiTaskTrainer, type MultiTaskTrainer } from '../src/models/multitask/multiTaskTrainer.ts';
import { DEFAULT_MULTI_TASK_CONFIG } from '../src/models/multitask/types.ts';
import { type MultiTaskKind } from '../src/contracts/multitaskConfig.ts';

async function main(): Promise<void> {
  const [epochs = '3', seedArg = '1', rho = '-0.5'] = process.argv.slice(2);
  const seed = Number(seedArg);
  await selectBackend('wasm');
  const data = generateSyntheticMtl({ seed, rows: 20_000, taskCorrelation: Number(rho) });
  const batchSize = 256;
  const steps = Math.floor(data.train.rows / batchSize) * Number(epochs);
  const trained = new Map<MultiTaskKind, MultiTaskTrainer>();
  for (const kind of ['single', 'shared-bottom', 'mmoe', 'ple', 'stem'] as const) {
    const trainer = createMultiTaskTrainer(data, { ...DEFAULT_MULTI_TASK_CONFIG, kind, seed }, { optimizer: 'adam', lr: 3e-3, batchSize, seed });
    const entanglement: number[] = [];
    for (let i = 0; i < steps; i++) {
      trainer.step();
      if (i >= steps - 20) {
        const fields = trainer.gradientEntanglement();
        if (fields.length > 0) entanglement.push(fields[0].cosine, fields[1].cosine);
      }
    }
    const auc = trainer
      .evaluate(data.test)
      .map((m) => `${m.task} ${m.auc.toFixed(3)}`)
      .join(', ');
    const ent = entanglement.length
      ? ` | grad cos(click, like) on user/item rows, last 20 steps: ${(entanglement.reduce((a, b) => a + b, 0) / entanglement.length).toFixed(3)}`
      : '';
    console.log(`${kind}: test AUC ${auc}${ent}`);
    trained.set(kind, trainer);
  }
  const measure = measureConflictPairs(
    data,
    trained.get('single')!.model,
    (['shared-bottom', 'mmoe', 'ple', 'stem'] as const).map((k) => ({ name: k, model: trained.get(k)!.model })),
  );
  console.log(`${measure.pairs.users.length} frequent test pairs, ${measure.conflictCount} conflict pairs`);
  for (const m of measure.models) console.log(`${m.name} (${m.tables.join(' / ')}): separated ${(100 * m.separated).toFixed(1)} % of conflict pairs`);
  for (const t of trained.values()) t.dispose();
}

if (process.argv[1]?.endsWith('entanglement.ts')) await main();
