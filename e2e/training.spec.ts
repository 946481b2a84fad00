import { expect, test, type Page } from '@playwright/test';

const SHOTS = 'test-results/screenshots';

/** Tiny, fast settings: 8 fields, dim 4, one small hidden layer, 2 epochs of 39 steps, validation and a spectrum every 2 steps. */
async function openTrainView(page: Page, kind: string) {
  await page.setViewportSize({ width: 1440, height: 1100 });
  await page.goto(`/#v=2&view=train&tds=synthetic-ctr-tiny&tmodel=${kind}&tdim=4&tmlp=16&tbs=1024&tep=2&tpat=0&teval=2&tsnap=2&tlr=0.01`);
  await expect(page.getByTestId('dataset-select').locator('option[value="synthetic-ctr-tiny"]')).toHaveCount(1);
  await expect(page.getByTestId('train-backend-select')).toBeEnabled({ timeout: 60_000 });
}

async function useBackend(page: Page, name: string) {
  const select = page.getByTestId('train-backend-select');
  await select.selectOption(name);
  await expect(page.getByTestId('train-backend')).toHaveAttribute('data-backend', name);
}

const status = (page: Page) => page.getByTestId('train-status');
const heatmapFills = (page: Page) =>
  page
    .getByTestId('live-heatmap')
    .locator('rect.heatmap-cell')
    .evaluateAll((els) => els.map((e) => e.getAttribute('fill')).join(','));

test('DNN trains on WebGPU step by step, then on wasm: loss falls and the live spectrum moves', async ({ page }) => {
  test.setTimeout(150_000);
  await openTrainView(page, 'dnn');
  await expect(page.getByTestId('train-tab')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('model-select')).toHaveValue('dnn');

  // WebGPU (SwiftShader here): start paused, advance with Step so shader compiles stay bounded.
  await useBackend(page, 'webgpu');
  await page.getByTestId('train-button').click();
  await expect(status(page)).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await page.getByTestId('pause-button').click();
  await expect(status(page)).toHaveAttribute('data-status', 'paused', { timeout: 60_000 });
  const pausedAt = Number(await status(page).getAttribute('data-step'));
  await page.getByTestId('step-button').click();
  await expect(status(page)).toHaveAttribute('data-step', String(pausedAt + 1), { timeout: 60_000 });
  await page.getByTestId('stop-button').click();
  await expect(status(page)).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 });
  await expect(page.getByTestId('live-heatmap')).toBeVisible();
  await page
    .locator('.train-view .workspace > .panel')
    .first()
    .screenshot({ path: `${SHOTS}/train-webgpu-stopped.png` });

  // The fastest backend (wasm): a full short run.
  await useBackend(page, 'wasm');
  await page.getByTestId('train-button').click();
  await expect(status(page)).toHaveAttribute('data-status', /running|done/, { timeout: 30_000 });
  await expect(page.getByTestId('live-heatmap').locator('rect.heatmap-cell').first()).toBeVisible();
  const before = await heatmapFills(page);
  await expect(status(page)).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  const after = await heatmapFills(page);
  expect(after).not.toBe(before);
  const losses = await page.getByTestId('loss-chart').locator('g.series path').first().getAttribute('d');
  expect(losses).toBeTruthy();
  // Mean of the first three logged losses against the last three.
  const firstLoss = Number(await status(page).getAttribute('data-first-loss'));
  const recentLoss = Number(await status(page).getAttribute('data-recent-loss'));
  expect(recentLoss).toBeLessThan(firstLoss);
  expect(Number(await status(page).getAttribute('data-valid-auc'))).toBeGreaterThan(0.5);
  await expect(page.getByTestId('ia-lines').locator('g.series')).toHaveCount(8);

  await page
    .locator('.train-view .workspace > .panel')
    .first()
    .screenshot({ path: `${SHOTS}/train-wasm-done.png` });
  await page.getByTestId('live-heatmap').screenshot({ path: `${SHOTS}/train-live-heatmap.png` });
  await page.getByTestId('ia-lines').screenshot({ path: `${SHOTS}/train-ia-lines.png` });
  await page.locator('aside.sidebar').screenshot({ path: `${SHOTS}/train-form.png` });

  // Export and round trip into the collapse view.
  const download = page.waitForEvent('download');
  await page.getByTestId('export-tables').click();
  expect((await download).suggestedFilename()).toMatch(/\.npy$/);
  await page.getByTestId('open-in-collapse').click();
  await expect(page.locator('[data-testid="table-card"][data-source$=".safetensors"]')).toBeVisible({ timeout: 30_000 });
});

