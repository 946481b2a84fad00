/** Runs one input in the current process and classifies what happened (the worker's core). */
import { isAbortError } from '../src/data/abort.ts';
import { classifyError, stackTop } from './classify.ts';
import { targetByName } from './targets.ts';
import type { FuzzInput, Outcome } from './types.ts';

/** The input's AbortSignal fires at `limitMs`; a result after it counts as a hang. */
export async function runInput(input: FuzzInput, limitMs: number): Promise<Outcome> {
  const target = targetByName(input.target);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limitMs);
  const start = performance.now();
  let outcome: Omit<Outcome, 'ms'>;
  try {
    const problems = await target.run(input, controller.signal);
    if (input.mustReject) problems.unshift(`accepted although ${input.mustReject}`);
    outcome = problems.length > 0 ? { kind: 'silent', detail: problems.slice(0, 3).join('; ') } : { kind: 'ok', detail: '' };
  } catch (error) {
    if (isAbortError(error)) outcome = { kind: 'hang', detail: `over the ${limitMs} ms limit, then stopped by its cancel signal` };
    else outcome = { ...classifyError(error, target.isRejection), where: stackTop(error) };
  } finally {
    clearTimeout(timer);
  }
  const ms = performance.now() - start;
  if (ms > limitMs && outcome.kind !== 'hang')
    outcome = { kind: 'hang', detail: `took ${Math.round(ms)} ms (limit ${limitMs} ms); the cancel signal did not stop it` };
  return { ...outcome, ms };
}
