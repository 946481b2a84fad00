/// <reference lib="webworker" />
import { createAnalysisService } from './analysisService.ts';
import { helperCount, workerRangeRunner } from './parallelGram.ts';
import { exposeService } from './workerRpc.ts';

const spawnHelper = () => new Worker(new URL('./gramRange.worker.ts', import.meta.url), { type: 'module', name: 'reclens-gram' });
const helper = workerRangeRunner(spawnHelper);

exposeService(createAnalysisService((bytes) => Array.from({ length: helperCount(bytes, navigator.hardwareConcurrency ?? 1) }, () => helper)));
