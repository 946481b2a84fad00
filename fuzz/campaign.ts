/**
 * A fuzz campaign: inputs generated round-robin over the targets, run in the worker pool until
 * the input count or the time is reached, outcomes counted per target, and failures kept one
 * per distinct bug (the smallest input that shows it).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { failureKey } from './classify.ts';
import { generateInput } from './generate.ts';
import { WorkerPool, type Limits } from './pool.ts';
import type { Seed } from './seeds.ts';
import type { Target } from './targets.ts';
import { FAILURE_KINDS, type FuzzInput, type Outcome, type OutcomeKind } from './types.ts';

export interface CampaignOptions {
  targets: Target[];
  /** Stop after this many inputs in all (at least the seeds of every target run). */
  inputs?: number;
  /** Stop starting inputs after this many seconds. */
  seconds?: number;
  seed: number;
  workers: number;
  limits: Limits;
  /** Called after every input. */
  onOutcome?(input: FuzzInput, outcome: Outcome): void;
}

export type TargetStats = Record<OutcomeKind, number> & { inputs: number; ms: number };

export interface Finding {
  key: string;
  kind: OutcomeKind;
  detail: string;
  where?: string;
  /** Inputs that showed it. */
  count: number;
  /** The smallest of them. */
  input: FuzzInput;
}

export interface CampaignResult {
  stats: Map<string, TargetStats>;
  findings: Finding[];
  /** Seeds that were not accepted as they are: the fuzzer would not be testing what it claims. */
  seedProblems: string[];
  seconds: number;
}

const emptyStats = (): TargetStats => ({ inputs: 0, ms: 0, ok: 0, rejected: 0, crash: 0, hang: 0, memory: 0, silent: 0 });

export async function runCampaign(opts: CampaignOptions): Promise<CampaignResult> {
  const start = performance.now();
  const pool = new WorkerPool(opts.workers, opts.limits);
  const stats = new Map(opts.targets.map((t) => [t.name, emptyStats()]));
  const seeds = new Map<string, Seed[]>(opts.targets.map((t) => [t.name, t.seeds()]));
  const findings = new Map<string, Finding>();
  const seedProblems: string[] = [];
  const minimum = opts.targets.reduce((n, t) => n + seeds.get(t.name)!.length, 0);
  const limit = Math.max(opts.inputs ?? Infinity, minimum);
  let started = 0;
  // Every seed as it is first, then mutants round-robin over the targets.
  function* order(): Generator<[Target, number]> {
    for (const t of opts.targets) for (let i = 0; i < seeds.get(t.name)!.length; i++) yield [t, i];
    for (let round = 0; ; round++) for (const t of opts.targets) yield [t, seeds.get(t.name)!.length + round];
  }
  const schedule = order();

  const more = () => started < limit && (opts.seconds === undefined || (performance.now() - start) / 1000 < opts.seconds || started < minimum);
  const lane = async () => {
    while (more()) {
      started++;
      const [target, index] = schedule.next().value as [Target, number];
      const input = generateInput(target, seeds.get(target.name)!, opts.seed, index);
      const outcome = await pool.run(input);
      const s = stats.get(target.name)!;
      s.inputs++;
      s.ms += outcome.ms;
      s[outcome.kind]++;
      if (index < seeds.get(target.name)!.length && outcome.kind !== 'ok')
        seedProblems.push(`${target.name} seed ${input.name}: ${outcome.kind}: ${outcome.detail}`);
      if (FAILURE_KINDS.includes(outcome.kind)) {
        const key = failureKey(target.name, outcome.kind, outcome.detail, outcome.where, input.mutations);
        const known = findings.get(key);
        if (!known) findings.set(key, { key, kind: outcome.kind, detail: outcome.detail, where: outcome.where, count: 1, input });
        else {
          known.count++;
          if (input.bytes.length < known.input.bytes.length) Object.assign(known, { input, detail: outcome.detail });
        }
      }
      opts.onOutcome?.(input, outcome);
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.workers }, lane));
  } finally {
    pool.close();
  }
  return { stats, findings: [...findings.values()], seedProblems, seconds: (performance.now() - start) / 1000 };
}

function hash8(text: string): string {
  let h = 0x811c9dc5;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The file a finding's input is saved as: its kind, a hash of its key, and the input's own name (which steers detection). */
export function findingFileName(f: Finding): string {
  const safeName = f.input.name.replace(/[^\w.-]/g, '_');
  return `${f.input.target.replace(/[^\w]/g, '-')}-${f.kind}-${hash8(f.key)}.${safeName}`;
}

/** Replaces the saved findings in `dir` (its README stays): each input, and beside it a one-line description. */
export function saveFindings(dir: string, findings: Finding[]): string[] {
  mkdirSync(dir, { recursive: true });
  for (const old of readdirSync(dir)) if (old !== 'README.md') rmSync(join(dir, old), { force: true });
  return findings.map((f) => {
    const file = findingFileName(f);
    writeFileSync(join(dir, file), f.input.bytes);
    const replay = `npx tsx fuzz/run.ts --replay ${join(dir, file)} --target ${f.input.target} --variant ${f.input.variant}${f.input.mustReject ? ' --must-reject' : ''}`;
    const line = `${f.kind} in ${f.input.target}: ${f.detail}${f.where ? ` at ${f.where}` : ''} | ${f.count} input(s); this one ${f.input.bytes.length} bytes, ${f.input.name}, variant ${f.input.variant}, mutations ${f.input.mutations.join(' + ')} | replay: ${replay}`;
    writeFileSync(join(dir, `${file}.txt`), line + '\n');
    return file;
  });
}
