import { readRun } from '../../state/runReading.ts';
import { useStudioStore } from '../../state/studioStore.ts';
import type { TrainingRun } from '../../state/trainingSlice.ts';
import { formatCount } from './formatCount.ts';

/** Mean loss of the first / last few logged points: the trend without single mini-batch noise. */
function meanLoss(points: { loss: number }[]): number | '' {
  return points.length === 0 ? '' : points.reduce((a, p) => a + p.loss, 0) / points.length;
}

const CHOICE_TEXT = { probe: 'fastest in the training probe', picked: 'picked by hand', 'kernel-probe': 'fastest in the kernel probe' } as const;

const fmt = (v: number | undefined, digits: number) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

/**
 * Step, loss, validation AUC and speed of a run; data-* attributes carry the raw numbers for tests.
 * An interrupted run with a stored checkpoint offers to resume.
 */
export function TrainStatus({ run, onResume }: { run: TrainingRun | undefined; onResume?: (id: string) => void }) {
  const loss = run?.losses[run.losses.length - 1]?.loss;
  const evalPoint = run?.evals[run.evals.length - 1];
  const ceiling = useStudioStore((s) => s.datasetIndex.find((d) => d.id === run?.form.datasetId)?.measuredCeilingAuc);
  const reading = run ? readRun(run, ceiling) : null;
  return (
    <div
      className="train-status"
      data-testid="train-status"
      data-status={run?.status ?? 'idle'}
      data-step={run?.step ?? 0}
      data-saved-step={run?.savedStep ?? ''}
      data-loss={loss ?? ''}
      data-valid-auc={evalPoint?.auc ?? ''}
      data-first-loss={meanLoss(run?.losses.slice(0, 3) ?? [])}
      data-recent-loss={meanLoss(run?.losses.slice(-3) ?? [])}
      role="status"
      aria-live="polite"
    >
      <span className={`status-pill status-${run?.status ?? 'idle'}`}>{run?.status ?? 'idle'}</span>
      <span>
        step <strong className="num">{run?.step ?? 0}</strong>
        {run && run.stepsPerEpoch > 0 ? <> · epoch {run.epoch}</> : null}
      </span>
      <span>
        loss <strong className="num">{fmt(loss, 4)}</strong>
      </span>
      <span>
        valid AUC <strong className="num">{fmt(evalPoint?.auc, 4)}</strong>
      </span>
      <span>
        logloss <strong className="num">{fmt(evalPoint?.logloss, 4)}</strong>
      </span>
      {run?.final && (
        <span>
          test AUC <strong className="num">{fmt(run.final.testAuc, 4)}</strong>
        </span>
      )}
      <span className="muted">{run && run.samplesPerSecond > 0 ? `${formatCount(Math.round(run.samplesPerSecond))} samples/s` : ''}</span>
      <span className="muted">{run?.parameters ? `${formatCount(run.parameters)} parameters` : ''}</span>
      {run?.backend && (
        <span className="muted" data-testid="run-backend" data-backend={run.backend} data-how={run.backendChoice?.how ?? ''}>
          runs on {run.backend}
          {run.backendChoice
            ? ` (${CHOICE_TEXT[run.backendChoice.how]}${run.backendChoice.samplesPerSecond ? `: ${formatCount(Math.round(run.backendChoice.samplesPerSecond))} samples/s` : ''})`
            : ''}
        </span>
      )}
      {run?.savedStep !== undefined && run.status !== 'interrupted' && (
        <span className="muted" data-testid="saved-step">
          saved at step {run.savedStep}
        </span>
      )}
      {run?.message && <span className={run.status === 'interrupted' ? 'muted' : 'error-text'}>{run.message}</span>}
      {reading?.stop && (
        <p className="run-verdict muted" data-testid="run-stop-reason">
          {reading.stop}
        </p>
      )}
      {reading?.result && (
        <p
          className={`run-verdict verdict-${reading.result.level}`}
          data-testid="run-verdict"
          data-level={reading.result.level}
          data-gap={reading.result.gap ?? ''}
        >
          {reading.result.text}
        </p>
      )}
      {run?.status === 'interrupted' && run.savedStep !== undefined && onResume && (
        <button type="button" className="primary small" data-testid="resume-run" onClick={() => onResume(run.id)}>
          Resume from step {run.savedStep}
        </button>
      )}
    </div>
  );
}