test('the default settings learn: the run says why it stopped and that it is near the Bayes AUC', async ({ page }) => {
  test.setTimeout(150_000);
  await page.setViewportSize({ width: 1440, height: 1100 });
  await page.goto('/#v=2&view=train');
  await expect(page.getByTestId('dataset-select')).toHaveValue('synthetic-ctr-tiny');
  await expect(page.getByTestId('train-backend-select')).toBeEnabled({ timeout: 60_000 });
  await useBackend(page, 'wasm');
  // Patience says its unit; the published setup is one click away and the dataset's defaults come back.
  await expect(page.locator('.train-form')).toContainText('Patience (evaluations)');
  await page.getByTestId('preset-published').click();
  await expect(page.locator('.train-form label', { hasText: 'Batch' }).locator('input')).toHaveValue('2048');
  await page.getByTestId('preset-dataset').click();
  await expect(page.locator('.train-form label', { hasText: 'Batch' }).locator('input')).toHaveValue('512');
  await page.locator('aside.sidebar').screenshot({ path: `${SHOTS}/train-form-defaults.png` });
  const started = Date.now();
  await page.getByTestId('train-button').click();
  await expect(status(page)).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  const seconds = (Date.now() - started) / 1000;
  await expect(page.getByTestId('run-stop-reason')).toHaveText(/^(stopped early at step \d+: valid AUC did not improve for 2 evaluations|ran all 20 epochs)/);
  const verdict = page.getByTestId('run-verdict');
  await expect(verdict).toHaveAttribute('data-level', 'near-bayes');
  expect(Number(await verdict.getAttribute('data-gap'))).toBeLessThanOrEqual(0.02);
  console.log(`default DNN on synthetic-ctr-tiny: gap ${await verdict.getAttribute('data-gap')} in ${seconds.toFixed(0)} s`);
  await page.getByTestId('train-status').screenshot({ path: `${SHOTS}/train-default-verdict.png` });
});

test('DCNv2 shows the interaction-collapse matrix', async ({ page }) => {
  test.setTimeout(120_000);
  await openTrainView(page, 'dcnv2');
  await useBackend(page, 'wasm');
  await page.getByTestId('train-button').click();
  await expect(page.getByTestId('interaction-matrix').locator('rect.matrix-cell')).toHaveCount(64, { timeout: 60_000 });
  await expect(status(page)).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  await page.getByTestId('interaction-matrix').screenshot({ path: `${SHOTS}/train-interaction-matrix.png` });
  await page.getByTestId('interaction-matrix').locator('rect.matrix-cell').nth(10).hover();
  await expect(page.getByTestId('interaction-matrix').locator('g.chart-tooltip')).toBeVisible();
});

