import { expect, test, type Page } from '@playwright/test';

const SHOTS = 'test-results/screenshots';

declare global {
  interface Window {
    __longtasks: { start: number; duration: number }[];
  }
}

const status = (page: Page) => page.getByTestId('train-status');
const trainBackend = (page: Page) => page.getByTestId('train-backend');

/** Long tasks (> 50 ms by definition) on the main thread, recorded from the page's start. */
async function recordLongTasks(page: Page) {
  await page.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

test('Train waits for the training-shaped probe and trains on its winner, and the run says which', async ({ page }) => {
  test.setTimeout(180_000);
  await recordLongTasks(page);
  await page.setViewportSize({ width: 1440, height: 1100 });
  await page.goto('/#v=2&view=train&tds=synthetic-ctr-tiny&tmodel=dnn&tdim=4&tmlp=16&tbs=1024&tep=1&tpat=0&teval=10&tsnap=10&tlr=0.01');
  await expect(page.getByTestId('train-backend-select')).toBeEnabled({ timeout: 60_000 });
  // Both indicators say which worker they belong to.
  await expect(page.getByTestId('backend-status')).toHaveText(/^Analysis backend: /);
  await expect(page.locator('.train-form')).toContainText('Training backend');

  // First Train: the dataset loads, the probe times DNN steps on each backend, then the run starts on the winner.
  await page.getByTestId('train-button').click();
  await expect(status(page)).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  const winner = await trainBackend(page).getAttribute('data-backend');
  expect(['wasm', 'cpu', 'webgl', 'webgpu']).toContain(winner);
  const probe = page.getByTestId('train-backend-probe');
  await expect(probe).toContainText('Probe: DNN on synthetic-ctr-tiny, batch 1024');
  await expect(probe).toContainText(`${winner} `);
  const run = page.getByTestId('run-backend');
  await expect(run).toHaveAttribute('data-backend', winner!);
  await expect(run).toHaveAttribute('data-how', 'probe');
  await expect(run).toContainText(`runs on ${winner} (fastest in the training probe: `);
  const firstRun = await page.evaluate(() => window.__longtasks.map((t) => Math.round(t.duration)));
  console.log(`backend probe: ${await probe.textContent()}`);

  // Another model: the probe runs again at once (the dataset is loaded); Train pressed meanwhile waits for it.
  await page.getByTestId('model-select').selectOption('dcnv2');
  await expect(trainBackend(page)).toHaveAttribute('data-probing', 'true');
  await page.getByTestId('train-button').click();
  await expect(status(page)).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await expect(trainBackend(page)).toHaveAttribute('data-probing', 'false');
  await expect(probe).toContainText('Probe: DCNv2 on synthetic-ctr-tiny');
  const second = await trainBackend(page).getAttribute('data-backend');
  await expect(run).toHaveAttribute('data-backend', second!);
  await expect(run).toHaveAttribute('data-how', 'probe');
  await expect.poll(async () => Number(await status(page).getAttribute('data-step')), { timeout: 60_000 }).toBeGreaterThan(20);
  // Still the probe's winner after many chunks of steps: one backend per run.
  await expect(run).toHaveAttribute('data-backend', second!);
  await expect(trainBackend(page)).toHaveAttribute('data-backend', second!);
  await page.locator('aside.sidebar').screenshot({ path: `${SHOTS}/train-backend-probe.png` });
  await status(page).screenshot({ path: `${SHOTS}/train-run-backend.png` });
  await page.getByTestId('stop-button').click();
  await expect(status(page)).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 });
  console.log(`long tasks (ms) up to the first run's end: ${JSON.stringify(firstRun)}`);
  console.log(`long tasks (ms) in all: ${JSON.stringify(await page.evaluate(() => window.__longtasks.map((t) => Math.round(t.duration))))}`);
});
