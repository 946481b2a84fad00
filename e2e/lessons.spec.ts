import { expect, test } from '@playwright/test';
import { card, iaOf, openStudio, SHOTS } from './studioHelpers.ts';

const TITLES = [
  'Embeddings can quietly stop using their dimensions',
  'Read the singular spectrum heatmap',
  'One number per field: information abundance',
  'Spectrum curves: how fast the values fall',
  'Compare the tables field by field',
  'Now look at your own table',
];

test('lesson 1 from its link, step by step, with claims read off the results', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openStudio(page, '#v=1&lesson=1&step=1');
  const panel = page.getByTestId('lesson-panel');
  await expect(panel).toBeVisible();
  const collapsed = await iaOf(card(page, 'Example: collapsed model'));
  const healthy = await iaOf(card(page, 'Example: healthy model'));

  for (const [i, title] of TITLES.entries()) {
    await expect(page.getByTestId('lesson-step-title')).toHaveText(title);
    await expect(page).toHaveURL(new RegExp(i === 0 ? '#v=1&lesson=1$' : `#v=1(&sort=ia)?&lesson=1&step=${i + 1}`));
    await expect(page.locator('[data-lesson-highlight]').first()).toBeVisible();
    if (i === 2) {
      // "uses about N of 32 dimensions" comes from the computed IA, not from the text of the lesson.
      const text = page.getByTestId('lesson-step-body');
      await expect(text).toContainText(`IA ${collapsed.item_id.toFixed(2)}: it uses about ${Math.round(collapsed.item_id)} of its 32 dimensions`);
      await expect(text).toContainText(`IA ${healthy.item_id.toFixed(2)}`);
      await expect(page).toHaveURL(/sort=ia/);
    }
    if (i === 3) {
      await page.getByTestId('lesson-action').click();
      await expect(page.locator('[data-testid="spectrum-curves"] .curve')).toHaveCount(2);
    }
    await page.waitForTimeout(300); // smooth-scroll and highlight settle
    await page.screenshot({ path: `${SHOTS}/lesson1-step${i + 1}.png` });
    if (i < TITLES.length - 1) await page.getByTestId('lesson-next').click();
  }
  await expect(page.getByTestId('lesson-next')).toBeDisabled();
  await page.getByTestId('lesson-prev').click();
  await expect(page.getByTestId('lesson-step-title')).toHaveText(TITLES[4]);
});

test('presenter mode: dark, big text, bare screen, auto-play', async ({ page }) => {
  await page.clock.install();
  await openStudio(page, '#v=1&theme=dark&lesson=1&step=2&big=1&bare=1');
  await expect(page.getByTestId('lesson-step-title')).toHaveText(TITLES[1]);
  await expect(page.getByTestId('file-input')).toBeHidden();
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SHOTS}/lesson1-presenter-dark.png` });
  await page.getByTestId('lesson-play').click();
  await page.clock.runFor(12_500);
  await expect(page.getByTestId('lesson-step-title')).toHaveText(TITLES[2]);
  await expect(page).toHaveURL(/play=1/);
});

test('lessons that need views not built yet are listed, not openable', async ({ page }) => {
  await openStudio(page);
  await expect(page.getByTestId('open-lesson-1')).toBeVisible();
  for (const id of [2, 3, 4, 5]) await expect(page.getByTestId(`lesson-unavailable-${id}`)).toContainText('needs the');
  await page.getByTestId('open-lesson-1').click();
  await expect(page).toHaveURL(/lesson=1/);
});
