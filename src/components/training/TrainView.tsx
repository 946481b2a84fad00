import { useEffect } from 'react';
import { useStudioStore } from '../../state/studioStore.ts';
import { LessonDock } from '../lessons/LessonDock.tsx';
import { NoticeBar } from '../NoticeBar.tsx';
import { useTrainingController } from '../runControllersContext.ts';
import { LiveCharts } from './LiveCharts.tsx';
import { RunsPanel } from './RunsPanel.tsx';
import { ScalingPanel } from './ScalingPanel.tsx';
import { TrainForm } from './TrainForm.tsx';
import { TrainStatus } from './TrainStatus.tsx';
import './training.css';

/** The Train view: settings on the left; live status, charts, the scaling experiment and the runs on the right. */
export function TrainView() {
  const training = useTrainingController();
  useEffect(() => {
    void training.init();
  }, [training]);
  const runs = useStudioStore((s) => s.trainingRuns);
  const activeId = useStudioStore((s) => s.activeRunId);
  const compare = useStudioStore((s) => s.compareRunIds);
  const active = runs.find((r) => r.id === activeId) ?? runs[runs.length - 1];
  const compared = compare.length === 2 ? compare.map((id) => runs.find((r) => r.id === id)!).filter(Boolean) : [];
  const shown = compared.length === 2 ? compared : active ? [active] : [];

  return (
    <div className="layout train-view">
      <aside className="sidebar" aria-label="Training settings">
        <LessonDock />
        <TrainForm />
      </aside>
      <main className="workspace">
        <NoticeBar />
        <section className="panel">
          <h2>{active ? active.label : 'Live training'}</h2>
          <TrainStatus run={active} onResume={(id) => void training.resumeRun(id)} />
          {shown.length > 0 ? (
            <LiveCharts runs={shown} />
          ) : (
            <p className="hint">Pick a dataset and a model, then press Train: loss, AUC and every field's singular spectrum update as it learns.</p>
          )}
        </section>
        <ScalingPanel />
        <RunsPanel />
      </main>
    </div>
  );
}
