/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { createAnalysisService } from './analysisService.ts';
import { helperCount, workerRangeRunner } from './parallelGram.ts';

const spawnHelper = () => new Worker(new URL('./gramRange.worker.ts', import.meta.url), { type: 'module', name: 'reclens-gram' });
const helper = workerRangeRunner(spawnHelper);

const service = createAnalysisService((bytes) => Array.from({ length: helperCount(bytes, navigator.hardwareConcurrency ?? 1) }, () => helper));

Comlink.expose({
  ...service,
  // The progress callback arrives as a Comlink proxy; release its port when the job ends.
  async analyze(...args: Parameters<typeof service.analyze>) {
    try {
      return await service.analyze(...args);
    } finally {
      (args[2] as unknown as Comlink.Remote<unknown>)[Comlink.releaseProxy]();
    }
  },
});
