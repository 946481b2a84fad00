import { useEffect, useRef, type ReactNode } from 'react';
import { pngBlob, svgBlob } from '../charts/svgExport.ts';
import { downloadBlob } from './download.ts';
import { useElementWidth } from './useElementWidth.ts';

interface Props {
  /** data-testid of the <svg>. */
  testId: string;
  /** File name without extension for SVG / PNG downloads. */
  filename: string;
  /** Draws into the svg at the given width; memoise it (useCallback) on its data. */
  draw: (svg: SVGSVGElement, width: number) => void;
  caption?: ReactNode;
  className?: string;
}

/** A chart: the d3 renderer's svg, sized to its container, with SVG / PNG download buttons. */
export function ChartFigure({ testId, filename, draw, caption, className }: Props) {
  const boxRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const width = useElementWidth(boxRef);

  // Each chart draws in a task of its own, so a card with several charts never blocks the
  // main thread for the sum of their renders (the page stays responsive while results arrive).
  useEffect(() => {
    if (width <= 0) return;
    const timer = setTimeout(() => {
      if (svgRef.current) draw(svgRef.current, width);
    }, 0);
    return () => clearTimeout(timer);
  }, [draw, width]);

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
      <div className="chart-box" ref={boxRef}>
        <svg ref={svgRef} data-testid={testId} />
      </div>
      {caption && <figcaption>{caption}</figcaption>}
    </figure>
  );
}
