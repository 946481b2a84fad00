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
