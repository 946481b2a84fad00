import { readFileSync } from 'node:fs';
import { expect, test, type Page, type TestInfo } from '@playwright/test';

const SHOTS = 'test-results/screenshots';

/** The tiny dataset (40k train rows) on wasm; `epochs` and `batch` set how long the run lasts. */
const link = (epochs: number, seed: number, batch = 128) =>
  `/#v=2&view=train&tds=synthetic-ctr-tiny&tmodel=dnn&tdim=4&tmlp=16&tbs=${batch}&tep=${epochs}&tpat=0&teval=0&tsnap=40&tlr=0.01&tseed=${seed}`;

async function openOnWasm(page: Page, url: string) {
  await page.setViewportSize({ width: 1440, height: 1100 });
  await page.goto(url);
  await expect(page.getByTestId('train-backend-select')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('train-backend-select').selectOption('wasm');
  await expect(page.getByTestId('train-backend')).toHaveAttribute('data-backend', 'wasm');
}

const status = (page: Page) => page.getByTestId('train-status');

interface LossRun {
  label: string;
  losses: { step: number; loss: number }[];
}

/** The loss chart's data, as its JSON download gives it. */
async function downloadedLosses(page: Page, info: TestInfo, name: string): Promise<LossRun[]> {
  // The first "Download chart data" group belongs to the loss chart.
  const json = page.getByRole('group', { name: 'Download chart data' }).first().getByRole('button', { name: 'JSON' });
  const [download] = await Promise.all([page.waitForEvent('download'), json.click()]);
  const path = info.outputPath(name);
  await download.saveAs(path);
  return JSON.parse(readFileSync(path, 'utf8')) as LossRun[];
}

test('a run reloaded mid-training (paused) comes back up to its last checkpoint and resumes to the end', async ({ page }, info) => {
  test.setTimeout(180_000);
  await openOnWasm(page, link(15, 5));
  await page.getByTestId('train-button').click();
  await expect(status(page)).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  await expect(status(page)).not.toHaveAttribute('data-step', '0');
  // A pause stores a checkpoint at once (a running run stores one every 5 s, which a fast machine
  // can outrun on this tiny dataset; src/workers/trainingService.test.ts covers the timer).
  await page.getByTestId('pause-button').click();
  await expect(status(page)).toHaveAttribute('data-status', 'paused');
  await expect(status(page)).toHaveAttribute('data-saved-step', /\d+/, { timeout: 30_000 });
  await page.reload();

  await expect(status(page)).toHaveAttribute('data-status', 'interrupted', { timeout: 30_000 });
  const saved = Number(await status(page).getAttribute('data-saved-step'));
  expect(saved).toBeGreaterThan(0);
  expect(Number(await status(page).getAttribute('data-step'))).toBe(saved);
  await expect(page.getByTestId('notice-train-interrupted')).toContainText(`interrupted at step ${saved}`);
  await expect(page.getByTestId('loss-chart').locator('g.series path').first()).toBeVisible();
  const restored = (await downloadedLosses(page, info, 'restored.json'))[0].losses;
  expect(restored.at(-1)?.step).toBe(saved);
  await page
    .locator('.train-view .workspace > .panel')
    .first()
    .screenshot({ path: `${SHOTS}/train-interrupted.png` });

  await expect(page.getByTestId('train-backend-select')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('train-backend-select').selectOption('wasm');
  await page.getByTestId('resume-run').click();
  await expect(status(page)).toHaveAttribute('data-status', /running|done/, { timeout: 30_000 });
  await expect(status(page)).toHaveAttribute('data-status', 'done', { timeout: 150_000 });
  const finished = (await downloadedLosses(page, info, 'finished.json'))[0].losses;
  // The history before the break is kept, the run continues after it, and no step repeats.
  expect(finished.slice(0, restored.length)).toEqual(restored);
  expect(finished.at(-1)!.step).toBeGreaterThan(saved);
  const steps = finished.map((p) => p.step);
  expect(steps.every((s, i) => i === 0 || s > steps[i - 1])).toBe(true);
  // The same run, not a new one.
  await expect(page.getByTestId('runs-table').locator('tbody tr')).toHaveCount(1);
  await page
    .locator('.train-view .workspace > .panel')
    .first()
    .screenshot({ path: `${SHOTS}/train-resumed-done.png` });
});

test('the same link trains the same curves in a fresh browser profile', async ({ browser }, info) => {
  test.setTimeout(180_000);
  const curves: { step: number; loss: number }[][] = [];
  for (const seed of [11, 11, 12]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await openOnWasm(page, link(2, seed, 1024));
    await page.getByTestId('train-button').click();
    await expect(status(page)).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
    curves.push((await downloadedLosses(page, info, `seed-${seed}-${curves.length}.json`))[0].losses);
    await context.close();
  }
  const [a, b, other] = curves;
  expect(a.length).toBeGreaterThan(3);
  expect(b.map((p) => p.step)).toEqual(a.map((p) => p.step));
  // Same backend, same seed: equal to float32 rounding.
  b.forEach((p, i) => expect(Math.abs(p.loss - a[i].loss)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(a[i].loss))));
  // Another seed gives another curve (the check above could fail).
  expect(other.some((p, i) => a[i] && p.step === a[i].step && Math.abs(p.loss - a[i].loss) > 1e-3)).toBe(true);
});
