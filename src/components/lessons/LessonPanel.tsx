import { useEffect, useMemo, useState } from 'react';
import { chartSource, offScreenNote } from '../../lessons/chartSource.ts';
import { LESSON_ACTIONS, type LessonActionContext } from '../../lessons/lessonActions.ts';
import { findLesson, LESSONS } from '../../lessons/lessonCatalog.ts';
import { actionForKey, CLOSE, NEXT, PREVIOUS, type PresenterAction, type PresenterContext } from '../../lessons/presenterActions.ts';
import { studioUrlRegistry } from '../../state/studioUrl.ts';
import { useStudioStore } from '../../state/studioStore.ts';
import { PresenterControls } from '../PresenterControls.tsx';
import { useRunControllers } from '../runControllersContext.ts';

const DWELL_MS = 12_000;
const HIGHLIGHT = 'data-lesson-highlight';

/** Marks the step's chart (its figure or panel) and brings it into view; returns whether it is on screen. */
function highlight(selector: string, scroll: boolean, smooth: boolean): () => void {
  const targets = [...document.querySelectorAll(selector)].map((el) => el.closest('figure') ?? el);
  targets.forEach((el) => el.setAttribute(HIGHLIGHT, ''));
  // A target in the settings column scrolls to just below the lesson that heads it (its label too), not under it.
  const dock = targets[0]?.closest('.sidebar')?.querySelector<HTMLElement>('.lesson-dock');
  const first = targets[0] as HTMLElement | undefined;
  if (first && dock && !dock.contains(first) && getComputedStyle(dock).position === 'sticky')
    first.style.scrollMarginTop = `${dock.getBoundingClientRect().height + 40}px`;
  if (scroll) targets[0]?.scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' });
  return () =>
    targets.forEach((el) => {
      el.removeAttribute(HIGHLIGHT);
      if (el instanceof HTMLElement) el.style.scrollMarginTop = '';
    });
}

const tooltip = (a: PresenterAction) => (a.keys ? `${a.label} (${a.keys})` : a.label);

