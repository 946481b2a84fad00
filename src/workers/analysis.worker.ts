/// <reference lib="webworker" />
import { createAnalysisService } from './analysisService.ts';
import { helperCount, workerRangeRunner } from './parallelGram.ts';
import { exposeService } from './workerRpc.ts';

const spawnHelper = () => new Worker(new URL('./gramRange.worker.ts', import.meta.url), { type: 'module', name: 'reclens-gram' });
const cores = navigator.hardwareConcurrency ?? 1;
// As many helpers as a large table gets, started now so the first analysis does not wait for them.
const helper = workerRangeRunner(spawnHelper, helperCount(Infinity, cores));

exposeService(createAnalysisService((bytes) => Array.from({ length: helperCount(bytes, cores) }, () => helper)));
