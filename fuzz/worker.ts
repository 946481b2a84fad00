/**
 * A fuzz worker process: runs the inputs the parent sends, one at a time, and answers with the
 * outcome. The parent watches its time and memory and kills it when an input runs away; here
 * the input's AbortSignal fires at the time limit, so a reader that yields can still stop.
 */
import { runInput } from './runInput.ts';
import type { FuzzInput, Outcome } from './types.ts';

export interface WorkerRequest {
  id: number;
  input: FuzzInput;
  limitMs: number;
}

export interface WorkerReply {
  id: number;
  outcome: Outcome;
}

process.on('message', (request: WorkerRequest) => {
  void runInput(request.input, request.limitMs).then((outcome) => process.send!({ id: request.id, outcome } satisfies WorkerReply));
});
process.send!({ ready: true });
