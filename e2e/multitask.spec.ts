import { expect, test, type Page } from '@playwright/test';
import { openStudio, SHOTS, storedRuns } from './studioHelpers.ts';

/** Sum of the dominance segments' values per (layer, optimiser) bar. */
async function dominanceSums(page: Page): Promise<number[]> {
  return page
    .getByTestId('dominance-chart')
    .locator('g.dominance-bar')
    .evaluateAll((bars) =>
      bars.map((b) => Array.from(b.querySelectorAll('rect.dominance-segment')).reduce((s, r) => s + Number(r.getAttribute('data-value')), 0)),
    );
}

/** The steps of the stored multi-task runs, read straight from IndexedDB. */
async function storedMultitaskSteps(page: Page): Promise<number[]> {
  return (await storedRuns(page, 'multitask')).map((r) => r.config.run.step);
}

/** Opens the multi-task view with these link settings, once its dataset is ready; returns the run status. */
async function openMultitask(page: Page, settings: string) {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(`/#v=2&view=multitask&${settings}`);
  await expect(page.getByTestId('mtl-dataset-state')).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
  return page.getByTestId('mtl-status');
}

const storedMultitaskRuns = async (page: Page) => (await storedMultitaskSteps(page)).length;
const storedMultitaskStep = async (page: Page) => Math.max(0, ...(await storedMultitaskSteps(page)));

test('multi-task view: Adam vs AdaTask dominance, gradient cosine, conflict pairs', async ({ page }) => {
  test.setTimeout(180_000);
  // Small settings through the link: 20 steps, conflict measure 4 steps per model.
  await openStudio(page, '#v=2&msteps=20&mbs=128&mcsteps=4&mmodel=mmoe');
  await page.getByTestId('multitask-tab').click();
  await expect(page).toHaveURL(/view=multitask/);
  await expect(page.getByTestId('mtl-dataset-state')).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('mtl-dataset-select')).toHaveValue('synthetic-mtl-small');
  await expect(page.getByTestId('mtl-model-select')).toHaveValue('mmoe');

  await page.getByTestId('mtl-train-button').click();
  const status = page.getByTestId('mtl-status');
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(status).toHaveAttribute('data-step', '20');

  // Dominance: one bar per shared layer and optimiser, task shares summing to 1.
  const sums = await dominanceSums(page);
  expect(sums.length).toBeGreaterThanOrEqual(2 * 2);
  for (const s of sums) expect(s).toBeCloseTo(1, 6);
  // Cosine matrix: diagonal 1, symmetric off-diagonal within [-1, 1].
  const cells = await page
    .getByTestId('cosine-matrix')
    .locator('rect.cosine-cell')
    .evaluateAll((els) => els.map((e) => ({ r: e.getAttribute('data-row'), c: e.getAttribute('data-col'), v: Number(e.getAttribute('data-value')) })));
  expect(cells.length).toBeGreaterThanOrEqual(8);
  for (const cell of cells) {
    if (cell.r === cell.c) expect(cell.v).toBeCloseTo(1, 5);
    else expect(Math.abs(cell.v)).toBeLessThanOrEqual(1 + 1e-9);
  }
  // Entanglement for both optimisers' models, side by side, field by step.
  for (const id of ['entanglement-heatmap', 'entanglement-heatmap-alt']) {
    const heat = page.getByTestId(id).locator('rect.entanglement-cell');
    await expect(heat.first()).toBeVisible();
    const values = await heat.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))).filter(Number.isFinite));
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) expect(Math.abs(v)).toBeLessThanOrEqual(1 + 1e-9);
  }
  await expect(page.getByTestId('rau-lines').locator('path.rau-line')).toHaveCount(4);

  // Metrics: one row per optimiser and task; the comparable filter switches the subset.
  const rows = page.getByTestId('mtl-metrics').locator('tbody tr[data-task]');
  await expect(rows).toHaveCount(4);
  const aucs = await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-auc'))));
  for (const a of aucs) expect(a).toBeGreaterThan(0.3);
  await page.getByTestId('mtl-comparable-toggle').check();
  await expect(page.getByTestId('mtl-metrics')).toHaveAttribute('data-subset', 'comparable');
  await expect.poll(() => storedMultitaskRuns(page)).toBeGreaterThan(0);

  await page.getByTestId('dominance-chart').screenshot({ path: `${SHOTS}/multitask-dominance.png` });
  await page.getByTestId('rau-lines').screenshot({ path: `${SHOTS}/multitask-rau-lines.png` });
  await page.getByTestId('rau-histogram').screenshot({ path: `${SHOTS}/multitask-rau-histogram.png` });
  await page.getByTestId('cosine-matrix').screenshot({ path: `${SHOTS}/multitask-cosine.png` });
  await page.locator('section.panel', { has: page.getByTestId('entanglement-heatmap') }).screenshot({ path: `${SHOTS}/multitask-entanglement.png` });
  await page.screenshot({ path: `${SHOTS}/multitask-view.png`, fullPage: true });

  // Conflict pairs (tiny): five models, 39-bin histograms, the joint heatmap.
  await page.getByTestId('conflict-start').click();
  await expect(page.getByTestId('conflict-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  const panels = page.getByTestId('distance-histograms').locator('g.distance-panel');
  await expect(panels).toHaveCount(10);
  await expect(panels.first().locator('rect.bin-conflict')).toHaveCount(39);
  await expect(page.getByTestId('joint-histogram').locator('g.joint-panel')).toHaveCount(5);
  await page.getByTestId('distance-histograms').screenshot({ path: `${SHOTS}/multitask-distances.png` });
  await page.getByTestId('joint-histogram').screenshot({ path: `${SHOTS}/multitask-joint.png` });
});

