import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { card, iaOf, openStudio, SHOTS } from './studioHelpers.ts';

/**
 * The warehouse route in the studio: the panel generates the SQL (copied to the clipboard), and the
 * result the warehouse returns, dropped on the panel, gives a card whose IA matches the direct analysis
 * of the same table. result.csv is the generated DuckDB SQL's real output on test/warehouse/fields.parquet
 * (test/warehouse/makeFixtures.ts); the IA below is `reclens analyze test/warehouse/fields.parquet --json`
 * (RecScope recipe), which the unit tests match to 1e-10.
 */
const RESULT = resolve('test/warehouse/result.csv');
const DIRECT_IA: Record<string, number> = { city: 9.30298494507966, item_id: 2.4626816562626095, user_id: 4.528432382590021 };

test('the Warehouse panel makes each dialect’s SQL and copies it', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openStudio(page);
  const panel = page.getByTestId('warehouse-panel');
  await panel.scrollIntoViewIfNeeded();
  await panel.getByTestId('warehouse-table').fill('my-project.ml.item_embeddings');
  await panel.getByTestId('warehouse-dim').fill('32');
  await panel.getByTestId('warehouse-dialect').selectOption('bigquery');
  const sql = panel.getByTestId('warehouse-sql');
  await expect(sql).toContainText('FROM `my-project`.`ml`.`item_embeddings`');
  await expect(sql).toContainText('CAST(e[OFFSET(31)] AS FLOAT64)');
  await expect(sql).toContainText("'ngram' AS stat");
  await panel.getByTestId('warehouse-copy').click();
  await expect(panel.getByRole('status')).toHaveText('Copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await sql.textContent());
  await panel.screenshot({ path: `${SHOTS}/warehouse-sql.png` });

  await panel.getByTestId('warehouse-dialect').selectOption('spark');
  await expect(sql).toContainText('CAST(e[31] AS DOUBLE)');
  await panel.getByTestId('warehouse-normalised').uncheck();
  await expect(sql).not.toContainText('ngram');
  // A name that is not a plain identifier is refused, not quoted into the SQL.
  await panel.getByTestId('warehouse-table').fill('t; DROP TABLE x');
  await expect(panel.getByTestId('warehouse-problem')).toContainText('may hold only letters');
  await expect(sql).toHaveCount(0);
});

test('a warehouse result dropped on the panel gives a card that matches the direct analysis', async ({ page }) => {
  test.setTimeout(90_000);
  await openStudio(page);
  const panel = page.getByTestId('warehouse-panel');
  await panel.scrollIntoViewIfNeeded();
  const bytes = readFileSync(RESULT).toString('base64');
  const drop = await page.evaluateHandle((b64) => {
    const dt = new DataTransfer();
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    dt.items.add(new File([data], 'result.csv', { type: 'text/csv' }));
    return dt;
  }, bytes);
  await panel.dispatchEvent('drop', { dataTransfer: drop });
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog).toContainText('result.csv', { timeout: 30_000 });
  await page.getByTestId('analyze-button').click();
  const result = card(page, 'result.csv');
  await expect(result).toBeVisible({ timeout: 30_000 });
  const ia = await iaOf(result);
  expect(Object.keys(ia).sort()).toEqual(['city', 'item_id', 'user_id']);
  for (const [field, want] of Object.entries(DIRECT_IA)) expect(Math.abs(ia[field] - want), field).toBeLessThan(1e-6);
  await result.scrollIntoViewIfNeeded();
  await result.screenshot({ path: `${SHOTS}/warehouse-card.png` });
});
