import { useCallback, useEffect, useRef } from 'react';

type Draw = (svg: SVGSVGElement, width: number) => void;

/** Charts waiting to draw, in request order; a chart asking again keeps its place with its latest draw. */
const queue = new Map<object, () => void>();
let running = false;

/**
 * One draw per task, and a rendered frame between two draws: when several live charts update
 * together, the browser's style and layout after each draw covers that one chart, so neither the
 * draws nor the frames add up to one long main-thread task.
 */
function pump(): void {
  const next = queue.entries().next();
  if (next.done) {
    running = false;
    return;
  }
  const [key, draw] = next.value;
  queue.delete(key);
  draw();
  requestAnimationFrame(() => setTimeout(pump, 0));
}

/** Queues a chart's draw (see pump), latest call wins. */
export function useDeferredDraw(draw: Draw): Draw {
  const key = useRef(null); // a stable identity for this chart's queue slot
  useEffect(() => () => void queue.delete(key), [key]);
  return useCallback(
    (svg, width) => {
      queue.set(key, () => {
        if (svg.isConnected) draw(svg, width);
      });
      if (!running) {
        running = true;
        setTimeout(pump, 0);
      }
    },
    [draw, key],
  );
}
