import { useCallback } from 'react';
import { renderDistanceHistograms } from '../../charts/distanceHistogram.ts';
import { renderJointHistograms } from '../../charts/jointHistogram.ts';
import { useStudioStore } from '../../state/studioStore.ts';
import { ChartFigure } from '../ChartFigure.tsx';
import { DataExport } from '../DataExport.tsx';
import { distanceTable, jointTable } from './mtlExport.ts';
import { useMultitaskController } from '../runControllersContext.ts';
import { MULTITASK_SETTINGS } from '../../state/multitaskSettings.ts';
import { SettingInput } from '../SettingInput.tsx';
import { modelName } from '../../contracts/modelNames.ts';
import { recordedEffect, recordedSentence } from '../../lessons/recordedEffects.ts';

const stemRecord = recordedEffect('stem-vs-shared');

/** RecScope's conflict-pair measure: shared embedding vs STEM's task slices. */
export function ConflictPanel() {
  const c = useMultitaskController();
  const conflict = useStudioStore((s) => s.mtlConflict);
  const summary = useStudioStore((s) => s.mtlDataset.summary);
  const steps = useStudioStore((s) => s.mtlForm.conflictSteps);
  const setForm = useStudioStore((s) => s.setMtlForm);
  const training = useStudioStore((s) => s.mtlRun?.status === 'running' || s.mtlRun?.status === 'paused');
  const r = conflict.result;
  const tasks: [string, string] = r ? r.tasks : [summary?.tasks[0] ?? 'A', summary?.tasks[1] ?? 'B'];
  const models = r?.models ?? [];
  const drawDistances = useCallback((w: number) => renderDistanceHistograms(tasks, models, w), [tasks[0], tasks[1], models]); // eslint-disable-line react-hooks/exhaustive-deps
  const drawJoint = useCallback((w: number) => renderJointHistograms(tasks, models, w), [tasks[0], tasks[1], models]); // eslint-disable-line react-hooks/exhaustive-deps
  const p = conflict.progress;
  const stem = models.find((m) => m.name === 'stem');
  const shared = models.filter((m) => m.tables[0] === 'shared' && m.name !== 'single-task');

  return (
    <section className="panel">
      <h2>Interest entanglement: conflict pairs</h2>
      <p className="hint">
        Trains single-task models for {tasks[0]} and {tasks[1]}, then shared-bottom, MMoE, PLE and STEM ({steps} steps each, Adam). Conflict pairs are frequent
        test (user, item) pairs the single-task models place far for {tasks[0]} (above P60) and near for {tasks[1]} (at or below P40). A shared table gives one
        distance per pair and cannot do both; STEM's task slices can.
        {stemRecord && <> {recordedSentence(stemRecord)}</>}
      </p>
      <div className="mtl-buttons">
        <SettingInput
          setting={MULTITASK_SETTINGS.conflictSteps}
          value={steps}
          onChange={(conflictSteps) => setForm({ conflictSteps })}
          className="field compact inline"
        />
        <button
          type="button"
          data-testid="conflict-start"
          disabled={!summary?.hasUserItem || conflict.phase === 'running' || training}
          onClick={() => void c.measureConflicts()}
        >
          Measure conflict pairs
        </button>
        {conflict.phase === 'running' && (
          <button type="button" className="danger" onClick={c.stop}>
            Stop
          </button>
        )}
      </div>
      {summary && !summary.hasUserItem && <p className="warn-text">Needs two tasks and fields named like user and item.</p>}
      <p className="hint" data-testid="conflict-status" data-phase={conflict.phase} role="status">
        {conflict.phase === 'running' && (p ? `Training ${modelName(p.model)} (${p.index + 1} of ${p.total}): step ${p.step} / ${p.steps}` : 'Starting…')}
        {conflict.phase === 'error' && <span className="warn-text">{conflict.error}</span>}
        {r &&
          `${r.pairs} frequent test pairs, ${r.conflictPairs} conflict pairs. Separated: ${models.map((m) => `${modelName(m.name)} ${Number.isFinite(m.separated) ? (100 * m.separated).toFixed(1) : '–'} %`).join(', ')}.`}
        {r &&
          stem &&
          shared.length > 0 &&
          ` In this run STEM's slices separated ${(100 * stem.separated).toFixed(1)} % vs at most ${(100 * Math.max(...shared.map((m) => m.separated))).toFixed(1)} % for shared tables.`}
      </p>
      {r && (
        <div className="mtl-grid wide-first">
          <div>
            <ChartFigure testId="distance-histograms" filename="conflict-pair-distances" render={drawDistances} />
            <DataExport filename="conflict-pair-distances" table={() => distanceTable(r)} json={() => r} />
          </div>
          <div>
            <ChartFigure testId="joint-histogram" filename="conflict-pair-joint" render={drawJoint} />
            <DataExport
              filename="conflict-pair-joint"
              table={() => jointTable(r)}
              json={() => r.models.map((m) => ({ name: m.name, tables: m.tables, joint: m.joint }))}
            />
          </div>
        </div>
      )}
    </section>
  );
}
