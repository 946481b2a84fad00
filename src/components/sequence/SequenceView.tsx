import { useEffect, useMemo } from 'react';
import { runsOfDataset } from '../../state/sequenceReading.ts';
import { useStudioStore } from '../../state/studioStore.ts';
import { LessonDock } from '../lessons/LessonDock.tsx';
import { useSequenceController } from '../runControllersContext.ts';
import '../multitask/multitask.css';
import './sequence.css';
import { SeqCharts } from './SeqCharts.tsx';
import { SeqForm } from './SeqForm.tsx';
import { SeqRunList } from './SeqRunList.tsx';

/** The Sequences view: long behaviour sequences, feature correlation (TIN) and attention vs representation (DARE). */
export function SequenceView() {
  const c = useSequenceController();
  useEffect(() => void c.init(), [c]);
  const summary = useStudioStore((s) => s.seqDataset.summary);
  const all = useStudioStore((s) => s.seqRuns);
  const runs = useMemo(() => (summary ? runsOfDataset(all, summary.name) : []), [all, summary]);
  return (
    <div className="layout mtl-view seq-view">
      <aside className="sidebar" aria-label="Sequence settings">
        <LessonDock />
        <SeqForm />
        <SeqRunList />
      </aside>
      <main className="workspace">
        {summary ? (
          <SeqCharts truth={summary.groundTruth} runs={runs} />
        ) : (
          <section className="panel">
            <h2>Long behaviour sequences</h2>
            <p className="hint">
              Pick a dataset or drop a behaviour log. The studio computes which behaviour categories, at which positions before the target, carry information
              about the label (the ground truth), then trains DIN, TWIN, DARE or TIN and shows whether each model&apos;s attention learned it, whether attention
              and representation fight over one embedding table, and whether decoupling them (DARE) helps.
            </p>
          </section>
        )}
      </main>
    </div>
  );
}
