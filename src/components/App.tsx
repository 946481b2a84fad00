import { useState, type DragEvent } from 'react';
import { useStudioStore } from '../state/studioStore.ts';
import { BackendPanel } from './BackendPanel.tsx';
import { CheckpointSeriesPanel } from './CheckpointSeriesPanel.tsx';
import { WarehousePanel } from './WarehousePanel.tsx';
import { ComparisonPanel } from './ComparisonPanel.tsx';
import { useController } from './controllerContext.ts';
import { useRunControllers } from './runControllersContext.ts';
import { DropZone } from './DropZone.tsx';
import { ErrorBanner } from './ErrorBanner.tsx';
import { Glossary } from './Glossary.tsx';
import { Header } from './Header.tsx';
import { ImportDialog } from './ImportDialog.tsx';
import { LessonDock } from './lessons/LessonDock.tsx';
import { LessonPicker } from './lessons/LessonPicker.tsx';
import { NoticeBar } from './NoticeBar.tsx';
import { ProgressPanel } from './ProgressPanel.tsx';
import { SpectrumCurvesPanel } from './SpectrumCurvesPanel.tsx';
import { TableCard } from './TableCard.tsx';
import { TrainView } from './training/TrainView.tsx';
import { MultitaskView } from './multitask/MultitaskView.tsx';
import { SequenceView } from './sequence/SequenceView.tsx';
import { ViewErrorBoundary } from './ViewErrorBoundary.tsx';

export function App() {
  const controller = useController();
  const tables = useStudioStore((s) => s.tables);
  const lessonOpen = useStudioStore((s) => s.ui.lesson > 0);
  const view = useStudioStore((s) => s.ui.view);
  // While the import dialog is open its errors (field sizes, a bad sidecar) show above it, not at the
  // sidebar's foot: on a phone the sidebar stacks above the dialog, out of sight.
  const dialogOpen = useStudioStore((s) => s.flow.inspected !== null && (s.flow.phase === 'choosing' || s.flow.phase === 'analysing'));
  const [dragging, setDragging] = useState(false);
  const runs = useRunControllers();

  // A table dropped anywhere on the page is imported, not opened by the browser.
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file && view === 'train') runs.training.pickDatasetFile(file);
    else if (file && view === 'multitask') void runs.multitask.pickCsv(file);
    else if (file && view === 'sequence') void runs.sequence.pickFile(file);
    else if (file) void controller.pickFile(file);
  };

  return (
    <div
      className={`app ${dragging ? 'dragging' : ''} ${lessonOpen ? 'lesson-open' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        if (e.dataTransfer.types.includes('Files')) setDragging(true);
      }}
      onDragLeave={(e) => {
        if (e.relatedTarget === null) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <Header />
      <ViewErrorBoundary key={view} view={view}>
        {view === 'sequence' ? (
          <SequenceView />
        ) : view === 'multitask' ? (
          <MultitaskView />
        ) : view === 'train' ? (
          <TrainView />
        ) : (
          <div className="layout">
            <aside className="sidebar" aria-label="Import and lessons">
              {lessonOpen ? <LessonDock /> : <LessonPicker />}
              <DropZone />
              {!dialogOpen && <ErrorBanner />}
              <ProgressPanel />
              <Glossary />
              <BackendPanel />
            </aside>
            <main className="workspace">
              <NoticeBar />
              {/* The import dialog takes the main column: a checkpoint's tensor list needs the width. */}
              {dialogOpen && <ErrorBanner />}
              <ImportDialog />
              {tables.length === 0 ? (
                <div className="empty-state">
                  <h2>No tables loaded</h2>
                  <p>Drop an .npy, .npz, .safetensors, PyTorch checkpoint, projector TSV or word2vec file to see each field's singular spectrum.</p>
                </div>
              ) : (
                <div className="cards">
                  {tables.map((t) => (
                    <TableCard key={t.id} table={t} />
                  ))}
                </div>
              )}
              <ComparisonPanel />
              <SpectrumCurvesPanel />
              <CheckpointSeriesPanel />
              <WarehousePanel />
            </main>
          </div>
        )}
      </ViewErrorBoundary>
    </div>
  );
}
