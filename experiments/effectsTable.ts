/**
 * Measures one or all of the five phenomena over seeds and prints a table per phenomenon: each
 * seed's numbers, then the effect size as mean ± sd and the seeds that point the paper's way.
 *   npm run experiments:effects -- [--effect collapse|interaction|scaling|dominance|entanglement|all] [--seeds 1,2,3,4,5] [--setting live|full] [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { selectBackend } from '../test/support/testBackend.ts';
import { loadBuiltinDataset } from './builtinDataset.ts';
import { measureCollapse, measureDominance, measureEntanglement, measureInteraction, measureScaling } from './effects.ts';
import { FULL, LIVE } from './effectSettings.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const f3 = (x: number) => x.toFixed(3);

async function main(): Promise<void> {
  await selectBackend('wasm');
  const which = arg('effect', 'all');
  const seeds = arg('seeds', '1,2,3,4,5').split(',').map(Number);
  const settings = arg('setting', 'live') === 'full' ? FULL : LIVE;
  const out: Record<string, unknown[]> = {};
  const run = (name: string) => which === 'all' || which === name;
  if (run('collapse')) {
    const { dataset, setup } = settings.collapse();
    const { data } = loadBuiltinDataset(dataset);
    out.collapse = [];
    for (const seed of seeds) {
      const r = await measureCollapse(data, setup, seed);
      out.collapse.push(r);
      console.log(
        `collapse ${dataset} ${setup.model.kind} seed ${seed}: ${r.steps} steps, test AUC ${f3(r.testAuc)}, mean IA/K init ${f3(r.fields.reduce((a, f) => a + f.init, 0) / r.fields.length)}, trained minus init ${f3(r.effect)}, largest vs smallest field ${f3(r.largeVsSmall)}; below 0.25: ${r.collapsedInit} -> ${r.collapsedTrained} (${r.seconds.toFixed(0)} s)`,
      );
      console.log(`   ${r.fields.map((f) => `${f.name}(${f.rows}) ${f3(f.init)}->${f3(f.trained)}`).join(', ')}`);
    }
  }
  if (run('interaction')) {
    const { dataset, setup } = settings.interaction();
    const { data } = loadBuiltinDataset(dataset);
    out.interaction = [];
    for (const seed of seeds) {
      const r = await measureInteraction(data, setup, seed);
      out.interaction.push(r);
      console.log(
        `interaction ${dataset} seed ${seed}: ${r.field} partners ${r.partners.join(',')}: IA with ${f3(r.withField)} without ${f3(r.withoutField)} effect ${f3(r.effect)}; seen by field ${f3(r.seenByField)} by others ${f3(r.seenByOthers)}, other planted pairs ${f3(r.seenByOtherPlanted)} (${r.seconds.toFixed(0)} s)`,
      );
    }
  }
  if (run('scaling')) {
    const { dataset, setup } = settings.scaling();
    const { data } = loadBuiltinDataset(dataset);
    out.scaling = [];
    for (const seed of seeds) {
      const r = await measureScaling(data, setup, seed);
      out.scaling.push(r);
      console.log(
        `scaling ${dataset} seed ${seed}: ${r.points.map((p) => `${p.variant} ${p.size}x AUC ${f3(p.testAuc)} IA ${p.meanIa.toFixed(2)}`).join('; ')} (${r.seconds.toFixed(0)} s)`,
      );
    }
  }
  if (run('dominance')) {
    const { dataset, setup } = settings.dominance();
    const { data } = loadBuiltinDataset(dataset);
    out.dominance = [];
    for (const seed of seeds) {
      const r = measureDominance(data, setup, seed);
      out.dominance.push(r);
      console.log(
        `dominance ${dataset} ${setup.kind} ${setup.steps} steps seed ${seed}: ${r.layers.map((l) => `${l.layer} adam [${l.adam.map(f3)}] alt [${l.alt.map(f3)}]`).join(', ')}; ${r.dominated} AUC adam ${f3(r.dominatedAuc.adam)} alt ${f3(r.dominatedAuc.alt)}; AUCs adam ${r.aucs.adam.map(f3)} alt ${r.aucs.alt.map(f3)} (${r.seconds.toFixed(0)} s)`,
      );
    }
  }
  if (run('entanglement')) {
    const { dataset, setup, conflictSteps } = settings.entanglement();
    const { data } = loadBuiltinDataset(dataset);
    out.entanglement = [];
    for (const seed of seeds) {
      const r = measureEntanglement(data, { ...setup, steps: conflictSteps }, seed);
      out.entanglement.push(r);
      console.log(
        `entanglement ${dataset} ${conflictSteps} steps seed ${seed}: ${r.conflictPairs}/${r.pairs} conflict pairs; separated ${Object.entries(r.separated)
          .map(([k, v]) => `${k} ${f3(v)}`)
          .join(', ')}; effect ${f3(r.effect)} (${r.seconds.toFixed(0)} s)`,
      );
    }
  }
  const json = arg('json', '');
  if (json) writeFileSync(json, JSON.stringify(out, null, 1));
}

await main();
