import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { SHOTS } from './studioHelpers.ts';

/** Small models through the link, so the runs take seconds. */
const SMALL = 'sdim=8&sadim=4&shist=40&stopk=10&sbs=32&sep=2&slr=0.01';

async function openSequences(page: Page, settings: string, width = 1440) {
  await page.setViewportSize({ width, height: 1000 });
  await page.goto(`/#v=2&view=sequence&${settings}`);
  await expect(page.getByTestId('sequence-tab')).toHaveAttribute('aria-selected', 'true');
}

/** Per panel of a heatmap chart: its label and its cells' values. */
async function heatmapPanels(page: Page, testId: string) {
  return page
    .getByTestId(testId)
    .locator('g.correlation-panel')
    .evaluateAll((panels) =>
      panels.map((p) => ({
        label: p.getAttribute('data-label')!,
        note: p.querySelector('.panel-note')?.textContent ?? '',
        values: Array.from(p.querySelectorAll('rect.correlation-cell')).map((c) => Number(c.getAttribute('data-value'))),
      })),
    );
}

test('sequences: a dropped Taobao UserBehavior.csv, TWIN vs DARE, heatmaps, gradient conflict and AUC curves', async ({ page }) => {
  test.setTimeout(240_000);
  await openSequences(page, SMALL);
  const file = resolve('test/sequence-data/taobao_user_behavior_sample.csv');
  await page.getByTestId('seq-file-input').setInputFiles({ name: 'UserBehavior.csv', mimeType: 'text/csv', buffer: readFileSync(file) });
  const state = page.getByTestId('seq-dataset-state');
  await expect(state).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
  await expect(state).toContainText('training');
  await expect(page.getByTestId('seq-dataset-select')).toHaveValue('file');

  // The ground truth shows before any run.
  const truth = await heatmapPanels(page, 'seq-heatmap-0');
  expect(truth.map((p) => p.label)).toEqual(['ground truth']);
  expect(truth[0].values.length).toBeGreaterThan(0);
  expect(truth[0].values.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);

  await page.getByTestId('seq-compare-button').click();
  const runs = page.getByTestId('seq-runs').locator('li');
  await expect(runs).toHaveCount(2, { timeout: 60_000 });
  await expect(page.getByTestId('seq-queue')).toBeHidden({ timeout: 180_000 });
  await expect(runs.and(page.locator('[data-status="done"]'))).toHaveCount(2);

  // Heatmaps: ground truth beside TWIN's and DARE's learned correlation, each with its Spearman ρ.
  const panels = await heatmapPanels(page, 'seq-heatmap-0');
  expect(panels.map((p) => p.label.split(' ')[0])).toEqual(['ground', 'TWIN', 'DARE']);
  for (const p of panels.slice(1)) {
    expect(p.values).toHaveLength(panels[0].values.length);
    expect(p.note).toMatch(/Spearman ρ (-?\d\.\d\d|–) with the ground truth/);
    const finite = p.values.filter(Number.isFinite);
    expect(Math.min(...finite)).toBe(0);
    expect(Math.max(...finite)).toBeCloseTo(1, 9);
  }

  // Gradient conflict of the coupled model (TWIN): a histogram on [-1, 1] over the rows observed.
  const bins = page.getByTestId('seq-conflict-histogram').locator('rect.cosine-bin');
  await expect(bins).toHaveCount(20);
  const counts = await bins.evaluateAll((b) => b.map((r) => Number(r.getAttribute('data-count'))));
  expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  await expect(page.getByTestId('seq-conflict-histogram')).toContainText('conflicting (cos < 0)');
  await expect(page.getByTestId('seq-domination').locator('g.series')).toHaveCount(1);

  // AUC over training: one line per model, the verdicts say one seed is not enough.
  const lines = await page
    .getByTestId('seq-auc')
    .locator('g.series')
    .evaluateAll((g) => g.map((s) => s.getAttribute('data-label')));
  expect(lines).toEqual(['TWIN', 'DARE attn 4/8']);
  await expect(page.getByTestId('seq-verdicts')).toContainText('from one seed, so its noise is unknown');
  await expect(page.getByTestId('seq-sweep').locator('circle')).toHaveCount(2);

  await page.locator('section.panel', { has: page.getByTestId('seq-heatmap-0') }).screenshot({ path: `${SHOTS}/sequence-heatmaps.png` });
  await page.locator('section.panel', { has: page.getByTestId('seq-conflict-histogram') }).screenshot({ path: `${SHOTS}/sequence-conflict.png` });
  await page.locator('section.panel', { has: page.getByTestId('seq-auc') }).screenshot({ path: `${SHOTS}/sequence-auc.png` });
  await page.locator('section.panel', { has: page.getByTestId('seq-sweep') }).screenshot({ path: `${SHOTS}/sequence-sweep.png` });
  await page.screenshot({ path: `${SHOTS}/sequence-view.png`, fullPage: true });
  // No serious or critical axe finding in the filled view.
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(
    violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);

  // The runs persist: after a reload they are back (the dropped file is not, so its charts wait for it).
  await page.reload();
  await expect(page.getByTestId('seq-runs').locator('li')).toHaveCount(2);

  // Phone width: the heatmaps stack one panel a row and stay inside the page.
  await page.setViewportSize({ width: 390, height: 900 });
  await page.getByTestId('seq-file-input').setInputFiles({ name: 'UserBehavior.csv', mimeType: 'text/csv', buffer: readFileSync(file) });
  await expect(state).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
  const heatmap = page.getByTestId('seq-heatmap-0');
  await expect(heatmap.locator('g.correlation-panel')).toHaveCount(3);
  const box = await heatmap.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(390);
  await page.locator('section.panel', { has: heatmap }).screenshot({ path: `${SHOTS}/sequence-heatmaps-phone.png` });
  await page.locator('section.panel', { has: page.getByTestId('seq-conflict-histogram') }).screenshot({ path: `${SHOTS}/sequence-conflict-phone.png` });
});

