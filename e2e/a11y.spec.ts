import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openStudio, REFERENCE } from './studioHelpers.ts';

/** Runs axe on the page as it is now; fails on serious or critical violations, listing them. */
async function expectAccessible(page: Page, state: string) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  if (violations.length > 0) console.log(`${state}: minor axe findings ${violations.map((v) => `${v.id}/${v.impact} x${v.nodes.length}`).join(', ')}`);
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes
          .slice(0, 5)
          .map((n) => `  ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(0, 2).join(' ')}`)
          .join('\n')}`,
    )
    .join('\n');
  expect(bad, `${state}:\n${report}`).toEqual([]);
}

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`${scheme} theme`, () => {
    test.beforeEach(async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
    });

    test('first paint', async ({ page }) => {
      await openStudio(page);
      await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
      await expectAccessible(page, 'first paint');
    });

    test('import dialog open', async ({ page }) => {
      await openStudio(page);
      await page
        .getByTestId('file-input')
        .setInputFiles({ name: 'fields.npz', mimeType: 'application/octet-stream', buffer: readFileSync(resolve(REFERENCE, 'fields.npz')) });
      await expect(page.getByTestId('import-dialog')).toBeVisible();
      await expectAccessible(page, 'import dialog');
    });

    test('error banner and notices', async ({ page }) => {
      await openStudio(page, '#v=7');
      await page.getByTestId('file-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a table') });
      await expect(page.getByTestId('import-error')).toBeVisible();
      await expect(page.getByTestId('notice-url')).toBeVisible();
      await expectAccessible(page, 'error banner');
    });

    test('lesson panel open, presenter flags on', async ({ page }) => {
      await openStudio(page, '#v=2&lesson=1&step=3');
      await expect(page.getByTestId('lesson-panel')).toBeVisible();
      await expectAccessible(page, 'lesson panel');
      await page.getByTestId('presenter-bigText').click();
      await page.getByTestId('presenter-hideControls').click();
      await expectAccessible(page, 'lesson panel, big text, bare');
    });

    test('workspace menu open', async ({ page }) => {
      await openStudio(page);
      await page.getByTestId('workspace-menu').click();
      await expect(page.getByTestId('workspace-export')).toBeVisible();
      await expectAccessible(page, 'workspace menu');
    });
  });
}
