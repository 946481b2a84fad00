/**
 * Records the five phenomena at full size over five seeds and writes the run record the lessons
 * show as "recorded" (src/lessons/recordedEffects.json): per effect the per-seed sizes, mean ± sd
 * and seeds agreeing; the scaling queue's mean AUC and IA per size. Summary numbers only.
 *   npm run experiments:record [-- --seeds 1,2,3,4,5] [--only collapse,scaling]
 * --only re-measures those phenomena and keeps the others' recorded entries; --table measures
 * nothing and prints the shipped record as the markdown tables of experiments/README.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import type { RecordedEffects } from '../src/lessons/recordedEffects.ts';
import { selectBackend } from '../test/support/testBackend.ts';
import { measureEffects, PHENOMENA, type Phenomenon } from './effectRecord.ts';
import { FULL } from './effectSettings.ts';

const FILE = fileURLToPath(new URL('../src/lessons/recordedEffects.json', import.meta.url));
const PREFIX: Record<Phenomenon, string> = {
  collapse: 'collapse-',
  interaction: 'interaction-',
  scaling: 'multi-',
  dominance: 'dominance-',
  entanglement: 'stem-',
  sequence: 'seq-',
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const signed = (x: number, digits = 3) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;

/** The record as markdown: one row per effect, then the scaling queue's means per size. */
function markdownTables(r: RecordedEffects): string {
  const lines = [
    '| effect | dataset, settings | paper expects | effect (mean ± sd) | seeds agreeing | holds |',
    '| --- | --- | --- | --- | --- | --- |',
    ...r.effects.map((e) => {
      const expects = `${e.direction > 0 ? '>' : '<'} ${e.threshold}`;
      const value = e.threshold === 0 ? `${signed(e.mean)} ± ${e.sd.toFixed(3)}` : `${e.mean.toFixed(3)} ± ${e.sd.toFixed(3)}`;
      return `| ${e.name} | ${e.dataset}, ${e.setting} | ${expects} | ${value} | ${e.agree}/${e.seeds.length} | ${e.holds ? 'yes' : '**no**'} |`;
    }),
    '',
    `Scaling queue (${r.scaling.dataset}, Bayes test AUC ${r.scaling.bayesTestAuc}), mean ± sd over seeds:`,
    '',
    '| variant | size | test AUC | mean IA |',
    '| --- | --- | --- | --- |',
    ...r.scaling.points.map(
      (p) => `| ${p.variant} | ${p.size}x | ${p.testAuc.toFixed(4)} ± ${p.testAucSd.toFixed(4)} | ${p.meanIa.toFixed(2)} ± ${p.meanIaSd.toFixed(2)} |`,
    ),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  if (process.argv.includes('--table')) {
    console.log(markdownTables(JSON.parse(readFileSync(FILE, 'utf8')) as RecordedEffects));
    return;
  }
  await selectBackend('wasm');
  const seeds = arg('seeds', '1,2,3,4,5').split(',').map(Number);
  const only = arg('only', '');
  const which = only ? (only.split(',') as Phenomenon[]) : PHENOMENA;
  const measured = await measureEffects(FULL, seeds, which, (line) => console.log(line));
  const old = JSON.parse(readFileSync(FILE, 'utf8')) as RecordedEffects;
  const kept = only ? old.effects.filter((e) => !which.some((p) => e.id.startsWith(PREFIX[p]))) : [];
  const record: RecordedEffects = {
    command: 'npm run experiments:record',
    date: new Date().toISOString(),
    backend: 'tfjs wasm (Node, one thread)',
    effects: [...kept, ...measured.effects],
    scaling: measured.scaling ?? old.scaling,
  };
  const json = JSON.stringify(record, (_, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(5)) : v));
  // Written as `npm run format` would write it, so the format check stays green.
  writeFileSync(FILE, await format(json, { parser: 'json', filepath: FILE }));
  for (const e of measured.effects)
    console.log(`${e.id}: ${e.mean.toFixed(4)} ± ${e.sd.toFixed(4)}, ${e.agree}/${e.values.length} seeds, ${e.holds ? 'holds' : 'does not hold'}`);
  console.log(`wrote ${FILE}`);
}

await main();
