import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { openStudio, SHOTS } from './studioHelpers.ts';

// Four checkpoints of one DCNv2 training saved by Multi-Embedding's model code (scripts/interactionFixtures.py).
const DIR = resolve('test/interaction');
const expected = JSON.parse(readFileSync(resolve(DIR, 'expected.json'), 'utf8')) as { files: Record<string, { field_dims: number[]; rawIa: number[] }> };
const file = (name: string) => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(resolve(DIR, name)) });

test('checkpoints picked together give IA per field over steps, ordered by the step in their names', async ({ page }) => {
  await openStudio(page);
  const panel = page.getByTestId('series-panel');
  await panel.scrollIntoViewIfNeeded();
  await panel.getByTestId('series-files').setInputFiles(['dcnv2_step60.pt', 'dcnv2_step0.pt', 'dcnv2_step120.pt', 'dcnv2_step20.pt'].map(file));
  await panel.getByTestId('series-field-dims').fill('3, 12, 7, 20');
  await panel.getByTestId('series-run').click();
  await expect(panel.getByTestId('series-order')).toContainText(
    'Ordered by the step in the names: dcnv2_step0.pt (step 0), dcnv2_step20.pt (step 20), dcnv2_step60.pt (step 60), dcnv2_step120.pt (step 120)',
  );
  const chart = panel.getByTestId('series-ia-chart');
  await expect(chart).toBeVisible();
  await expect(chart).toContainText('Information abundance per field over 4 checkpoints');
  // The last checkpoint's IA per field, as numpy computes it.
  const rows = panel.getByTestId('series-trend');
  await expect(rows).toHaveCount(4);
  const want = expected.files['dcnv2_step120.pt'].rawIa;
  for (let i = 0; i < 4; i++) {
    const last = Number(await rows.nth(i).getAttribute('data-last'));
    expect(Math.abs(last - want[i])).toBeLessThan(1e-9);
  }
  await panel.screenshot({ path: `${SHOTS}/checkpoint-series.png` });
});
