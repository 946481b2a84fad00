import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { card, openStudio, SHOTS } from './studioHelpers.ts';

// Checkpoints saved the way thuml/Multi-Embedding's main.py saves them (scripts/multiEmbeddingFixtures.py).
const DIR = resolve('test/torch/multi-embedding');
const expected = JSON.parse(readFileSync(resolve(DIR, 'expected.json'), 'utf8')) as {
  field_dims: number[];
  files: Record<string, { recscope_ia?: Record<string, number[]> }>;
};
const file = (name: string) => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(resolve(DIR, name)) });

async function pick(page: Page, name: string) {
  await page.getByTestId('file-input').setInputFiles(file(name));
  await expect(page.getByTestId('import-dialog')).toContainText(name);
}

test('a multi-embedding checkpoint with a field-size file gives sets x fields', async ({ page }) => {
  await openStudio(page);
  await pick(page, 'mdcn-3x10_best.pth');
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog.getByTestId('embedding-sets')).toContainText('3 embedding sets (embeddings.*.embedding.weight, 229 × 10 each)');
  // The sets are ticked; the cross and MLP weights beside them are not, and say what they are.
  for (const m of [0, 1, 2]) await expect(page.getByTestId(`tensor-option-embeddings.${m}.embedding.weight`)).toBeChecked();
  await expect(page.getByTestId('tensor-option-cns.0.1.mlp.0.weight')).not.toBeChecked();
  await expect(page.getByTestId('tensor-option-cns.0.0.W.0')).not.toBeChecked();
  await expect(dialog.getByTestId('field-count-hint')).toContainText('6 concatenated fields of dim 10');
  await page.getByTestId('metadata-input').setInputFiles(file('feature_map.json'));
  await expect(page.getByTestId('field-dims-input')).toHaveValue(expected.field_dims.join(', '));
  await expect(dialog.getByTestId('field-sizes-source')).toContainText('FuxiCTR feature map');
  await dialog.screenshot({ path: `${SHOTS}/import-dialog-multi-embedding.png` });
  await page.getByTestId('analyze-button').click();

  const result = card(page, 'mdcn-3x10_best.pth');
  await expect(result.getByTestId('table-title')).toHaveText('mdcn-3x10_best.pth · 3 embedding sets');
  // Charts draw once on screen.
  await result.getByTestId('set-field-matrix').scrollIntoViewIfNeeded();
  await expect(result.getByTestId('set-field-matrix').locator('.matrix-row')).toHaveCount(3);
  await expect(result.getByTestId('set-heatmap')).toHaveCount(3);
  await result.getByTestId('set-heatmap').last().scrollIntoViewIfNeeded();
  await expect(result.getByTestId('set-heatmap').last()).toContainText('embeddings.2');
  await expect(result.getByTestId('field-sizes-from')).toContainText('feature_map.json');
  const rows = await result
    .getByTestId('field-row')
    .evaluateAll((els) => els.map((e) => [e.getAttribute('data-field')!, Number(e.getAttribute('data-ia'))] as const));
  expect(rows).toHaveLength(18);
  const got = Object.fromEntries(rows);
  for (const [tensor, ias] of Object.entries(expected.files['mdcn-3x10_best.pth'].recscope_ia!)) {
    const set = tensor.replace('.embedding.weight', '');
    ias.forEach((ia, f) => expect(Math.abs(got[`${set} / C${f + 1}`] - ia), `${set} C${f + 1}`).toBeLessThan(1e-4));
  }
  await result.screenshot({ path: `${SHOTS}/multi-embedding-card.png` });
});

