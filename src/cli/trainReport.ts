/** What `reclens train` prints: the --json document (the stable schema) or the human report. */
import type { TrainRun } from './trainRun.ts';

/** The --json schema; README documents it. */
export interface TrainResultJson {
  dataset: string;
  model: string;
  backend: string;
  threads: number | null;
  epochs: number;
  steps: number;
  seconds: number;
  samples_per_s: number;
  stopped: 'epochs' | 'early-stop';
  valid_auc: number;
  test_auc: number;
  test_logloss: number;
  bayes_auc: number | null;
  fields: { name: string; information_abundance: number }[];
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

export function trainResultJson(run: TrainRun): TrainResultJson {
  return {
    dataset: run.dataset,
    model: run.model.kind,
    backend: run.backend,
    threads: run.threads,
    epochs: run.epochs,
    steps: run.steps,
    seconds: round(run.seconds, 3),
    samples_per_s: round(run.samplesPerSecond, 1),
    stopped: run.stoppedEarly ? 'early-stop' : 'epochs',
    valid_auc: round(run.validAuc, 6),
    test_auc: round(run.testAuc, 6),
    test_logloss: round(run.testLogloss, 6),
    bayes_auc: run.bayesAuc,
    fields: run.fields.map((f) => ({ name: f.name, information_abundance: round(f.information_abundance, 6) })),
  };
}

/** Within this of the Bayes AUC a run has learned what the data holds (issue 12's target). */
export const NEAR_BAYES = 0.02;

/** Why the run ended, with the numbers that decided it. */
export function stopReason(run: TrainRun): string {
  const t = run.train;
  const at = `step ${run.steps} (epoch ${run.epochs} of ${t.epochs})`;
  if (!run.stoppedEarly) return `ran all ${t.epochs} epochs: ${run.steps} steps of ${run.stepsPerEpoch} per epoch`;
  const cadence = t.evalEvery > 0 ? `every ${t.evalEvery} steps` : 'every epoch';
  return `early stop at ${at}: validation AUC (checked ${cadence}) did not improve for ${t.earlyStopPatience} validation${t.earlyStopPatience === 1 ? '' : 's'}; best at step ${run.bestStep}`;
}

/** What the test AUC means next to the Bayes AUC and chance. */
export function interpretation(run: TrainRun): string {
  const { testAuc, bayesAuc } = run;
  if (Number.isNaN(testAuc)) return 'no test AUC: the test split has one class only, or no validation ran.';
  if (testAuc < 0.55)
    return `test AUC ${testAuc.toFixed(4)} is at or near chance (0.5): the run did not learn; train longer, raise the learning rate, or check the data.`;
  if (bayesAuc === null) return 'the best AUC this data allows is unknown (not synthetic): compare runs on the same split and seed.';
  const gap = bayesAuc - testAuc;
  if (gap <= NEAR_BAYES) return `within ${NEAR_BAYES} of the Bayes AUC ${bayesAuc.toFixed(4)} (gap ${gap.toFixed(4)}): the model learned what the data holds.`;
  const why = run.stoppedEarly
    ? 'validation stopped improving early; try a lower learning rate or more patience'
    : 'training ended while it may still improve; try more epochs or a higher learning rate';
  return `${gap.toFixed(4)} below the Bayes AUC ${bayesAuc.toFixed(4)}: under-trained or under-fitted (${why}).`;
}

export function formatTrainReport(run: TrainRun): string {
  const m = run.model;
  const t = run.train;
  const r = run.summary.rows;
  const n = (x: number) => x.toLocaleString('en-US');
  const fields = [...run.fields];
  const nameWidth = Math.max(5, ...fields.map((f) => f.name.length));
  const cards = new Map(run.summary.fields.map((f) => [f.name, f.cardinality]));
  const header = `${'field'.padEnd(nameWidth)}  ${'values'.padStart(8)}  ${'IA'.padStart(7)}  ${'IA/K'.padStart(6)}`;
  const rows = fields.map(
    (f) =>
      `${f.name.padEnd(nameWidth)}  ${n(cards.get(f.name) ?? f.rows).padStart(8)}  ${f.information_abundance.toFixed(3).padStart(7)}  ${(f.information_abundance / f.dim).toFixed(3).padStart(6)}`,
  );
  const lines = [
    `reclens train: ${m.kind} on ${run.dataset} (tfjs ${run.backend}${run.threads ? ` · ${run.threads} thread${run.threads > 1 ? 's' : ''}` : ''})`,
    `data: ${n(r.train)} train / ${n(r.valid)} valid / ${n(r.test)} test rows, ${run.summary.fields.length} fields`,
    `model: dim ${m.embeddingDim} x ${m.embeddingSets} set${m.embeddingSets === 1 ? '' : 's'}, mlp ${m.mlp.join('-')}, dropout ${m.dropout}` +
      (m.kind === 'dcnv2' ? `, ${m.crossLayers} cross layers` : '') +
      `, ${n(run.parameters)} parameters, seed ${m.seed}`,
    `training: lr ${t.lr}, batch ${t.batchSize}, weight decay ${t.weightDecay}, up to ${t.epochs} epochs, validate ${t.evalEvery > 0 ? `every ${t.evalEvery} steps` : 'every epoch'}, patience ${t.earlyStopPatience} validations`,
    `stopped: ${stopReason(run)}`,
    `time: ${run.seconds.toFixed(1)} s, ${n(Math.round(run.samplesPerSecond))} samples/s`,
    '',
    `valid AUC ${run.validAuc.toFixed(4)} (best, step ${run.bestStep})   test AUC ${run.testAuc.toFixed(4)}   test logloss ${run.testLogloss.toFixed(4)}   Bayes AUC ${run.bayesAuc === null ? 'unknown' : run.bayesAuc.toFixed(4)}`,
    interpretation(run),
    '',
    `information abundance of the trained tables (IA = sum s_i / s_1; K = ${fields[0]?.dim ?? m.embeddingDim}, all sets side by side):`,
    header,
    ...rows,
  ];
  return lines.join('\n') + '\n';
}
