/** Makes the i-th input of a target from its seeds, deterministically from the run's seed. */
import { createRng } from '../src/data/ctr/prng.ts';
import { cutInsideLastLine, pick } from './mutators.ts';
import type { Seed } from './seeds.ts';
import type { Target } from './targets.ts';
import type { FuzzInput } from './types.ts';

/** Inputs grown past this by duplications are not sent (a reader's own size limits are not the point). */
const MAX_INPUT_BYTES = 4 << 20;
/** Share of text inputs that end cut inside their last line. */
const CUT_RATE = 0.08;

/** A 32-bit hash of the run seed, the target and the index: each input can be remade on its own. */
export function inputSeed(runSeed: number, target: string, index: number): number {
  let h = 0x811c9dc5 ^ runSeed;
  for (const ch of `${target}#${index}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return h >>> 0;
}

/** Input `index` of a target: the seeds themselves first, then mutants of them. */
export function generateInput(target: Target, seeds: Seed[], runSeed: number, index: number): FuzzInput {
  const rng = createRng(inputSeed(runSeed, target.name, index));
  if (index < seeds.length) {
    const s = seeds[index];
    return { target: target.name, name: s.name, bytes: s.bytes, variant: target.variants[index % target.variants.length], mutations: ['seed'] };
  }
  const seed = pick(rng, seeds);
  const ctx = { seeds: seeds.map((s) => s.bytes) };
  let bytes = seed.bytes;
  const mutations: string[] = [];
  const count = rng.next() < 0.6 ? 1 : 2 + rng.int(3);
  for (let k = 0; k < count; k++) {
    const mutator = pick(rng, target.mutators);
    let out: Uint8Array | null;
    try {
      out = mutator.apply(bytes, rng, ctx);
    } catch {
      out = null; // a structure-aware mutator meeting bytes too odd to take apart (e.g. JSON nested too deep to serialise)
    }
    if (out && out.length <= MAX_INPUT_BYTES) {
      bytes = out;
      mutations.push(mutator.name);
      if (mutator.last) break;
    }
  }
  let mustReject: string | undefined;
  if (target.text && rng.next() < CUT_RATE) {
    const cut = cutInsideLastLine(bytes, rng, target.text.separators);
    if (cut) {
      bytes = cut;
      mutations.push('cut-inside-last-line');
      mustReject = 'the file was cut inside its last line';
    }
  }
  if (mutations.length === 0) mutations.push('none applied');
  return { target: target.name, name: seed.name, bytes, variant: pick(rng, target.variants), mutations, ...(mustReject ? { mustReject } : {}) };
}