test('a concatenated table without field sizes shows the hint, not a green verdict; cards of one file are told apart', async ({ page }) => {
  await openStudio(page);
  await pick(page, 'dcn-10_best.pth');
  await expect(page.getByTestId('tensor-option-embedding.embedding.weight')).toBeChecked();
  await expect(page.getByTestId('tensor-option-cn.W.0')).not.toBeChecked();
  await expect(page.getByTestId('field-count-hint')).toContainText('cn.W.0 (60 x 60)');
  await page.getByTestId('analyze-button').click();
  const result = card(page, 'dcn-10_best.pth').first();
  // Below the two examples, the new card is brought into view.
  await expect(result.getByTestId('table-title')).toBeInViewport();
  await expect(result.getByTestId('concatenation-hint')).toContainText('looks like 6 concatenated fields of dim 10');
  await expect(result.getByTestId('verdict')).not.toHaveClass(/good/);
  await expect(result.getByTestId('verdict')).toContainText('not judged');
  await expect(result.getByTestId('table-title')).toHaveText('dcn-10_best.pth · embedding.embedding.weight');

  // The training log's printed list splits the same table: a second card of the same file, titled apart.
  await pick(page, 'dcn-10_best.pth');
  await page.getByTestId('metadata-input').setInputFiles(file('train.log'));
  await expect(page.getByTestId('field-dims-input')).toHaveValue(expected.field_dims.join(', '));
  await page.getByTestId('analyze-button').click();
  await expect(card(page, 'dcn-10_best.pth')).toHaveCount(2);
  const split = card(page, 'dcn-10_best.pth').last();
  await expect(split.getByTestId('field-row')).toHaveCount(6);
  await expect(split.getByTestId('concatenation-hint')).toHaveCount(0);
  await expect(split.getByTestId('table-title')).toHaveText('dcn-10_best.pth · embedding.embedding.weight · 6 fields');
  await result.screenshot({ path: `${SHOTS}/concatenated-hint-card.png` });
});

test('an optimizer state file is named as such and preselects nothing', async ({ page }) => {
  await openStudio(page);
  await pick(page, 'mdcn-3x10_optimizer.pth');
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog.getByTestId('optimizer-state')).toContainText('optimizer state (exp_avg, exp_avg_sq)');
  // On screen as the dialog opens, with Analyze focused (the focus used to scroll the note away).
  await expect(dialog.getByTestId('optimizer-state')).toBeInViewport();
  await expect(page.getByTestId('analyze-button')).toBeFocused();
  await expect(dialog.getByTestId('tensor-count')).toHaveText('0 ticked');
  await expect(dialog.getByTestId('tensor-role').first()).toHaveText('optimizer moment');
  await dialog.screenshot({ path: `${SHOTS}/import-dialog-optimizer.png` });
  // Ticked anyway, the card says what it is and gives no verdict.
  await page.getByTestId('tensor-option-state.0.exp_avg').check();
  await page.getByTestId('analyze-button').click();
  const result = card(page, 'mdcn-3x10_optimizer.pth');
  await expect(result.getByTestId('optimizer-note')).toContainText('optimizer state');
  await expect(result.getByTestId('verdict')).not.toHaveClass(/good|bad/);
});

test('the import dialog at phone width: the tensor list and its notes fit the screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await expect(page.getByTestId('table-card').first()).toBeVisible();
  await pick(page, 'mdcn-3x10_best.pth');
  const dialog = page.getByTestId('import-dialog');
  await expect(page.getByTestId('analyze-button')).toBeFocused();
  const box = (await dialog.boundingBox())!;
  expect(box.width).toBeLessThanOrEqual(390);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await dialog.screenshot({ path: `${SHOTS}/import-dialog-phone.png` });
});

test('field sizes the model saved as a tensor (an offsets buffer) fill the box and split the table', async ({ page }) => {
  // scripts/fieldSizesTensorFixtures.py: a model that registered its offsets as a buffer beside the table.
  const dir = resolve('test/torch/field-sizes');
  const want = JSON.parse(readFileSync(resolve(dir, 'expected.json'), 'utf8')) as { field_dims: number[]; files: Record<string, { recscope_ia: number[] }> };
  await openStudio(page);
  await page
    .getByTestId('file-input')
    .setInputFiles({ name: 'offsets_buffer.pth', mimeType: 'application/octet-stream', buffer: readFileSync(resolve(dir, 'offsets_buffer.pth')) });
  await expect(page.getByTestId('field-dims-input')).toHaveValue(want.field_dims.join(', '));
  await expect(page.getByTestId('import-dialog').getByTestId('field-sizes-source')).toContainText('embedding.offsets, a tensor saved in the checkpoint');
  await page.getByTestId('analyze-button').click();
  const result = card(page, 'offsets_buffer.pth');
  await expect(result.getByTestId('field-row')).toHaveCount(4);
  await expect(result.getByTestId('concatenation-hint')).toHaveCount(0);
  const rows = await result
    .getByTestId('field-row')
    .evaluateAll((els) => els.map((e) => [e.getAttribute('data-field')!, Number(e.getAttribute('data-ia'))] as const));
  const got = Object.fromEntries(rows);
  want.files['offsets_buffer.pth'].recscope_ia.forEach((ia, f) => expect(Math.abs(got[`field_${f}`] - ia), `field_${f}`).toBeLessThan(1e-4));
});
