import { useEffect, useRef, type ReactNode } from 'react';
import { downloadBlob } from '../export/download.ts';
import { pngBlob, svgBlob } from '../export/svg.ts';
import { useStudioStore } from '../state/studioStore.ts';
import { cancelDraw, queueDraw } from './drawQueue.ts';
import { useElementWidth } from './useElementWidth.ts';

interface Props {
  /** data-testid of the <svg>. */
  testId: string;
  /** File name without extension for SVG / PNG downloads. */
  filename: string;
  /** Renders the chart (a new svg) at the given width; memoise it (useCallback) on its data. Null: nothing to draw. */
  render: (width: number) => SVGSVGElement | null;
  /** Live charts: draw through the shared queue, one chart per task (see drawQueue). */
  deferred?: boolean;
  caption?: ReactNode;
  className?: string;
}

/**
 * Presenter big text: a chart draws at its width divided by this and is stretched back to its
 * column (app.css), so its labels grow with the page's text instead of staying at 11 px. A
 * column narrower than BIG_TEXT_MIN_WIDTH (a phone) keeps its width: its marks need the room.
 */
export const BIG_TEXT_SCALE = 1.3;
const BIG_TEXT_MIN_WIDTH = 640;

/** A chart: mounts the svg its renderer returns, sized to its container, with SVG / PNG download buttons. */
export function ChartFigure({ testId, filename, render, deferred = false, caption, className }: Props) {
  const boxRef = useRef<HTMLDivElement>(null);
  const queueKey = useRef({});
  const boxWidth = useElementWidth(boxRef);
  const bigText = useStudioStore((s) => s.ui.bigText);
  const width = bigText && boxWidth >= BIG_TEXT_MIN_WIDTH ? Math.round(boxWidth / BIG_TEXT_SCALE) : boxWidth;

  useEffect(() => {
    if (width <= 0) return;
    const draw = () => {
      const box = boxRef.current;
      if (!box?.isConnected) return;
      const svg = render(width);
      const current = box.querySelector<SVGSVGElement>(':scope > svg');
      if (svg && current) mountInto(current, svg, testId);
    };
    if (deferred) {
      queueDraw(queueKey.current, draw);
      return;
    }
    // Each chart draws in a task of its own, so a card with several charts never blocks the
    // main thread for the sum of their renders (the page stays responsive while results arrive).
    const timer = setTimeout(draw, 0);
    return () => clearTimeout(timer);
  }, [render, width, deferred, testId]);
  useEffect(() => {
    const key = queueKey.current;
    return () => cancelDraw(key);
  }, []);

  const mounted = () => boxRef.current?.querySelector('svg') ?? null;
  const exportSvg = () => {
    const svg = mounted();
    if (svg) downloadBlob(svgBlob(svg), `${filename}.svg`);
  };
  const exportPng = async () => {
    const svg = mounted();
    if (svg) downloadBlob(await pngBlob(svg, 2), `${filename}.png`);
  };

  return (
    <figure className={`chart ${className ?? ''}`}>
      <div className="chart-actions" role="group" aria-label="Download chart">
        <button type="button" className="ghost small" data-testid="export-svg" onClick={exportSvg} title="Download this chart as SVG">
          SVG
        </button>
        <button type="button" className="ghost small" data-testid="export-png" onClick={() => void exportPng()} title="Download this chart as PNG (2x)">
          PNG
        </button>
      </div>
      <div className="chart-box" ref={boxRef}>
        {/* On the page from the first render (a lesson looks for it by its test id); each draw fills it. */}
        <svg data-testid={testId} width={0} height={0} />
      </div>
      {caption && <figcaption>{caption}</figcaption>}
    </figure>
  );
}

/**
 * Moves a freshly rendered svg's attributes and children into the page's svg, so the element on
 * the page stays the same one across redraws (a selection, a focused node or a locator held on it
 * survives a live update).
 */
function mountInto(current: SVGSVGElement, rendered: SVGSVGElement, testId: string): void {
  rendered.setAttribute('data-testid', testId);
  for (const name of current.getAttributeNames()) if (!rendered.hasAttribute(name)) current.removeAttribute(name);
  for (const name of rendered.getAttributeNames()) current.setAttribute(name, rendered.getAttribute(name) ?? '');
  current.replaceChildren(...rendered.childNodes);
}
