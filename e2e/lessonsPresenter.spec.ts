import { expect, test, type Page } from '@playwright/test';
import { openStudio } from './studioHelpers.ts';

/** Screenshots of the lesson dock and presenter mode, looked at by hand after a layout change. */
const SHOTS = process.env.LESSON_SHOTS ?? 'test-results/screenshots';

const box = async (page: Page, testId: string) => (await page.getByTestId(testId).boundingBox())!;

test('desktop: the lesson heads the settings column and the charts keep the width; keys and Copy link drive it', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/#v=2&lesson=2&step=2');
  await expect(page.getByTestId('lesson-step-title')).toHaveText("Each field's IA while it trains");
  const dock = await box(page, 'lesson-dock');
  const main = (await page.locator('main.workspace').boundingBox())!;
  // No empty band: the lesson sits left of the charts, which get what is left of 1280 px.
  expect(dock.x + dock.width).toBeLessThanOrEqual(main.x);
  expect(main.width).toBeGreaterThan(750);
  expect(main.x + main.width).toBeGreaterThan(1200);

  // A link opened at step 2 offers step 1's training instead of asking for tables.
  const look = page.locator('.lesson-look');
  await expect(look).not.toContainText('load the tables it needs');
  await expect(page.getByTestId('lesson-source-action')).toContainText(/Train DCNv2 on the lesson dataset \(\d+ epochs?\) \(step 1's run\)/);
  await page.screenshot({ path: `${SHOTS}/presenter-desktop-step2.png` });

  // Keys: → and ← move, Esc closes; typing in a form field moves nothing.
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/lesson=2&step=3/);
  await page.keyboard.press('ArrowLeft');
  await expect(page).toHaveURL(/lesson=2&step=2/);
  await page.getByTestId('embedding-dim-input').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(/lesson=2&step=2/);
  await page.locator('body').click({ position: { x: 1000, y: 700 } });

  await page.getByTestId('lesson-copy-link').click();
  await expect(page.getByTestId('lesson-copy-link')).toHaveText('Link copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(page.url());
  expect(page.url()).toMatch(/lesson=2&step=2/);

  // A step whose chart is a setting in the column below the lesson scrolls it into sight, not under the lesson.
  await page.getByRole('button', { name: 'Step 4:', exact: false }).click();
  const dim = page.getByTestId('embedding-dim-input');
  await expect(dim).toBeInViewport();
  await expect
    .poll(async () => (await dim.boundingBox())!.y)
    .toBeGreaterThanOrEqual((await box(page, 'lesson-dock')).y + (await box(page, 'lesson-dock')).height);
  await page.screenshot({ path: `${SHOTS}/presenter-desktop-step4.png` });

  await page.keyboard.press('Escape');
  await expect(page.getByTestId('lesson-panel')).toHaveCount(0);
  await expect(page).not.toHaveURL(/lesson=/);
});

test('big text: title and Previous/Next stay in sight, chart labels grow', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openStudio(page, '#v=2&lesson=1&step=2');
  await page.setViewportSize({ width: 1280, height: 800 });
  const tick = page
    .locator('[data-testid="spectrum-heatmap"]')
    .first()
    .locator('text')
    .filter({ hasText: /^user_id/ });
  await expect(tick.first()).toBeVisible();
  // The heatmap may still redraw (its label is briefly detached): measure once it holds a box.
  let before = 0;
  await expect.poll(async () => (before = (await tick.first().boundingBox())?.height ?? 0)).toBeGreaterThan(0);

  await page.getByTestId('presenter-bigText').click();
  await expect(page).toHaveURL(/big=1/);
  // The charts redraw at the narrower width and are stretched back: every label grows.
  await expect.poll(async () => ((await tick.first().boundingBox())?.height ?? 0) / before).toBeGreaterThan(1.2);

  for (const size of [
    { width: 1280, height: 800 },
    { width: 1280, height: 600 },
  ]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300);
    const heading = page.locator('#lesson-heading');
    // Not clipped: the whole title is inside the panel, the panel inside the screen.
    const panel = await box(page, 'lesson-panel');
    const title = (await heading.boundingBox())!;
    expect(title.y).toBeGreaterThanOrEqual(panel.y);
    expect(title.x + title.width).toBeLessThanOrEqual(panel.x + panel.width);
    for (const id of ['lesson-prev', 'lesson-next']) {
      const b = await box(page, id);
      expect(b.y + b.height).toBeLessThanOrEqual(size.height);
      await expect(page.getByTestId(id)).toBeInViewport();
    }
    await page.screenshot({ path: `${SHOTS}/presenter-bigtext-${size.height}.png` });
  }
});

test('phone width: the lesson is a sheet at the bottom, its navigation on screen', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 390, height: 844 });
  for (const hash of ['#v=2&lesson=2&step=2', '#v=2&lesson=4&step=1&big=1', '#v=2&lesson=1&step=3&big=1&bare=1']) {
    await page.goto(`/${hash}`);
    await expect(page.getByTestId('lesson-step-title')).toBeVisible();
    await page.waitForTimeout(600);
    const dock = await box(page, 'lesson-dock');
    expect(dock.x).toBeGreaterThanOrEqual(0);
    expect(dock.x + dock.width).toBeLessThanOrEqual(390);
    expect(dock.y + dock.height).toBeLessThanOrEqual(844);
    expect(dock.height).toBeLessThan(844 * 0.62);
    for (const id of ['lesson-prev', 'lesson-next', 'lesson-close', 'lesson-copy-link']) await expect(page.getByTestId(id)).toBeInViewport({ ratio: 1 });
    // Nothing in the dock is wider than the screen.
    expect(await page.getByTestId('lesson-dock').evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/presenter-phone-${hash.replace(/[#=&]/g, '_')}.png` });
  }
});
