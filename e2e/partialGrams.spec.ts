import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

/**
 * Issue 18: a row-wise sharded table's files dropped together analyse as the whole table, and
 * partial-Gram files (reclens gram's, scripts/partialGramFixtures.sh) dropped together merge into
 * the same result. test/shards/expected.json holds numpy's float64 RecScope IA of the whole tables.
 */
const TABLES = ['embedding_bags.user.weight', 'embedding_bags.item.weight'];
const SOURCE = 'ebc_rank0.pt … ebc_rank2.pt (3 shards)';
const numpyIa = JSON.parse(readFileSync(resolve('test/shards/expected.json'), 'utf8')).ebc.recscope_ia as Record<string, number>;

async function openStudio(page: Page) {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto('/');
  await expect(page.getByTestId('table-card')).toHaveCount(2); // the built-in examples
}

/** Drops files on the drop zone together, as a file manager does. */
async function drop(page: Page, paths: string[]) {
  const files = paths.map((p) => ({ name: basename(p), data: readFileSync(resolve(p)).toString('base64') }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0))], f.name));
    return dt;
  }, files);
  await page.locator('.drop-zone').dispatchEvent('drop', { dataTransfer });
}

async function analyseBothTables(page: Page, title: string) {
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog).toContainText(title, { timeout: 30_000 });
  const options = dialog.locator('[data-testid^="tensor-option-"]');
  for (const option of await options.all()) {
    const tensor = (await option.getAttribute('data-testid'))!.slice('tensor-option-'.length);
    if (TABLES.includes(tensor)) await option.check();
    else if (await option.isChecked()) await option.uncheck();
  }
  await expect(dialog.locator('[data-testid^="tensor-option-"]:checked')).toHaveCount(2);
  await page.getByTestId('analyze-button').click();
}

async function expectWholeTable(page: Page, format: string) {
  const card = page.locator(`[data-testid="table-card"][data-source="${SOURCE}"]`);
  await expect(card.getByTestId('table-format')).toHaveText(format, { timeout: 30_000 });
  const rows = await card
    .getByTestId('field-row')
    .evaluateAll((els) => els.map((e) => ({ field: e.getAttribute('data-field')!, ia: Number(e.getAttribute('data-ia')), rows: e.textContent })));
  expect(rows.map((r) => r.field).sort()).toEqual([...TABLES].sort());
  // float64 sums either way: the card's IA is numpy's on the whole table to far better than the contract's 1e-4.
  for (const r of rows) expect(Math.abs(r.ia - numpyIa[r.field]), r.field).toBeLessThan(1e-9);
  return card;
}

test('a sharded table’s files dropped together give the whole table’s card', async ({ page }) => {
  test.setTimeout(90_000);
  await openStudio(page);
  // In any order: the shards are read in the order of the numbers in their names.
  await drop(
    page,
    [2, 0, 1].map((r) => `test/shards/ebc_rank${r}.pt`),
  );
  await analyseBothTables(page, SOURCE);
  const card = await expectWholeTable(page, 'torch');
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('shards.png') });
});

test('partial-Gram files dropped together merge into the whole table’s card', async ({ page }) => {
  test.setTimeout(90_000);
  await openStudio(page);
  await drop(
    page,
    [1, 2, 0].map((r) => `test/shards/parts/ebc_rank${r}.json`),
  );
  // The dialog lists the merged Grams' fields, all ticked.
  await expect(page.getByTestId('import-dialog').locator('[data-testid^="tensor-option-"]:checked')).toHaveCount(2, { timeout: 30_000 });
  await analyseBothTables(page, 'ebc_rank0.json … ebc_rank2.json (3 shards)');
  const card = await expectWholeTable(page, 'partialgram');
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('partials.png') });
});

test('files dropped together that are not one table say which shard differs', async ({ page }) => {
  await openStudio(page);
  await drop(page, ['test/shards/healthy_f32.shard-0.npy', 'test/shards/bad/healthy_f32.shard-1.k8.npy']);
  await expect(page.getByText(/Shards differ: .*healthy_f32\.shard-1\.k8\.npy is \[400 x 8\] float32/)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('table-card')).toHaveCount(2);
});
