import type { SerializedImportError } from '../contracts/errors.ts';
import type { GramState } from '../analysis/gramAccumulator.ts';
import type { RowRangeJob } from '../engine/rowRangeGram.ts';

/** The analysis worker -> gram range helper: sum these rows of this File (a handle, not its bytes). */
export interface GramRangeRequest {
  blob: Blob;
  job: RowRangeJob;
}

export type GramRangeReply = { type: 'rows'; rowsDone: number } | { type: 'done'; state: GramState } | { type: 'error'; error: SerializedImportError };