test('scaling experiment: a queue of runs over two seeds, progress, and the AUC and IA charts per variant with error bars', async ({ page }) => {
  test.setTimeout(150_000);
  await openTrainView(page, 'dnn');
  await useBackend(page, 'wasm');
  const panel = page.locator('.scaling-panel');
  // Sizes 1x and 2x only (3 points: size 1 is shared by both variants), 1 epoch each, 2 seeds: 6 runs.
  for (const size of ['3x', '4x', '10x']) await panel.getByLabel(size).uncheck();
  await panel.getByLabel('Epochs per run').fill('1');
  await page.getByTestId('scaling-seeds').fill('2');
  await expect(panel).toContainText('Each point is the mean of 2 seeds');
  await page.getByTestId('scaling-start').click();
  await expect(page.getByTestId('scaling-progress')).toHaveAttribute('data-total', '6');
  await expect(page.getByTestId('scaling-progress')).toContainText(/seed \d/);
  await expect(page.getByTestId('scaling-progress')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  for (const chart of ['scaling-chart', 'scaling-ia-chart']) {
    await expect(page.getByTestId(chart).locator('g.series')).toHaveCount(2);
    await expect(page.getByTestId(chart).locator('g.series circle')).toHaveCount(4);
    // Two seeds differ, so every point has a bar of ±1 sd.
    await expect(page.getByTestId(chart).locator('path.error-bar')).toHaveCount(4);
  }
  const bar = page.getByTestId('scaling-ia-chart').locator('path.error-bar').first();
  expect(Number(await bar.getAttribute('data-high'))).toBeGreaterThan(Number(await bar.getAttribute('data-low')));
  await panel.screenshot({ path: `${SHOTS}/train-scaling.png` });
  await expect(page.getByTestId('runs-table').locator('tbody tr')).toHaveCount(6);
  await page.locator('.runs-panel').screenshot({ path: `${SHOTS}/train-runs.png` });
});

test('the 1M-row dataset is generated in the browser, with progress, and trains', async ({ page }) => {
  test.setTimeout(150_000);
  await page.setViewportSize({ width: 1440, height: 1100 });
  await page.goto('/#v=2&view=train&tds=synthetic-ctr-1m&tmodel=dnn&tdim=4&tmlp=16&tbs=1024&tep=1&tpat=0&teval=0&tsnap=4');
  await expect(page.getByTestId('dataset-select')).toHaveValue('synthetic-ctr-1m');
  await expect(page.getByTestId('dataset-description')).toContainText('generated in your browser');
  await expect(page.getByTestId('train-backend-select')).toBeEnabled({ timeout: 60_000 });
  await useBackend(page, 'wasm');
  // Nothing is fetched for it: the rows come from the generator in the training worker.
  const fetched: string[] = [];
  page.on('request', (r) => fetched.push(r.url()));
  await page.getByTestId('train-button').click();
  await expect(page.getByText('Generating the dataset in your browser…')).toBeVisible();
  await page.locator('aside.sidebar').screenshot({ path: `${SHOTS}/train-generating.png` });
  // Cancelled midway, the form is usable at once and no run starts; then it is generated again.
  await page.getByTestId('cancel-load-button').click();
  await expect(page.getByTestId('dataset-load-status')).toHaveCount(0);
  await expect(page.getByTestId('train-button')).toBeEnabled();
  await expect(page.getByTestId('dataset-select')).toBeEnabled();
  await expect(page.getByTestId('dataset-summary')).toHaveCount(0);
  await expect(page.locator('[data-testid="train-status"]:not([data-status="idle"])')).toHaveCount(0);
  await page.getByTestId('train-button').click();
  await expect(page.getByText('Generating the dataset in your browser…')).toBeVisible();
  await expect(page.getByTestId('dataset-summary')).toHaveText(/24 fields · 800,000 train \/ 100,000 valid \/ 100,000 test rows/, { timeout: 60_000 });
  await expect(status(page)).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await expect.poll(async () => Number(await status(page).getAttribute('data-step')), { timeout: 60_000 }).toBeGreaterThan(8);
  await page.getByTestId('stop-button').click();
  await expect(status(page)).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 });
  await expect(page.getByTestId('live-heatmap').locator('rect.heatmap-cell').first()).toBeVisible();
  expect(fetched.filter((u) => u.includes('synthetic-ctr-1m'))).toEqual([]);
  await page.locator('aside.sidebar').screenshot({ path: `${SHOTS}/train-1m-form.png` });
});
