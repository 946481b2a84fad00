import { useCallback, useEffect, useRef } from 'react';

type Draw = (svg: SVGSVGElement, width: number) => void;

/**
 * Runs a chart's draw in its own task (setTimeout 0), latest call wins: when several live charts
 * update together, each redraw is a separate short task instead of one long main-thread task.
 */
export function useDeferredDraw(draw: Draw): Draw {
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (pending.current !== null) clearTimeout(pending.current);
  }, []);
  return useCallback(
    (svg, width) => {
      if (pending.current !== null) clearTimeout(pending.current);
      pending.current = setTimeout(() => {
        pending.current = null;
        if (svg.isConnected) draw(svg, width);
      }, 0);
    },
    [draw],
  );
}
