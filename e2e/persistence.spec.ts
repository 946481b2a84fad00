import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { card, iaOf, importTable, openStudio, storedTableCount } from './studioHelpers.ts';

const TABLE = 'collapsed_f32.npy';

test('an uploaded table is still there after reload, with the same IA', async ({ page }) => {
  await openStudio(page);
  const before = await iaOf(await importTable(page, TABLE));
  await expect.poll(() => storedTableCount(page)).toBe(1);
  await page.reload();
  await expect(card(page, TABLE)).toBeVisible();
  expect(await iaOf(card(page, TABLE))).toEqual(before);
  await expect(page.getByTestId('table-card')).toHaveCount(3); // the examples regenerate as well
  // Removing it removes it from storage too.
  await card(page, TABLE).getByTestId('remove-table').click();
  await expect.poll(() => storedTableCount(page)).toBe(0);
});

test('workspace export, clear, import back', async ({ page }, info) => {
  await openStudio(page);
  const before = await iaOf(await importTable(page, TABLE));
  await page.getByTestId('workspace-menu').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('workspace-export').click()]);
  expect(download.suggestedFilename()).toMatch(/\.reclens\.json$/);
  const path = info.outputPath(download.suggestedFilename());
  await download.saveAs(path);
  const saved = JSON.parse(readFileSync(path, 'utf8')) as { format: string; version: number; tables: { source: string }[]; runs: unknown[] };
  expect(saved.format).toBe('reclens-workspace');
  expect(saved.version).toBe(1);
  expect(saved.tables.map((t) => t.source)).toEqual([TABLE]);

  await page.getByTestId('workspace-menu').click();
  await page.getByTestId('workspace-clear').click();
  await expect(card(page, TABLE)).toHaveCount(0);
  await expect(page.getByTestId('table-card')).toHaveCount(2);

  await page.getByTestId('workspace-menu').click();
  await page.getByTestId('workspace-import').setInputFiles(path);
  await expect(card(page, TABLE)).toBeVisible();
  expect(await iaOf(card(page, TABLE))).toEqual(before);
  await expect(page.getByTestId('notice-workspace')).toContainText('1 table');
});

test('a bad workspace file says why by name and keeps what is loaded', async ({ page }) => {
  await openStudio(page);
  await importTable(page, TABLE);
  await page.getByTestId('workspace-menu').click();
  await page
    .getByTestId('workspace-import')
    .setInputFiles({ name: 'broken.reclens.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"reclens-workspace",') });
  const notice = page.getByTestId('notice-workspace');
  await expect(notice).toContainText('"broken.reclens.json" is not a RecLens workspace');
  await expect(notice).toContainText('not valid JSON');

  await page.getByTestId('workspace-menu').click();
  await page.getByTestId('workspace-import').setInputFiles({
    name: 'future.reclens.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ format: 'reclens-workspace', version: 9, tables: [], runs: [] })),
  });
  await expect(notice).toContainText('newer RecLens (workspace v9');
  await expect(page.getByTestId('table-card')).toHaveCount(3);
});

test('a link with lesson=1&step=2 opens that step with its chart highlighted', async ({ page }) => {
  await openStudio(page, '#v=2&lesson=1&step=2');
  await expect(page.getByTestId('lesson-panel')).toBeVisible();
  await expect(page.getByTestId('lesson-step-title')).toHaveText('Read the singular spectrum heatmap');
  await expect(card(page, 'Example: collapsed model').locator('figure[data-lesson-highlight]')).toHaveCount(1);
  await page.getByTestId('lesson-next').click();
  await expect(page).toHaveURL(/lesson=1&step=3/);
});

test('view settings round-trip through the URL', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openStudio(page);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page).toHaveURL(/#v=2&theme=dark/);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('a link from another version says so and opens with defaults', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openStudio(page, '#v=3&theme=dark&lesson=1');
  await expect(page.getByTestId('notice-url')).toContainText('This link was made by a newer RecLens (v3); opening with defaults.');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect(page.getByTestId('lesson-panel')).toHaveCount(0);
  await openStudio(page, '#v=2&lesson=abc');
  await expect(page.getByTestId('notice-url')).toContainText('Ignored lesson=abc');
});

test('without IndexedDB the studio warns and still works', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window.IDBFactory.prototype, 'open', {
      value: () => {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      },
    });
  });
  await openStudio(page);
  await expect(page.getByTestId('notice-storage')).toContainText('Your work will not be kept after reload: the browser does not allow storage here');
  await importTable(page, TABLE);
  await expect(page.getByTestId('table-card')).toHaveCount(3);
});

test('offline after the first load: a reload still renders the studio', async ({ page, context }) => {
  await openStudio(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  // The worker precaches the page, its assets and every hashed asset they name.
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const keys = await (await caches.open('reclens-v1')).keys();
          return keys.some((k) => k.url.endsWith('.wasm')) && keys.some((k) => /index-.*\.js$/.test(k.url));
        }),
      { timeout: 60_000 },
    )
    .toBe(true);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'RecLens' })).toBeVisible();
  await expect(page.getByTestId('table-card')).toHaveCount(2);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await context.setOffline(false);
});

test('a removed example stays removed after reload', async ({ page }) => {
  await openStudio(page);
  const cards = page.getByTestId('table-card');
  await expect(cards).toHaveCount(2);
  const first = cards.first();
  const title = (await first.getByTestId('remove-table').getAttribute('aria-label'))!.replace(/^Remove /, '');
  await first.getByTestId('remove-table').click();
  await expect(cards).toHaveCount(1);
  await page.reload();
  await expect(cards).toHaveCount(1);
  // Give the examples, generated in the worker after first paint, time to (not) arrive.
  await page.waitForTimeout(1500);
  await expect(cards).toHaveCount(1);
  await expect(page.getByRole('button', { name: `Remove ${title}` })).toHaveCount(0);
});
