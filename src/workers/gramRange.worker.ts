/// <reference lib="webworker" />
import { rowRangeGram } from '../engine/rowRangeGram.ts';
import { toSerializedError } from './analysisErrors.ts';
import type { GramRangeReply, GramRangeRequest } from './gramRangeProtocol.ts';

/** One row range of a parallel Gram: reads its own slice of the File and posts back the sums. */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const reply = (msg: GramRangeReply) => scope.postMessage(msg);
scope.onmessage = async (ev: MessageEvent<GramRangeRequest>) => {
  try {
    const state = await rowRangeGram(ev.data.blob, ev.data.job, undefined, (rowsDone) => reply({ type: 'rows', rowsDone }));
    reply({ type: 'done', state });
  } catch (err) {
    reply({ type: 'error', error: toSerializedError(err) });
  }
};
