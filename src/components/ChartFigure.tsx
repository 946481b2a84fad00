import { useEffect, useRef, type ReactNode } from 'react';
import { downloadBlob } from '../export/download.ts';
import { pngBlob, svgBlob } from '../export/svg.ts';
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

/** A chart: mounts the svg its renderer returns, sized to its container, with SVG / PNG download buttons. */
export function ChartFigure({ testId, filename, render, deferred = false, caption, className }: Props) {
  const boxRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement | null>(null);
  const queueKey = useRef({});
  const width = useElementWidth(boxRef);

  useEffect(() => {
    if (width <= 0) return;
    const draw = () => {
      const box = boxRef.current;
      if (!box?.isConnected) return;
      const svg = render(width);
      if (!svg) return;
      svg.setAttribute('data-testid', testId);
      box.replaceChildren(svg);
      svgRef.current = svg;
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

  const exportSvg = () => svgRef.current && downloadBlob(svgBlob(svgRef.current), `${filename}.svg`);
  const exportPng = async () => {
    if (svgRef.current) downloadBlob(await pngBlob(svgRef.current, 2), `${filename}.png`);
  };

  return (
    <figure className={`chart ${className ?? ''}`}>
      <div className="chart-actions" role="group" aria-label="Download chart">
        <button type="button" className="ghost small" data-testid="export-svg" onClick={exportSvg} title="Download this chart as SVG">SVG</button>
        <button type="button" className="ghost small" data-testid="export-png" onClick={() => void exportPng()} title="Download this chart as PNG (2x)">PNG</button>
      </div>
      <div className="chart-box" ref={boxRef} />
      {caption && <figcaption>{caption}</figcaption>}
    </figure>
  );
}
