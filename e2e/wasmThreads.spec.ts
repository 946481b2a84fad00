import { expect, test, type Page } from '@playwright/test';
import { storedRuns } from './studioHelpers.ts';

/**
 * The training workers' wasm pools at 1 and 2 threads (`?wasm-threads=N`, workers/wasmThreads.ts):
 * the Train badge reports the pool tfjs really made, and a fixed-seed DeepFM, DARE and MMoE run
 * each give the same losses bit for bit. The threaded build's memory is a SharedArrayBuffer: the
 * project's own wasm kernels (Adam, Transpose, Slice, Concat, column sums, the sequence models'
 * search and attention kernels) read and write it in place while XNNPACK's threads work. (The
 * multi-task and sequence views show no pool: the test reads it from their workers' tfjs.)
 */
async function trainWith(page: Page, threads: number): Promise<Record<string, string | null>> {
  await page.goto(`/?wasm-threads=${threads}#v=2&view=train&tds=synthetic-ctr-tiny&tmodel=deepfm&tdim=8&tmlp=64-64&tbs=1024&tep=1&tpat=0&teval=10&tsnap=0`);
  const select = page.getByTestId('train-backend-select');
  await expect(select).toBeEnabled({ timeout: 60_000 });
  await select.selectOption('wasm');
  const badge = page.getByTestId('train-backend');
  await expect(badge).toHaveAttribute('data-backend', 'wasm');
  await expect(badge).toHaveAttribute('data-threads', String(threads));
  await expect(badge).toContainText(`${threads} thread`);
  await page.getByTestId('train-button').click();
  const status = page.getByTestId('train-status');
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  const read = (name: string) => status.getAttribute(name);
  return {
    step: await read('data-step'),
    loss: await read('data-loss'),
    first: await read('data-first-loss'),
    recent: await read('data-recent-loss'),
    auc: await read('data-valid-auc'),
  };
}

test('DeepFM trains on a 2-thread wasm pool with the same losses as on 1 thread', async ({ page }) => {
  test.setTimeout(240_000);
  const one = await trainWith(page, 1);
  const two = await trainWith(page, 2);
  expect(Number(one.step)).toBeGreaterThan(10);
  expect(Number(one.loss)).toBeGreaterThan(0);
  expect(Number(one.auc)).toBeGreaterThan(0.5);
  expect(two).toEqual(one);
});

/** The runs of `kind` stored in IndexedDB, oldest first: their status and every loss metric. */
async function storedLosses(page: Page, kind: 'sequence' | 'multitask') {
  return (await storedRuns(page, kind)).map((r) => ({
    status: r.config.run.status,
    losses: r.metrics.filter((m) => Object.keys(m.values).some((k) => k === 'loss' || k.includes('_loss_'))),
  }));
}

/**
 * The wasm pool of the worker whose script name holds `script`, as its tfjs backend reports it
 * (tfjs keeps its engine on the worker's global object; the views of these workers show no pool).
 */
async function workerPool(page: Page, script: string): Promise<number> {
  const worker = page.workers().find((w) => w.url().includes(script));
  if (!worker) throw new Error(`no ${script} worker`);
  return worker.evaluate(() => {
    const engine = (self as unknown as { _tfengine: { registry: Record<string, { wasm: { tfjs: { getThreadsCount(): number } } }> } })._tfengine;
    return engine.registry.wasm.wasm.tfjs.getThreadsCount();
  });
}

test('DARE (search and attention kernels over the shared memory) trains on a 2-thread wasm pool with the same losses as on 1 thread', async ({ page }) => {
  test.setTimeout(300_000);
  for (const threads of [1, 2]) {
    await page.goto(
      `/?wasm-threads=${threads}#v=2&view=sequence&sds=synthetic-sequences&susers=3000&smodel=dare&sdim=8&sadim=4&shist=30&stopk=10&sbs=1024&sep=1&slr=0.02&sseed=3`,
    );
    await expect(page.getByTestId('seq-dataset-state')).toHaveAttribute('data-phase', 'ready', { timeout: 90_000 });
    await page.getByTestId('seq-train-button').click();
    await expect(page.getByTestId('seq-runs').locator('li').first()).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
    expect(await workerPool(page, 'sequence.worker')).toBe(threads);
  }
  await expect.poll(async () => (await storedLosses(page, 'sequence')).map((r) => r.status)).toEqual(['done', 'done']);
  const [one, two] = await storedLosses(page, 'sequence');
  expect(one.losses.length).toBeGreaterThan(20);
  expect(one.losses.every((l) => Number.isFinite(l.values.loss) && l.values.loss > 0)).toBe(true);
  expect(two.losses).toEqual(one.losses);
});

test('MMoE with per-task gradients trains on a 2-thread wasm pool with the same losses as on 1 thread', async ({ page }) => {
  test.setTimeout(300_000);
  for (const threads of [1, 2]) {
    await page.goto(`/?wasm-threads=${threads}#v=2&view=multitask&msteps=60&mbs=512&mmodel=mmoe&mseed=3`);
    await expect(page.getByTestId('mtl-dataset-state')).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
    const status = page.getByTestId('mtl-status');
    await page.getByTestId('mtl-train-button').click();
    await expect(status).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
    await expect(status).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
    expect(await workerPool(page, 'multitask.worker')).toBe(threads);
  }
  await expect.poll(async () => (await storedLosses(page, 'multitask')).map((r) => r.status)).toEqual(['done', 'done']);
  const [one, two] = await storedLosses(page, 'multitask');
  expect(one.losses.length).toBeGreaterThan(20);
  expect(two.losses).toEqual(one.losses);
});