test('sequences: the built-in synthetic dataset is generated in the worker at 12,000 users, trains DARE with a Bayes AUC to compare with, and regenerates at another size', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await openSequences(page, 'smodel=dare&sdim=8&sadim=4&shist=30&stopk=10&sbs=2048&sep=1&slr=0.02');
  const state = page.getByTestId('seq-dataset-state');
  const started = Date.now();
  await expect(state).toContainText('Generating synthetic-sequences (12,000 users)');
  await expect(state).toHaveAttribute('data-phase', 'ready', { timeout: 90_000 });
  console.log(`12,000 users generated with their ground truth: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await expect(page.getByTestId('seq-dataset-select')).toHaveValue('synthetic-sequences');
  await expect(page.getByTestId('seq-users-select')).toHaveValue('12000');
  // The worker's numbers: the generator's samples and the Bayes AUC of its true probabilities (index.json says the same).
  await expect(state).toContainText('203,900 training and 36,100 test samples');
  await expect(state).toContainText('Bayes test AUC 0.728');
  await page.getByTestId('seq-train-button').click();
  const run = page.getByTestId('seq-runs').locator('li').first();
  await expect(run).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  await expect(run).toHaveAttribute('data-model', 'dare');
  await expect(run).toContainText('12,000 users');
  await expect(page.getByTestId('seq-auc').locator('.reference-line')).toHaveCount(1);
  // The verdict compares the result with the Bayes AUC, whatever it is.
  await expect(page.getByTestId('seq-verdicts')).toContainText(/DARE attn 4\/8: (near the Bayes AUC|learned|did not learn|no better than chance)/);
  // DARE has no coupled table: the gradient panel says so rather than drawing nothing.
  await expect(page.getByTestId('seq-conflict-histogram')).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/sequence-builtin.png`, fullPage: true });

  // Another size: generated again, its own Bayes AUC; the link carries it.
  await page.getByTestId('seq-users-select').selectOption('3000');
  await expect(state).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
  await expect(state).toContainText('50,940 training and 9,060 test samples');
  await expect(state).toContainText('Bayes test AUC 0.731');
  await expect(page).toHaveURL(/susers=3000/);
  // A bad file loses nothing: its error shows, and the generated dataset stays loaded and trainable.
  await page.getByTestId('seq-file-input').setInputFiles({
    name: 'broken.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('label,user,target_item,target_category,hist_items,hist_categories\n1,u1,5,2,1 2,3\n'),
  });
  await expect(page.getByTestId('seq-kept-dataset')).toContainText('The dataset loaded before is kept.');
  await expect(state).toHaveAttribute('data-phase', 'ready');
  await expect(state).toContainText('50,940 training and 9,060 test samples');
  await expect(page.getByTestId('seq-train-button')).toBeEnabled();
  await page.screenshot({ path: `${SHOTS}/sequence-bad-file-kept.png`, fullPage: true });
  // Cancel stops a generation under way.
  await page.getByTestId('seq-users-select').selectOption('12000');
  await expect(state).toContainText('generating users');
  await page.getByTestId('seq-cancel-load').click();
  await expect(state).toHaveAttribute('data-phase', 'error');
  await expect(state).toContainText('cancelled');

  // Phone width: the form and the dataset line fit.
  await page.setViewportSize({ width: 390, height: 900 });
  await page.getByTestId('seq-users-select').selectOption('6000');
  await expect(state).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
  await expect(state).toContainText('Bayes test AUC 0.729');
  const form = page.locator('section.seq-form');
  expect((await form.boundingBox())!.width).toBeLessThanOrEqual(390);
  await form.screenshot({ path: `${SHOTS}/sequence-builtin-form-phone.png` });
  await page.screenshot({ path: `${SHOTS}/sequence-builtin-phone.png`, fullPage: true });
});
