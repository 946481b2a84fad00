import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { card, openStudio, SHOTS } from './studioHelpers.ts';

// A DIN-like PyTorch state dict and numpy's learned-correlation matrices (scripts/sequenceCorrelationFixtures.py).
const DIR = resolve('test/sequence-correlation');
const expected = JSON.parse(readFileSync(resolve(DIR, 'expected.json'), 'utf8')) as {
  categories: number[];
  positions: number;
  attention: number[][];
  tin: number[][];
};

test("an uploaded sequence checkpoint's category and position tables give the learned-correlation heatmap", async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('file-input').setInputFiles({ name: 'din.pt', mimeType: 'application/octet-stream', buffer: readFileSync(resolve(DIR, 'din.pt')) });
  await expect(page.getByTestId('import-dialog')).toContainText('din.pt');
  await page.getByTestId('analyze-button').click();
  const result = card(page, 'din.pt');
  await expect(result).toBeVisible();
  const panel = result.getByTestId('correlation-panel');
  await panel.locator('summary').click();
  // The tables are preselected from their names; the fixture has categories 1-8 and positions 0-12.
  await expect(panel.getByTestId('correlation-category')).toHaveValue('category_embedding.weight');
  await expect(panel.getByTestId('correlation-position')).toHaveValue('position_embedding.weight');
  await panel.getByTestId('correlation-categories').fill(`${expected.categories[0]}-${expected.categories.at(-1)}`);
  await panel.getByTestId('correlation-positions').fill(String(expected.positions));
  await panel.getByTestId('correlation-button').click();
  const heatmap = panel.getByTestId('correlation-heatmap');
  await heatmap.scrollIntoViewIfNeeded();
  const cells = heatmap.locator('rect.correlation-cell');
  await expect(cells).toHaveCount(expected.categories.length * expected.positions);
  // Target category 1's matrix as numpy computes it, cell by cell (row-major: behaviour, position).
  const values = await cells.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('data-value'))));
  values.forEach((v, i) => expect(Math.abs(v - expected.attention[0][i])).toBeLessThan(1e-6));
  await panel.getByTestId('correlation-result').screenshot({ path: `${SHOTS}/checkpoint-correlation.png` });

  // TIN's formula, for the third target.
  await panel.getByTestId('correlation-target-pick').selectOption({ index: 2 });
  await panel.getByTestId('correlation-method').selectOption('tin');
  await panel.getByTestId('correlation-button').click();
  await expect.poll(async () => Number(await cells.nth(1).getAttribute('data-value'))).toBeCloseTo(expected.tin[2][1], 6);

  // A request the tables cannot meet says why.
  await panel.getByTestId('correlation-positions').fill('40');
  await panel.getByTestId('correlation-button').click();
  await expect(panel.getByTestId('correlation-error')).toContainText('positions 1..40 need 41');
});
