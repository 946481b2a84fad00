import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';

const SHOTS = 'test-results/screenshots';
const DATA = join(import.meta.dirname, '../test/ctr-data');

async function openTrainView(page: Page) {
  await page.setViewportSize({ width: 1440, height: 1100 });
  // One epoch of DeepCTR's 200-row sample: 160 train rows in batches of 32, small embeddings.
  await page.goto('/#v=2&view=train&tmodel=dnn&tdim=4&tmlp=16&tbs=32&tep=1&tpat=0&teval=0&tsnap=0&tlr=0.01');
  await expect(page.getByTestId('train-backend-select')).toBeEnabled({ timeout: 60_000 });
}

/** The form's notices pass axe (serious or critical findings fail) in both themes. */
async function expectFormAccessible(page: Page) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const { violations } = await new AxeBuilder({ page }).include('aside.sidebar').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${scheme}: ${v.id} ${v.nodes[0]?.target.join(' ')}`);
    expect(bad).toEqual([]);
  }
}

test("DeepCTR's criteo_sample.txt (CSV with a header, 260.0, empty cells) loads, says how it was read, and trains one epoch", async ({ page }) => {
  test.setTimeout(120_000);
  await openTrainView(page);
  await page.getByTestId('dataset-file').setInputFiles(join(DATA, 'deepctr_criteo_sample.txt'));
  // Loaded on drop: the split, and how the file was read, before any run.
  await expect(page.getByTestId('dataset-summary')).toHaveText(/39 fields · 160 train \/ 20 valid \/ 20 test rows/, { timeout: 30_000 });
  await expect(page.getByTestId('dataset-detection')).toHaveText(
    /Read as CSV with a header; label: label\..*Bucketed \(Criteo's log² buckets\): I1, I2, I3, I4, I5, I6 and 7 more\./,
  );
  await expect(page.getByTestId('dataset-no-header')).toHaveCount(0);
  await page.locator('aside.sidebar').screenshot({ path: `${SHOTS}/ctr-csv-criteo-sample-loaded.png` });

  await page.getByTestId('train-button').click();
  const status = page.getByTestId('train-status');
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  expect(Number(await status.getAttribute('data-first-loss'))).toBeGreaterThan(0);
  await page
    .locator('.train-view .workspace > .panel')
    .first()
    .screenshot({ path: `${SHOTS}/ctr-csv-criteo-sample-trained.png` });
});

test('a header-less file is read with the label first, and the Train tab says line 1 is data', async ({ page }) => {
  test.setTimeout(60_000);
  await openTrainView(page);
  await page.getByTestId('dataset-file').setInputFiles(join(DATA, 'criteo_sample_noheader.csv'));
  await expect(page.getByTestId('dataset-no-header')).toContainText('No header line: line 1 of this file is data', { timeout: 30_000 });
  await expect(page.getByTestId('dataset-detection')).toHaveText(/without a header \(line 1 is data\); label: column 1\./);
  await expect(page.getByTestId('dataset-summary')).toHaveText(/39 fields · 160 train/);
  await page.locator('aside.sidebar').screenshot({ path: `${SHOTS}/ctr-csv-no-header.png` });
  await expectFormAccessible(page);
});

test('a CSV without a label column is refused with the reason', async ({ page }) => {
  await openTrainView(page);
  await page.getByTestId('dataset-file').setInputFiles({ name: 'plain.csv', mimeType: 'text/csv', buffer: Buffer.from('user,item\nu1,i1\nu2,i2\n') });
  await expect(page.getByRole('alert')).toContainText('plain.csv has a header (user, item) but no label column', { timeout: 30_000 });
});

test("DeepCTR's movielens sample: quoted titles read, click = rating >= 4, and the all-rare timestamp named", async ({ page }) => {
  await openTrainView(page);
  await page.getByTestId('dataset-file').setInputFiles(join(DATA, 'deepctr_movielens_sample.txt'));
  await expect(page.getByTestId('dataset-summary')).toHaveText(/9 fields · 160 train \/ 20 valid \/ 20 test rows/, { timeout: 30_000 });
  await expect(page.getByTestId('dataset-detection')).toContainText('label: rating >= 4.');
  await expect(page.getByTestId('dataset-all-rare')).toContainText('timestamp');
  await page.locator('aside.sidebar').screenshot({ path: `${SHOTS}/ctr-csv-movielens-sample.png` });
  await expectFormAccessible(page);
});
