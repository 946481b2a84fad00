/**
 * Issue 12's benchmark: per built-in dataset and default model, test AUC against the Bayes AUC
 * and the time it took; per phenomenon, seeds agreeing / seeds run and the effect size ± its seed
 * spread; each lesson's live part against its 60 s budget. Prints one CheckRow per line and exits
 * 1 when any stated target is missed.
 *   npm run experiments:check [-- --quick] [--skip datasets|effects]
 * --quick: the datasets' quick check (seed 1, lesson/demo sets), 3 seeds per phenomenon and the
 * lesson's live scaling queue instead of 1x/4x/10x. --skip leaves one half out.
 */
import { selectBackend } from '../test/support/testBackend.ts';
import type { CheckRow } from './checkRow.ts';
import { formatEffect } from './effectStats.ts';
import { measureEffects, type Phenomenon } from './effectRecord.ts';
import { FULL, LIVE } from './effectSettings.ts';
import { learnableRows } from './learnable.ts';

const LESSON_OF: Partial<Record<Phenomenon, string>> = { collapse: 'lesson 2', dominance: 'lesson 4', entanglement: 'lesson 5 (conflict measure)' };
const LIVE_BUDGET_S = 60;

function print(row: CheckRow): void {
  console.log(`${row.pass ? 'PASS' : 'FAIL'}  ${row.name}: ${row.measured}  (target ${row.target})`);
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  await selectBackend('wasm');
  const rows: CheckRow[] = [];
  const seeds = quick ? [1, 2, 3] : [1, 2, 3, 4, 5];
  const start = performance.now();
  const skip = process.argv.includes('--skip') ? process.argv[process.argv.indexOf('--skip') + 1] : '';
  const log = (line: string) => console.log(`  ${line}`);

  if (skip !== 'datasets') {
    console.log('Built-in datasets: default model vs Bayes AUC, and time (experiments/learnable.ts)');
    for (const row of await learnableRows({ quick, log })) {
      rows.push(row);
      print(row);
    }
  }
  if (skip === 'effects') return finish(rows, start);

  console.log(`Phenomena (${seeds.length} seeds each; tfjs wasm, one thread)`);
  const measured = await measureEffects({ ...FULL, scaling: quick ? LIVE.scaling : FULL.scaling }, seeds, undefined, log);
  for (const e of measured.effects) {
    const target = `${e.direction > 0 ? '>' : '<'} ${e.threshold} in >= ${Math.ceil(0.8 * e.seeds.length)}/${e.seeds.length} seeds, margin > sd`;
    const row = { name: `${e.id} · ${e.name} (${e.dataset})`, measured: formatEffect({ ...e, seeds: e.seeds.length }, 3, e.threshold), target, pass: e.holds };
    rows.push(row);
    print(row);
  }
  for (const t of measured.timings) {
    const lesson = LESSON_OF[t.phenomenon] ?? (t.phenomenon === 'scaling' && quick ? 'lesson 3 (scaling queue)' : null);
    if (!lesson) continue;
    const row = {
      name: `${lesson} live part, seed 1`,
      measured: `${t.firstSeedSeconds.toFixed(0)} s`,
      target: `< ${LIVE_BUDGET_S} s`,
      pass: t.firstSeedSeconds < LIVE_BUDGET_S,
    };
    rows.push(row);
    print(row);
  }

  finish(rows, start);
}

function finish(rows: CheckRow[], start: number): void {
  const failed = rows.filter((r) => !r.pass);
  console.log(`\n${rows.length - failed.length}/${rows.length} targets met in ${((performance.now() - start) / 1000).toFixed(0)} s`);
  process.exit(failed.length > 0 ? 1 : 0);
}

await main();
