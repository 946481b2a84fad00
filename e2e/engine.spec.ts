import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { writePlantedNpy } from '../bench/plantedTable.ts';

declare global {
  interface Window {
    __longtasks: { start: number; duration: number }[];
    __firstProgress: number;
    __lastProgress: number;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'reclens-engine-'));
const SMALL = join(dir, 'long_1m_x16.npy');
const BIG = join(dir, 'cancel_2m_x64.npy');

test.beforeAll(async () => {
  test.setTimeout(120_000);
  await writePlantedNpy(SMALL, { rows: 1_000_000, dim: 16, seed: 3 });
  await writePlantedNpy(BIG, { rows: 2_000_000, dim: 64, seed: 4, reflections: 0 });
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const card = (page: Page, source: string) => page.locator(`[data-testid="table-card"][data-source="${source}"]`);

async function pickFile(page: Page, path: string, name: string) {
  await page.getByTestId('file-input').setInputFiles(path);
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog).toContainText(name);
  await expect(page.getByTestId('analyze-button')).toBeEnabled();
}

test('the fastest measured backend is active; the software WebGPU adapter is reported and not chosen', async ({ page }) => {
  // A minified build used to kill every wasm pthread with "ReferenceError: e is not defined".
  const errors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  const status = page.getByTestId('backend-status');
  await expect(status).not.toHaveAttribute('data-backend', '');
  // SwiftShader's WebGPU is a fallback adapter: tens of times slower than wasm here.
  await expect(status).toHaveAttribute('data-backend', 'wasm');
  await expect(status).toHaveAttribute('data-fallback', 'false');
  const webgpu = page.locator('.backend-reports li', { hasText: 'webgpu' });
  await expect(webgpu).toContainText('swiftshader');
  await expect(webgpu).toContainText('software adapter');
  // Not timed: its kernels compile for seconds and would stall the worker's other jobs.
  await expect(webgpu).toContainText('not timed');
  await expect(webgpu).not.toContainText('ms probe');

  const select = page.getByTestId('backend-select');
  await select.selectOption('cpu');
  await expect(status).toHaveAttribute('data-backend', 'cpu');
  await expect(select).toHaveValue('cpu');
  expect(errors.filter((e) => /is not defined|worker/i.test(e))).toEqual([]);
});

test('analysing a 1M-row table never blocks the main thread for more than 50 ms', async ({ page }) => {
  await page.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    // When the UI first and last showed progress: the analysis runs in between (the result
    // card's first render comes after). Recorded in the page: on a fast machine the whole
    // analysis can end before a round trip from the test returns.
    window.__firstProgress = 0;
    window.__lastProgress = 0;
    new MutationObserver((records) => {
      if (records.some((r) => r.attributeName === 'data-rows-done' || (r.target as Element).querySelector?.('[data-rows-done]'))) {
        window.__lastProgress = performance.now();
        // Counted from the end of the task that first showed progress (the click's own task).
        if (!window.__firstProgress) {
          window.__firstProgress = -1;
          setTimeout(() => (window.__firstProgress = performance.now()));
        }
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-rows-done'] });
  });
  await page.goto('/');
  // The backend probe runs tfjs in the worker at start-up; let it finish first.
  await expect(page.getByTestId('backend-status')).not.toHaveAttribute('data-backend', '');
  await pickFile(page, SMALL, 'long_1m_x16.npy');
  await page.getByTestId('analyze-button').click();
  const result = card(page, 'long_1m_x16.npy');
  await expect(result).toBeVisible();
  await expect(result.getByTestId('field-row').first()).toHaveAttribute('data-rows', '1000000');
  // From the end of the click's own task (which switched the UI to its progress view) to the
  // last progress update; the result card's first render comes after the analysis.
  const [t0, t1] = await page.evaluate(() => [window.__firstProgress, window.__lastProgress]);
  expect(t0, 'the analysis showed progress').toBeGreaterThan(0);
  expect(t1).toBeGreaterThan(t0);
  const during = await page.evaluate(([a, b]) => window.__longtasks.filter((t) => t.start + t.duration > a && t.start <= b), [t0, t1]);
  expect(during, `long tasks between the click (${t0.toFixed(0)} ms) and the last progress update (${t1.toFixed(0)} ms)`).toEqual([]);
});

test('cancel stops a big analysis, shows no error and keeps the tables already loaded', async ({ page }) => {
  await page.goto('/');
  const cards = page.getByTestId('table-card');
  await expect(cards).not.toHaveCount(0);
  const before = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-source')));

  await pickFile(page, BIG, 'cancel_2m_x64.npy');
  await page.getByTestId('analyze-button').click();
  const progress = page.getByTestId('progress');
  await expect(progress).toBeVisible();
  await expect.poll(async () => Number(await progress.getAttribute('data-rows-done')), { timeout: 20_000 }).toBeGreaterThan(0);
  await page.getByTestId('cancel-button').click();

  await expect(progress).toBeHidden();
  await expect(page.getByTestId('analyze-button')).toBeVisible();
  await expect(page.getByTestId('import-error')).toHaveCount(0);
  await expect(card(page, 'cancel_2m_x64.npy')).toHaveCount(0);
  expect(await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-source')))).toEqual(before);
});
