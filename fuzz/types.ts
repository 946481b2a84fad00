/** Shared shapes of the fuzzer: an input, what a target did with it, and how that is classified. */

/** One fuzz input: the bytes of a file (or a link's text) and how they were made. */
export interface FuzzInput {
  /** Target that runs it. */
  target: string;
  /** File name handed to the reader (its extension steers format detection). */
  name: string;
  bytes: Uint8Array;
  /** A target-specific choice, e.g. the CLI's --mode. */
  variant: string;
  /** The mutations applied to the seed, in order, for the finding's description. */
  mutations: string[];
  /** Set when the input must be rejected whatever else holds, e.g. a text cut inside its last line. */
  mustReject?: string;
}

export type OutcomeKind = 'ok' | 'rejected' | 'crash' | 'hang' | 'memory' | 'silent';

export const FAILURE_KINDS: readonly OutcomeKind[] = ['crash', 'hang', 'memory', 'silent'];

export interface Outcome {
  kind: OutcomeKind;
  /** One line: the error or broken invariant. */
  detail: string;
  /** Top stack frame inside the repository, for telling failures apart. */
  where?: string;
  /** Wall-clock milliseconds the input took. */
  ms: number;
  /** Peak resident memory over the worker's level before the input, in MB (parent-measured). */
  peakMB?: number;
}

/** What a target's run returns when it accepted the input: the invariant violations, if any. */
export interface Accepted {
  problems: string[];
}
