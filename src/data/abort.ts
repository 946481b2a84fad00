/** Throws the standard cancellation error when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DOMException('Cancelled', 'AbortError');
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** Steps (opcodes, nodes) between looks at the clock; a look every 4096 costs nothing measurable. */
const STEPS_PER_CLOCK_CHECK = 4096;
/** Longest stretch of synchronous work before the event loop gets a turn. */
const YIELD_EVERY_MS = 25;

/**
 * Paces a long synchronous loop: called every step, it returns a promise once YIELD_EVERY_MS of
 * work has passed, which gives the event loop a turn (a macrotask, so a cancel message queued in
 * the worker runs) and rejects with an AbortError once `signal` has fired; otherwise null.
 */
export function eventLoopPacer(signal: AbortSignal | undefined): (step: number) => Promise<void> | null {
  throwIfAborted(signal);
  let last = performance.now();
  return (step) => {
    if (step % STEPS_PER_CLOCK_CHECK !== 0 || performance.now() - last < YIELD_EVERY_MS) return null;
    return new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => {
      throwIfAborted(signal);
      last = performance.now();
    });
  };
}