test('a multi-task run reloaded mid-way comes back interrupted with its history, and resumes from its checkpoint', async ({ page }) => {
  test.setTimeout(180_000);
  const status = await openMultitask(page, 'msteps=2000&mbs=64&mmodel=shared-bottom');
  await page.getByTestId('mtl-train-button').click();
  await expect(status).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  // Checkpointed every few seconds while it runs; wait for one past the first snapshot (step 50).
  await expect.poll(() => storedMultitaskStep(page), { timeout: 120_000 }).toBeGreaterThan(50);
  await page.reload();

  await expect(status).toHaveAttribute('data-status', 'interrupted', { timeout: 60_000 });
  const step = Number(await status.getAttribute('data-step'));
  expect(step).toBeGreaterThan(0);
  await expect(status).toContainText(`Interrupted at step ${step} of 2000`);
  await expect(page.getByTestId('dominance-chart').locator('g.dominance-bar').first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/multitask-interrupted.png` });

  // Resume, stopped early here to keep the test short: it goes on from the checkpoint's step, under the same record.
  await page.getByTestId('mtl-resume').click();
  await expect(status).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await expect.poll(async () => Number(await status.getAttribute('data-step'))).toBeGreaterThan(step);
  await page.getByTestId('mtl-stop-button').click();
  await expect(status).toHaveAttribute('data-status', 'stopped', { timeout: 60_000 });
  await expect.poll(() => storedMultitaskRuns(page)).toBe(1);
});

/** The curves of each stored multi-task run, oldest first: loss points and every layer's mean rAU per snapshot. */
async function storedMultitaskCurves(page: Page) {
  return (await storedRuns(page, 'multitask')).map((r) => ({
    status: r.config.run.status,
    step: r.config.run.step,
    losses: r.metrics.filter((m) => Object.keys(m.values).some((k) => k.includes('_loss_'))),
    rau: (r.config.run.snapshots ?? []).map((s) => ({
      step: s.step,
      adam: s.arms.adam.dominance.map((l) => [l.layer, l.meanRau]),
      alt: s.arms.alt.dominance.map((l) => [l.layer, l.meanRau]),
    })),
  }));
}

test('a multi-task run paused, reloaded and resumed draws the same curves as one never interrupted', async ({ page }) => {
  test.setTimeout(300_000);
  const status = await openMultitask(page, 'msteps=400&mbs=64&mmodel=shared-bottom&mseed=3');
  await page.getByTestId('mtl-train-button').click();
  await expect(status).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await expect.poll(async () => Number(await status.getAttribute('data-step')), { timeout: 60_000 }).toBeGreaterThan(30);
  // Pausing stores a checkpoint at the step it paused on; the reload then loses everything after it.
  await page.getByTestId('mtl-pause-button').click();
  await expect(status).toHaveAttribute('data-status', 'paused', { timeout: 60_000 });
  const pausedAt = Number(await status.getAttribute('data-step'));
  await expect.poll(() => storedMultitaskStep(page)).toBe(pausedAt);
  await page.reload();

  await expect(status).toHaveAttribute('data-status', 'interrupted', { timeout: 60_000 });
  await expect(page.getByTestId('mtl-resume')).toHaveText(`Resume from step ${pausedAt}`);
  await page.getByTestId('mtl-resume').click();
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
  await expect(status).toHaveAttribute('data-step', '400');

  // The same settings and seed again, never interrupted.
  await page.getByTestId('mtl-train-button').click();
  await expect(status).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 180_000 });

  await expect.poll(async () => (await storedMultitaskCurves(page)).map((r) => r.status)).toEqual(['done', 'done']);
  const [resumed, straight] = await storedMultitaskCurves(page);
  expect(resumed.losses.length).toBeGreaterThan(50);
  expect(resumed.rau.length).toBeGreaterThan(10);
  expect(resumed.losses).toEqual(straight.losses);
  expect(resumed.rau).toEqual(straight.rau);
});

test('a saved run overlays the open one in the rAU-over-steps chart', async ({ page }) => {
  test.setTimeout(180_000);
  const status = await openMultitask(page, 'msteps=20&mbs=128&mmodel=mmoe');
  await page.getByTestId('mtl-train-button').click();
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await page.getByTestId('mtl-model-select').selectOption('shared-bottom');
  await page.getByTestId('mtl-train-button').click();
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 120_000 });

  // The open run is the shared-bottom one; the MMoE run can be overlaid on it.
  await expect(page.getByTestId('mtl-overlay-button')).toHaveCount(1);
  await page.getByTestId('mtl-layer-select').selectOption('embedding');
  const lines = page.getByTestId('rau-lines').locator('path.rau-line');
  await expect(lines).toHaveCount(4);
  await page.getByTestId('mtl-overlay-button').click();
  await expect(page.getByTestId('mtl-overlay-button')).toHaveAttribute('aria-pressed', 'true');
  await expect(lines).toHaveCount(8);
  await expect(page.getByTestId('mtl-overlay-note')).toContainText('MMoE');
  // Both runs share the embedding layer: the overlaid lines have points, in their own dash patterns.
  const overlaid = await lines.evaluateAll((els) => els.slice(4).map((e) => ({ d: e.getAttribute('d') ?? '', dash: e.getAttribute('stroke-dasharray') })));
  for (const l of overlaid) expect(l.d.length).toBeGreaterThan(10);
  expect(new Set(overlaid.map((l) => l.dash)).size).toBe(2);
  await page.getByTestId('rau-lines').screenshot({ path: `${SHOTS}/multitask-overlay.png` });
  await page.getByTestId('mtl-overlay-button').click();
  await expect(lines).toHaveCount(4);
});

test('at phone width the multi-task view fits the screen: no sideways scroll, chart titles and buttons apart', async ({ page }) => {
  test.setTimeout(180_000);
  const status = await openMultitask(page, 'msteps=20&mbs=128&mcsteps=4&mmodel=mmoe');
  await page.setViewportSize({ width: 390, height: 900 });
  await page.getByTestId('mtl-train-button').click();
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await page.getByTestId('conflict-start').click();
  await expect(page.getByTestId('conflict-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('dominance-chart')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
  // The download buttons sit above a narrow chart, so they cover none of its title.
  const figure = page.locator('figure.chart', { has: page.getByTestId('dominance-chart') });
  const buttons = (await figure.locator('.chart-actions').boundingBox())!;
  const title = (await figure.locator('.chart-title').boundingBox())!;
  expect(buttons.y + buttons.height).toBeLessThanOrEqual(title.y);
  await page.locator('.panel', { has: page.getByTestId('dominance-chart') }).screenshot({ path: `${SHOTS}/phone-dominance.png` });
});
