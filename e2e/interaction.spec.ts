import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { card, openStudio, SHOTS, storedTableCount } from './studioHelpers.ts';

// Multi-Embedding's DCNv2 state dicts (scripts/interactionFixtures.py) and a MultiDCN checkpoint (scripts/multiEmbeddingFixtures.py).
const DIR = resolve('test/interaction');
const expected = JSON.parse(readFileSync(resolve(DIR, 'expected.json'), 'utf8')) as { files: Record<string, { field_dims: number[]; ia: number[][] }> };
const file = (dir: string, name: string) => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(resolve(dir, name)) });

test('an uploaded DCNv2 checkpoint with field sizes offers its interaction matrix on the card', async ({ page }) => {
  await openStudio(page);
  const name = 'dcnv2_step120.pt';
  const want = expected.files[name];
  await page.getByTestId('file-input').setInputFiles(file(DIR, name));
  await expect(page.getByTestId('import-dialog')).toContainText(name);
  await page.getByTestId('field-dims-input').fill(want.field_dims.join(', '));
  await page.getByTestId('analyze-button').click();
  const result = card(page, name);
  await expect(result).toBeVisible();
  const button = result.getByTestId('interaction-button');
  await expect(button).toHaveText('Interaction matrix (4 x 4 fields through cn.W.0)');
  await button.click();
  const matrix = result.getByTestId('interaction-matrix');
  await matrix.scrollIntoViewIfNeeded();
  await expect(matrix.locator('rect.matrix-cell')).toHaveCount(16);
  // The lowest cell, as numpy has it: field i seen by field j.
  const flat = want.ia.flatMap((row, i) => row.map((v, j) => ({ i, j, v })));
  const lo = flat.reduce((a, b) => (b.v < a.v ? b : a));
  await expect(matrix.locator('desc').first()).toContainText(`Lowest: field_${lo.i} seen by field_${lo.j}, IA ${lo.v.toFixed(2)}`);
  await result.getByTestId('interaction-result').screenshot({ path: `${SHOTS}/interaction-upload.png` });

  // Restored after a reload, the card has no file at hand: the offer stays, disabled, and says why.
  await expect.poll(() => storedTableCount(page)).toBe(1);
  await page.reload();
  const restored = card(page, name).getByTestId('interaction-button');
  await expect(restored).toBeDisabled();
  await expect(card(page, name).getByTestId('interaction-panel')).toContainText('Drop the file again to compute it.');
});

test('a multi-embedding DCNv2 checkpoint offers one matrix per set, each through its own cross network', async ({ page }) => {
  await openStudio(page);
  const me = resolve('test/torch/multi-embedding');
  await page.getByTestId('file-input').setInputFiles(file(me, 'mdcn-3x10_best.pth'));
  await expect(page.getByTestId('import-dialog')).toContainText('mdcn-3x10_best.pth');
  await page.getByTestId('metadata-input').setInputFiles(file(me, 'feature_map.json'));
  await page.getByTestId('analyze-button').click();
  const result = card(page, 'mdcn-3x10_best.pth');
  await expect(result).toBeVisible();
  const buttons = result.getByTestId('interaction-button');
  await expect(buttons).toHaveCount(3);
  await expect(buttons.nth(1)).toContainText('through cns.1.0.W.0');
  await buttons.nth(1).click();
  await expect(result.getByTestId('interaction-matrix').locator('rect.matrix-cell')).toHaveCount(36);
});