/** The open lesson: the step's text and what to look for, its chart highlighted, next / previous, presenter controls. */
export function LessonPanel() {
  const controllers = useRunControllers();
  const actionContext = useMemo<LessonActionContext>(
    () => ({ training: () => controllers.training, multitask: () => controllers.multitask, sequence: () => controllers.sequence }),
    [controllers],
  );
  const run = (id: keyof typeof LESSON_ACTIONS) => void LESSON_ACTIONS[id](useStudioStore, actionContext);
  const ui = useStudioStore((s) => s.ui);
  const tables = useStudioStore((s) => s.tables);
  const setUi = useStudioStore((s) => s.setUi);
  const trainingRuns = useStudioStore((s) => s.trainingRuns);
  const activeRunId = useStudioStore((s) => s.activeRunId);
  const datasetLoad = useStudioStore((s) => s.datasetLoad);
  const scaling = useStudioStore((s) => s.scaling);
  const mtlRun = useStudioStore((s) => s.mtlRun);
  const mtlConflict = useStudioStore((s) => s.mtlConflict);
  const seqRuns = useStudioStore((s) => s.seqRuns);
  const seqDataset = useStudioStore((s) => s.seqDataset);
  const lesson = findLesson(ui.lesson);
  const steps = useMemo(
    () => lesson?.steps(tables, { trainingRuns, activeRunId, datasetLoad, scaling, mtlRun, mtlConflict, seqRuns, seqDataset }) ?? null,
    [lesson, tables, trainingRuns, activeRunId, datasetLoad, scaling, mtlRun, mtlConflict, seqRuns, seqDataset],
  );
  const list = Array.isArray(steps) ? steps : null;
  const blocked = steps && !Array.isArray(steps) ? steps : null;
  const index = list ? Math.min(ui.step, list.length) - 1 : 0;
  const step = list?.[index];
  const atEnd = list ? index >= list.length - 1 : true;
  const [onScreen, setOnScreen] = useState(true);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');

  const presenter: PresenterContext = {
    ui,
    stepCount: list?.length ?? 0,
    setUi,
    url: () => window.location.href,
    copy: (text) => navigator.clipboard.writeText(text),
  };
  const perform = (a: PresenterAction) => {
    const done = a.perform(presenter);
    if (done)
      done.then(
        () => setCopied('copied'),
        () => setCopied('failed'),
      );
  };

  // The same actions from the keyboard: → / Page Down next, ← / Page Up previous, Esc closes.
  const keyContext = useMemo(() => ({ ui, stepCount: list?.length ?? 0, setUi }), [ui, list, setUi]);
  useEffect(() => {
    if (keyContext.ui.lesson === 0) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const ctx: PresenterContext = { ...keyContext, url: () => window.location.href, copy: (text) => navigator.clipboard.writeText(text) };
      const action = actionForKey(e, ctx, e.target instanceof HTMLElement ? e.target : null);
      if (!action) return;
      e.preventDefault();
      void action.perform(ctx);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [keyContext]);

  useEffect(() => {
    if (copied === 'idle') return;
    const timer = setTimeout(() => setCopied('idle'), 2500);
    return () => clearTimeout(timer);
  }, [copied]);

  // Entering a step applies its preset (sort order, view) through the URL registry.
  useEffect(() => {
    const state = useStudioStore.getState();
    const current = findLesson(ui.lesson)?.steps(state.tables, state);
    if (Array.isArray(current) && current[index]) studioUrlRegistry.patch(current[index].preset, useStudioStore.getState());
  }, [ui.lesson, index]);

  const selector = step?.chart.selector;
  useEffect(() => {
    if (!selector) return;
    // After the preset's re-render, so the chart exists and has its final size.
    let clear = () => {};
    const frame = requestAnimationFrame(() => {
      clear = highlight(selector, true, useStudioStore.getState().ui.slow);
      setOnScreen(document.querySelector(selector) !== null);
    });
    return () => {
      cancelAnimationFrame(frame);
      clear();
    };
  }, [selector, index, tables]);

  // A step's chart may appear after entering it (its "run this" action fills the view).
  useEffect(() => {
    if (!selector) return;
    const frame = requestAnimationFrame(() => setOnScreen(document.querySelector(selector) !== null));
    return () => cancelAnimationFrame(frame);
  }, [selector, steps]);

  useEffect(() => {
    if (!ui.playing || !list) return;
    const timer = setTimeout(
      () => {
        if (atEnd) setUi({ playing: false });
        else setUi({ step: index + 2 });
      },
      ui.slow ? DWELL_MS * 2 : DWELL_MS,
    );
    return () => clearTimeout(timer);
  }, [ui.playing, ui.slow, index, atEnd, list, setUi]);

  if (ui.lesson === 0) return null;
  const entry = LESSONS.find((l) => l.id === ui.lesson);
  const source = list && !onScreen ? chartSource(list, index) : null;

  return (
    <section className="panel lesson-panel" aria-labelledby="lesson-heading" data-testid="lesson-panel">
      <div className="lesson-head">
        <div className="panel-head">
          <p className="lesson-kicker">
            Lesson {ui.lesson}
            {list ? ` · step ${index + 1} of ${list.length}` : ''}
          </p>
          <button
            type="button"
            className="icon-button"
            aria-label={CLOSE.label}
            title={tooltip(CLOSE)}
            data-testid="lesson-close"
            onClick={() => perform(CLOSE)}
          >
            ×
          </button>
        </div>
        <h2 id="lesson-heading">{entry?.title ?? `Lesson ${ui.lesson}`}</h2>
      </div>
      <div className="lesson-body">
        {!lesson && (
          <p className="lesson-missing" data-testid="lesson-missing">
            {entry && !entry.available ? `This lesson needs ${entry.needs}.` : `There is no lesson ${ui.lesson}.`}
          </p>
        )}
        {blocked && (
          <div className="lesson-missing">
            <p>{blocked.missing}</p>
            <button type="button" className="primary small" onClick={() => run(blocked.action.id)}>
              {blocked.action.label}
            </button>
          </div>
        )}
        {step && list && (
          <div className="lesson-step" aria-live="polite" data-testid="lesson-step-body">
            <h3 data-testid="lesson-step-title">{step.title}</h3>
            <p className="lesson-text">{step.text}</p>
            <div className="lesson-look">
              <p>
                <strong>Look for</strong> in {step.chart.name}
                {onScreen ? '' : ` (${offScreenNote(source, index + 1)})`}: {step.lookFor}
              </p>
              {source && source.step !== index + 1 && (
                <button type="button" className="secondary small" data-testid="lesson-source-action" onClick={() => run(source.action.id)}>
                  ▶ {source.action.label} (step {source.step}&apos;s run)
                </button>
              )}
            </div>
            {step.action && (
              <button type="button" className="secondary small" data-testid="lesson-action" onClick={() => run(step.action!.id)}>
                ▶ {step.action.label}
              </button>
            )}
          </div>
        )}
      </div>
      {step && list && (
        <div className="lesson-foot">
          <nav className="lesson-nav" aria-label="Lesson steps">
            <button
              type="button"
              className="small"
              data-testid="lesson-prev"
              title={tooltip(PREVIOUS)}
              disabled={!PREVIOUS.enabled(presenter)}
              onClick={() => perform(PREVIOUS)}
            >
              {PREVIOUS.label}
            </button>
            <ol className="step-dots">
              {list.map((s, i) => (
                <li key={s.title}>
                  <button
                    type="button"
                    className={`dot ${i === index ? 'current' : ''}`}
                    aria-label={`Step ${i + 1}: ${s.title}`}
                    aria-current={i === index ? 'step' : undefined}
                    onClick={() => setUi({ step: i + 1 })}
                  />
                </li>
              ))}
            </ol>
            <button
              type="button"
              className="primary small"
              data-testid="lesson-next"
              title={tooltip(NEXT)}
              disabled={!NEXT.enabled(presenter)}
              onClick={() => perform(NEXT)}
            >
              {NEXT.label}
            </button>
          </nav>
          <PresenterControls atEnd={atEnd} onStep={() => setUi({ step: index + 2 })} copied={copied} onCopyLink={perform} />
        </div>
      )}
    </section>
  );
}
