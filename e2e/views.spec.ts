import { expect, test, type Page } from '@playwright/test';

/** A minimal NPY v1.0 float32 file. */
function npyF32(rows: number, dim: number, fill: (r: number, j: number) => number): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${dim}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const data = Buffer.alloc(rows * dim * 4);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) data.writeFloatLE(fill(r, j), (r * dim + j) * 4);
  return Buffer.concat([
    Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]),
    Buffer.from(header, 'latin1'),
    data,
  ]);
}

const SHOTS = 'test-results/screenshots';

async function openStudio(page: Page) {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto('/');
  await expect(page.getByTestId('table-card')).toHaveCount(2);
}

test('the built-in examples are analysed (in the worker) and drawn at startup', async ({ page }) => {
  await openStudio(page);
  const healthy = page.locator('[data-testid="table-card"][data-source="Example: healthy model"]');
  const collapsed = page.locator('[data-testid="table-card"][data-source="Example: collapsed model"]');
  await expect(healthy.getByText('built-in example')).toBeVisible();
  await expect(healthy.getByTestId('field-row')).toHaveCount(6);
  await expect(collapsed.getByTestId('field-row')).toHaveCount(6);
  // Same fields, lower IA when collapsed.
  const ia = async (card: typeof healthy, field: string) => Number(await card.locator(`[data-field="${field}"]`).getAttribute('data-ia'));
  expect(await ia(collapsed, 'user_id')).toBeLessThan((await ia(healthy, 'user_id')) / 3);
  // Heatmap: one row of K=32 cells per field, with IA labels and an accessible summary.
  const heatmap = collapsed.getByTestId('spectrum-heatmap');
  await expect(heatmap.locator('rect.heatmap-cell')).toHaveCount(6 * 32);
  await expect(heatmap.locator('text.row-ia')).toHaveCount(6);
  await expect(heatmap).toHaveAttribute('aria-label', /Most collapsed: /);
  await expect(collapsed.getByTestId('ia-bars').locator('rect.ia-bar')).toHaveCount(6);
  await expect(page.getByTestId('spectrum-curves').locator('g.curve')).toHaveCount(4);
  await expect(page.getByTestId('ia-comparison')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/first-paint.png`, fullPage: true });
});

test('hovering a heatmap cell shows its exact values', async ({ page }) => {
  await openStudio(page);
  const heatmap = page.locator('[data-testid="table-card"][data-source="Example: collapsed model"]').getByTestId('spectrum-heatmap');
  await heatmap
    .locator('rect.heatmap-cell')
    .nth(5 * 32 + 1)
    .hover();
  const tip = heatmap.locator('g.chart-tooltip');
  await expect(tip).toHaveAttribute('visibility', 'visible');
  await expect(tip).toContainText('user_id');
  await expect(tip).toContainText(/index 2: +s_i\/s_1 = 0\.\d{4}/);
  await expect(tip).toContainText(/IA \d+\.\d{4} of K=32/);
  await heatmap.screenshot({ path: `${SHOTS}/heatmap-tooltip.png` });
});

test('curve selection, sort order and removing a table', async ({ page }) => {
  await openStudio(page);
  const curves = page.getByTestId('spectrum-curves');
  await page.getByRole('button', { name: 'Clear selection' }).click();
  await expect(curves.locator('g.curve')).toHaveCount(0);
  await page.locator('.curve-option', { hasText: 'city' }).first().getByRole('checkbox').check();
  await expect(curves.locator('g.curve')).toHaveCount(1);

  const card = page.getByTestId('table-card').first();
  await card.getByRole('button', { name: 'IA', exact: true }).click();
  const iaOrder = await card.getByTestId('field-row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-ia'))));
  expect(iaOrder).toEqual([...iaOrder].sort((a, b) => a - b));

  await card.getByTestId('remove-table').click();
  await expect(page.getByTestId('table-card')).toHaveCount(1);
  await expect(curves.locator('g.curve')).toHaveCount(0);
  await expect(page.getByTestId('ia-comparison')).toHaveCount(0);
});

test('the backend badge reports the active backend', async ({ page }) => {
  await openStudio(page);
  const badge = page.getByTestId('backend-status');
  await expect(badge).not.toHaveAttribute('data-backend', '');
  const active = await badge.getAttribute('data-backend');
  await expect(page.getByTestId('backend-select')).toHaveValue(active!);
  expect(['true', 'false']).toContain(await badge.getAttribute('data-fallback'));
});

test('a narrow window stacks the layout without clipping charts', async ({ page }) => {
  await page.setViewportSize({ width: 420, height: 900 });
  await page.goto('/');
  const heatmap = page.getByTestId('spectrum-heatmap').first();
  await expect(heatmap.locator('rect.heatmap-cell')).toHaveCount(6 * 32);
  const box = (await heatmap.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(420);
  await page
    .getByTestId('table-card')
    .first()
    .screenshot({ path: `${SHOTS}/narrow-card.png` });
  await page.locator('.curves-panel').screenshot({ path: `${SHOTS}/narrow-curves.png` });
});

test('forty fields keep readable, non-overlapping labels', async ({ page }) => {
  await openStudio(page);
  const dims = Array.from({ length: 40 }, (_, i) => 20 + 7 * i);
  const rows = dims.reduce((a, b) => a + b, 0);
  // Field f spreads over the first 1 + f % 16 dimensions.
  const starts = dims.map((_, i) => dims.slice(0, i).reduce((a, b) => a + b, 0));
  const fieldOf = (r: number) => starts.filter((s0) => s0 <= r).length - 1;
  const buffer = npyF32(rows, 16, (r, j) => (j <= fieldOf(r) % 16 ? (Math.sin(r * 12.9898 + j * 78.233) * 43758.5453) % 1 : 0));
  await page.getByTestId('file-input').setInputFiles({ name: 'forty.npy', mimeType: 'application/octet-stream', buffer });
  await page.getByTestId('field-dims-input').fill(dims.join(','));
  await page.getByTestId('analyze-button').click();
  const result = page.locator('[data-testid="table-card"][data-source="forty.npy"]');
  await expect(result.getByTestId('field-row')).toHaveCount(40);
  for (const chart of ['spectrum-heatmap', 'ia-bars']) {
    const boxes = await result
      .getByTestId(chart)
      .locator('text.row-label')
      .evaluateAll((els) =>
        els.map((e) => {
          const b = (e as SVGTextElement).getBoundingClientRect();
          return { top: b.top, bottom: b.bottom, size: parseFloat(getComputedStyle(e).fontSize) };
        }),
      );
    expect(boxes).toHaveLength(40);
    boxes.sort((a, b) => a.top - b.top);
    for (let i = 1; i < boxes.length; i++) expect(boxes[i].top, `${chart} label ${i}`).toBeGreaterThanOrEqual(boxes[i - 1].bottom - 0.5);
    expect(Math.min(...boxes.map((b) => b.size))).toBeGreaterThanOrEqual(11);
  }
  await result.screenshot({ path: `${SHOTS}/forty-fields.png` });
});
