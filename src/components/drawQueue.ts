/** Charts waiting to draw, in request order; a chart asking again keeps its place with its latest draw. */
const queue = new Map<object, () => void>();
/** When each chart last drew (performance.now()). */
const drawnAt = new WeakMap<object, number>();
let running = false;

/**
 * A live chart redraws at most this often: the training stream asks for a redraw on every
 * event, and each redraw rebuilds the chart's SVG; the latest data still draws, at most this late.
 */
export const MIN_REDRAW_MS = 250;

/**
 * One draw per task, and a rendered frame between two draws: when several live charts update
 * together, the browser's style and layout after each draw covers that one chart, so neither the
 * draws nor the frames add up to one long main-thread task. A chart drawn less than
 * MIN_REDRAW_MS ago waits; the queue sleeps until the first one is due.
 */
function pump(): void {
  if (queue.size === 0) {
    running = false;
    return;
  }
  const now = performance.now();
  let wait = Infinity;
  for (const [key, draw] of queue) {
    const due = (drawnAt.get(key) ?? -Infinity) + MIN_REDRAW_MS;
    if (due > now) {
      wait = Math.min(wait, due - now);
      continue;
    }
    queue.delete(key);
    drawnAt.set(key, now);
    draw();
    requestAnimationFrame(() => setTimeout(pump, 0));
    return;
  }
  setTimeout(pump, Math.ceil(wait));
}

/** Queues a chart's draw under its key (see pump); the latest draw for a key wins. */
export function queueDraw(key: object, draw: () => void): void {
  queue.set(key, draw);
  if (!running) {
    running = true;
    setTimeout(pump, 0);
  }
}

/** Drops a chart's pending draw (it unmounted). */
export function cancelDraw(key: object): void {
  queue.delete(key);
}
