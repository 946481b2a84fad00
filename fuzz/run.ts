/**
 * The fuzz test: `npx tsx fuzz/run.ts [--inputs N] [--seconds S] [--seed N] [--target a,b]
 * [--workers N] [--time-limit MS] [--memory-limit MB]` runs a campaign, prints a table per target
 * and the distinct failures, saves each failing input under fuzz/findings/, and exits 1 when any
 * input crashed, hung, blew up memory or was silently accepted wrong.
 * `--replay FILE --target T [--variant V] [--must-reject]` runs one saved input and prints its outcome.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runCampaign, saveFindings, type CampaignResult } from './campaign.ts';
import { WorkerPool, type Limits } from './pool.ts';
import { TARGETS, targetByName } from './targets.ts';
import { FAILURE_KINDS, type OutcomeKind } from './types.ts';

const FINDINGS_DIR = fileURLToPath(new URL('./findings', import.meta.url));

const { values } = parseArgs({
  options: {
    inputs: { type: 'string' },
    seconds: { type: 'string' },
    seed: { type: 'string', default: '1' },
    target: { type: 'string' },
    workers: { type: 'string', default: '2' },
    'time-limit': { type: 'string', default: '5000' },
    'memory-limit': { type: 'string', default: '512' },
    replay: { type: 'string' },
    variant: { type: 'string' },
    'must-reject': { type: 'boolean', default: false },
  },
});

function count(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${text}"`);
  return n;
}

const limits: Limits = { timeMs: count('time-limit', values['time-limit'])!, graceMs: 2000, memoryMB: count('memory-limit', values['memory-limit'])! };

if (values.replay) {
  const target = targetByName(values.target ?? '');
  const file = values.replay;
  // Saved as <target>-<kind>-<hash>.<original name>: the original name steers format detection.
  const name = basename(file).replace(/^[\w-]+?-(crash|hang|memory|silent)-[0-9a-f]{8}\./, '');
  const pool = new WorkerPool(1, limits);
  const outcome = await pool.run({
    target: target.name,
    name,
    bytes: new Uint8Array(readFileSync(file)),
    variant: values.variant ?? target.variants[0],
    mutations: ['replay'],
    ...(values['must-reject'] ? { mustReject: 'the file was cut inside its last line' } : {}),
  });
  pool.close();
  console.log(`${outcome.kind}: ${outcome.detail}${outcome.where ? ` at ${outcome.where}` : ''} (${Math.round(outcome.ms)} ms, +${outcome.peakMB} MB)`);
  process.exit(FAILURE_KINDS.includes(outcome.kind) ? 1 : 0);
}

const wanted = values.target?.split(',').map((s) => s.trim());
const targets = wanted ? TARGETS.filter((t) => wanted.some((w) => t.name === w || t.name.startsWith(w))) : TARGETS;
if (targets.length === 0) throw new Error(`no target matches ${values.target} (targets: ${TARGETS.map((t) => t.name).join(', ')})`);
const inputs = count('inputs', values.inputs);
const seconds = count('seconds', values.seconds);
const seed = Number(values.seed);
const workers = count('workers', values.workers)!;

console.log(
  `fuzz: ${targets.length} targets, ${inputs ? `${inputs} inputs` : ''}${inputs && seconds ? ', at most ' : ''}${seconds ? `${seconds} s` : ''}, seed ${seed}, ${workers} workers, ${limits.timeMs} ms and ${limits.memoryMB} MB per input`,
);
let lastReport = performance.now();
let done = 0;
const result = await runCampaign({
  targets,
  inputs,
  seconds,
  seed,
  workers,
  limits,
  onOutcome() {
    done++;
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      console.log(`  ${done} inputs…`);
    }
  },
});
const files = saveFindings(FINDINGS_DIR, result.findings);
console.log(report(result, files));
process.exit(result.findings.length > 0 || result.seedProblems.length > 0 ? 1 : 0);

function report({ stats, findings, seedProblems, seconds }: CampaignResult, files: string[]): string {
  const kinds: OutcomeKind[] = ['ok', 'rejected', 'crash', 'hang', 'memory', 'silent'];
  const head = ['target', 'inputs', ...kinds, 'ms/input'];
  const rows = [...stats].map(([name, s]) => [name, String(s.inputs), ...kinds.map((k) => String(s[k])), s.inputs ? (s.ms / s.inputs).toFixed(1) : '-']);
  const total = [...stats.values()].reduce((n, s) => n + s.inputs, 0);
  rows.push(['all', String(total), ...kinds.map((k) => String([...stats.values()].reduce((n, s) => n + s[k], 0))), '']);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(head), ...rows.map(line), `${total} inputs in ${seconds.toFixed(0)} s (${(total / seconds).toFixed(1)} inputs/s)`];
  for (const p of seedProblems) out.push(`seed not accepted (fix the seed or the reader): ${p}`);
  if (findings.length === 0) out.push('no crash, hang, memory blow-up or silent wrong result');
  else {
    out.push(`${findings.length} distinct failures (inputs saved in fuzz/findings/):`);
    findings.forEach((f, i) => out.push(`  ${f.kind.padEnd(6)} ${f.input.target}: ${f.detail}${f.where ? ` at ${f.where}` : ''} (x${f.count}) -> ${files[i]}`));
  }
  return out.join('\n');
}
