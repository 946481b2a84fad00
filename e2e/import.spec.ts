import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';

// The committed reference tables (scripts/referenceFixtures.py), so a fresh clone runs this spec.
const REFERENCE = resolve('test/reference');
const SHOTS = 'test-results/screenshots';

interface ExpectedField {
  rows: number;
  dim: number;
  information_abundance: number;
}
interface ExpectedCase {
  field_dims?: number[];
  fields: Record<string, ExpectedField>;
}
const expected = JSON.parse(readFileSync(resolve(REFERENCE, 'expected.json'), 'utf8')) as { cases: Record<string, ExpectedCase> };
const NPZ_FIELDS = Object.entries(expected.cases['fields.npz'].fields);
const NPZ_DIM = NPZ_FIELDS[0][1].dim;

async function openStudio(page: Page) {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto('/');
  await expect(page.getByTestId('table-card')).toHaveCount(2); // the built-in examples
}

const card = (page: Page, source: string) => page.locator(`[data-testid="table-card"][data-source="${source}"]`);

/** Picks a file, fills the dialog, runs the analysis and returns the new card. */
async function importFile(page: Page, file: { name: string; buffer?: Buffer }, fieldDims?: string): Promise<Locator> {
  const buffer = file.buffer ?? readFileSync(resolve(REFERENCE, file.name));
  await page.getByTestId('file-input').setInputFiles({ name: file.name, mimeType: 'application/octet-stream', buffer });
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(file.name);
  if (fieldDims !== undefined) await page.getByTestId('field-dims-input').fill(fieldDims);
  await page.getByTestId('analyze-button').click();
  const result = card(page, file.name);
  await expect(result).toBeVisible();
  await expect(dialog).toBeHidden();
  return result;
}

async function expectMatchesReference(result: Locator, name: string) {
  const want = expected.cases[name].fields;
  const rows = result.getByTestId('field-row');
  const got = await rows.evaluateAll((els) =>
    els.map((e) => ({
      field: e.getAttribute('data-field')!,
      ia: Number(e.getAttribute('data-ia')),
      rows: Number(e.getAttribute('data-rows')),
    })),
  );
  const names = Object.keys(want);
  expect(got).toHaveLength(names.length);
  for (const g of got) {
    // A single-table file names its one field after the tensor; match it to the reference's one field.
    const ref = names.length === 1 ? want[names[0]] : want[g.field];
    expect(ref, `field ${g.field} of ${name}`).toBeDefined();
    expect(Math.abs(g.ia - ref.information_abundance), `IA of ${name}/${g.field}`).toBeLessThan(1e-3);
    expect(g.rows).toBe(ref.rows);
  }
}

test('every reference file imports and matches numpy', async ({ page }) => {
  test.setTimeout(180_000);
  await openStudio(page);
  for (const name of Object.keys(expected.cases)) {
    const dims = expected.cases[name].field_dims;
    await test.step(name, async () => {
      const result = await importFile(page, { name }, dims?.join(','));
      await expectMatchesReference(result, name);
      const fields = Object.values(expected.cases[name].fields);
      await expect(result.getByTestId('spectrum-heatmap').locator('rect.heatmap-cell')).toHaveCount(fields.length * fields[0].dim);
    });
  }
  await expect(page.getByTestId('table-card')).toHaveCount(2 + Object.keys(expected.cases).length);
  await card(page, 'fields.npz')
    .getByTestId('spectrum-heatmap')
    .screenshot({ path: `${SHOTS}/heatmap-fields-npz.png` });
  await card(page, 'fields.npz').screenshot({ path: `${SHOTS}/card-fields-npz.png` });
});

/** The reference .npy's float32 rows as word2vec binary, as gensim's save_word2vec_format(binary=True) writes it. */
function word2vecFromNpy(npyBytes: Buffer): Buffer {
  const headerLength = npyBytes.readUInt16LE(8);
  const [, rows, dim] = /'shape': \((\d+), (\d+)\)/.exec(npyBytes.subarray(10, 10 + headerLength).toString('latin1'))!.map(Number);
  const data = npyBytes.subarray(10 + headerLength);
  const parts: Buffer[] = [Buffer.from(`${rows} ${dim}\n`)];
  for (let r = 0; r < rows; r++) parts.push(Buffer.from(`item_${r} `), data.subarray(r * dim * 4, (r + 1) * dim * 4));
  return Buffer.concat(parts);
}

test('a word2vec binary file (an item2vec export) imports and matches numpy', async ({ page }) => {
  await openStudio(page);
  const result = await importFile(page, { name: 'item2vec.bin', buffer: word2vecFromNpy(readFileSync(resolve(REFERENCE, 'collapsed_f32.npy'))) });
  await expect(result.getByTestId('table-format')).toHaveText('word2vec');
  await expectMatchesReference(result, 'collapsed_f32.npy');
  await result.screenshot({ path: `${SHOTS}/card-word2vec.png` });
});

test('a PyTorch training checkpoint: its embedding tables are preselected and match numpy', async ({ page }) => {
  await openStudio(page);
  const dir = resolve('test/torch');
  const want = (JSON.parse(readFileSync(resolve(dir, 'expected.json'), 'utf8')) as { files: Record<string, Record<string, { recscope_ia?: number }>> }).files[
    'checkpoint.pt'
  ];
  await page.getByTestId('file-input').setInputFiles(resolve(dir, 'checkpoint.pt'));
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog).toContainText('checkpoint.pt');
  await expect(dialog).toContainText('optimizer_state_dict.state.0.exp_avg');
  const tables = ['model_state_dict.user_embedding.weight', 'model_state_dict.item_embedding.weight'];
  for (const name of tables) await expect(page.getByTestId(`tensor-option-${name}`)).toBeChecked();
  await expect(page.getByTestId('tensor-option-model_state_dict.mlp.0.weight')).not.toBeChecked();
  await expect(page.getByTestId('tensor-count')).toHaveText('2 ticked');
  // A long list filters by name; ticks outside the filter are kept.
  await page.getByTestId('tensor-filter').fill('exp_avg_sq');
  await expect(dialog.locator('.tensor-list li')).toHaveCount(6);
  await page.getByTestId('tensor-tick-shown').click();
  await expect(page.getByTestId('tensor-count')).toHaveText('6 ticked'); // 4 of the 6 are 2-D
  await page.getByTestId('tensor-untick-all').click();
  await page.getByTestId('tensor-filter').fill('embedding');
  await page.getByTestId('tensor-tick-shown').click();
  await expect(page.getByTestId('tensor-count')).toHaveText('2 ticked');
  await dialog.screenshot({ path: `${SHOTS}/import-dialog-checkpoint.png` });
  await page.getByTestId('analyze-button').click();
  const result = card(page, 'checkpoint.pt');
  await expect(result.getByTestId('table-format')).toHaveText('torch');
  const rows = await result
    .getByTestId('field-row')
    .evaluateAll((els) => els.map((e) => ({ field: e.getAttribute('data-field')!, ia: Number(e.getAttribute('data-ia')) })));
  expect(rows.map((r) => r.field).sort()).toEqual([...tables].sort());
  for (const r of rows) expect(Math.abs(r.ia - want[r.field].recscope_ia!), r.field).toBeLessThan(1e-3);
  await result.screenshot({ path: `${SHOTS}/card-checkpoint.png` });
});

test('the import dialog lists tensors and the chosen mode is applied', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('file-input').setInputFiles(resolve(REFERENCE, 'fields.npz'));
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog).toContainText('npz');
  for (const [name] of NPZ_FIELDS) await expect(page.getByTestId(`tensor-option-${name}`)).toBeChecked();
  await page.getByTestId('tensor-option-field_0').uncheck();
  await expect(page.getByTestId('mode-select').locator('option')).toHaveText(['RecScope (row-normalised, default)', 'Raw', 'Mean-centred']);
  await page.getByTestId('mode-select').selectOption('raw');
  await dialog.screenshot({ path: `${SHOTS}/import-dialog.png` });
  await page.getByTestId('analyze-button').click();
  const result = card(page, 'fields.npz');
  await expect(result.getByTestId('field-row')).toHaveCount(NPZ_FIELDS.length - 1);
  await expect(result).toContainText('Raw');
});

test('exports: JSON and CSV of the table, SVG and PNG of each chart', async ({ page }) => {
  await openStudio(page);
  const result = await importFile(page, { name: 'fields.npz' });
  const download = async (button: Locator) => {
    const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
    return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
  };

  const json = await download(result.getByTestId('export-json'));
  expect(json.name).toMatch(/\.json$/);
  const doc = JSON.parse(json.bytes.toString('utf8'));
  expect(Object.keys(doc)).toEqual(['source', 'options', 'fields']);
  expect(doc.source).toBe('fields.npz');
  expect(doc.options.mode).toBe('recscope');
  const want = expected.cases['fields.npz'].fields;
  expect(doc.fields).toHaveLength(NPZ_FIELDS.length);
  for (const f of doc.fields) {
    expect(Object.keys(f)).toEqual([
      'name',
      'rows',
      'dim',
      'singular_values',
      'normalized_spectrum',
      'information_abundance',
      'effective_rank',
      'excluded_rows',
    ]);
    expect(Math.abs(f.information_abundance - want[f.name].information_abundance)).toBeLessThan(1e-3);
    expect(f.normalized_spectrum).toHaveLength(NPZ_DIM);
  }

  const csv = await download(result.getByTestId('export-csv'));
  expect(csv.name).toMatch(/\.csv$/);
  const lines = csv.bytes.toString('utf8').trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/^name,rows,dim,information_abundance/);
  expect(lines[0]).toContain(',normalized_spectrum_1,');
  expect(lines[0]).toContain(',singular_value_1,');
  expect(lines).toHaveLength(1 + NPZ_FIELDS.length);

  for (const chart of ['spectrum-heatmap', 'ia-bars']) {
    const figure = result.locator('figure', { has: page.getByTestId(chart) });
    const svg = await download(figure.getByTestId('export-svg'));
    expect(svg.name).toMatch(/\.svg$/);
    const text = svg.bytes.toString('utf8');
    expect(text).toContain('<svg');
    expect(text).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(text).not.toContain('chart-tooltip');
    const png = await download(figure.getByTestId('export-png'));
    expect(png.name).toMatch(/\.png$/);
    expect(png.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.bytes.readUInt32BE(16)).toBe(2 * Number(await result.getByTestId(chart).getAttribute('width'))); // 2x width
  }
});

/** A minimal NPY v1.0 file. */
function npy(descr: string, shape: number[], data: Buffer): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]);
}

test('bad files explain themselves and never disturb loaded tables', async ({ page }) => {
  test.setTimeout(120_000);
  await openStudio(page);
  await importFile(page, { name: 'collapsed_f32.npy' });
  const full = readFileSync(resolve(REFERENCE, 'healthy_f32.npy'));
  const random = Buffer.alloc(4096);
  for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;

  const cases: { label: string; name: string; buffer: Buffer; dims?: string; codes: string[]; text: RegExp }[] = [
    { label: 'random bytes', name: 'noise.bin', buffer: random, codes: ['unsupported-format'], text: /format|recogni/i },
    { label: 'truncated npy', name: 'truncated.npy', buffer: full.subarray(0, 50_000), codes: ['truncated'], text: /truncat|short|bytes/i },
    { label: 'truncated word2vec', name: 'items.bin', buffer: word2vecFromNpy(full).subarray(0, 50_000), codes: ['truncated'], text: /declares \d+ vectors/ },
    {
      label: '1-D npy',
      name: 'vector.npy',
      buffer: npy('<f4', [16], Buffer.alloc(64)),
      codes: ['not-2d', 'no-tensor-selected'],
      text: /2-D|1-D|dimension|tensor/i,
    },
    { label: 'ragged TSV', name: 'ragged.tsv', buffer: Buffer.from('1\t2\t3\n4\t5\n6\t7\t8\n'), codes: ['ragged-row'], text: /row|column/i },
    { label: 'non-numeric TSV', name: 'words.tsv', buffer: Buffer.from('1\t2\nabc\t3\n'), codes: ['non-numeric'], text: /abc|number|numeric/i },
    {
      label: 'field_dims that do not sum',
      name: 'fields_concat.npy',
      buffer: readFileSync(resolve(REFERENCE, 'fields_concat.npy')),
      dims: '2,7,24',
      codes: ['field-dims-mismatch'],
      text: /field_dims|rows/i,
    },
  ];

  for (const c of cases) {
    await test.step(c.label, async () => {
      await page.getByTestId('file-input').setInputFiles({ name: c.name, mimeType: 'application/octet-stream', buffer: c.buffer });
      const error = page.getByTestId('import-error');
      const dialog = page.getByTestId('import-dialog');
      await expect(error.or(dialog)).toBeVisible();
      if ((await dialog.isVisible()) && !(await error.isVisible())) {
        if (c.dims) await page.getByTestId('field-dims-input').fill(c.dims);
        await page.getByTestId('analyze-button').click();
      }
      await expect(error).toBeVisible();
      await expect(error).toHaveAttribute('role', 'alert');
      expect(c.codes).toContain(await error.getAttribute('data-code'));
      await expect(error.locator('.error-message')).toHaveText(c.text);
      await expect(error.locator('.error-fix')).not.toBeEmpty();
      // Earlier tables are untouched.
      await expect(page.getByTestId('table-card')).toHaveCount(3);
      await expect(card(page, 'collapsed_f32.npy').getByTestId('field-row')).toHaveCount(1);
      if (c.name === 'fields_concat.npy') await error.screenshot({ path: `${SHOTS}/error-field-dims.png` });
      await page.getByRole('button', { name: 'Dismiss error' }).click();
      await expect(error).toBeHidden();
      if (await dialog.isVisible()) await page.getByRole('button', { name: 'Close without analysing' }).click();
    });
  }
});

test('a long analysis shows progress and can be cancelled', async ({ page }, testInfo) => {
  await openStudio(page);
  // A 150k x 64 text table (~60 MB): parsing text is the slow path (binary .npy of this size is
  // analysed in well under a second now), so there is time to cancel mid-way. Passed by path.
  const rows = 150_000;
  const dim = 64;
  const lines: string[] = [];
  for (let r = 0; r < 1000; r++) lines.push(Array.from({ length: dim }, (_, c) => (((r * 31 + c * 17) % 1000) / 1000 - 0.5).toFixed(4)).join('\t'));
  const block = Buffer.from(lines.join('\n') + '\n');
  const path = testInfo.outputPath('big.tsv');
  writeFileSync(path, Buffer.concat(Array.from({ length: rows / 1000 }, () => block)));
  await page.getByTestId('file-input').setInputFiles(path);
  await page.getByTestId('analyze-button').click();
  const progress = page.getByTestId('progress');
  await expect(progress).toBeVisible();
  await expect.poll(async () => Number(await progress.getAttribute('data-rows-done')), { timeout: 20_000, intervals: [50] }).toBeGreaterThan(0);
  await page.locator('.sidebar').screenshot({ path: `${SHOTS}/progress.png` });
  await page.getByTestId('cancel-button').click();
  await expect(progress).toBeHidden();
  // Cancelling is not an error, keeps the dialog for another try, and adds no card.
  await expect(page.getByTestId('import-dialog')).toBeVisible();
  await expect(page.getByTestId('import-error')).toHaveCount(0);
  await expect(page.getByTestId('table-card')).toHaveCount(2);
  // ...and it is said: a notice names the file and the rows read.
  await expect(page.getByTestId('notice-analysis-cancelled')).toContainText(/Analysis of big\.tsv cancelled after [\d,]+ rows: no card was added\./);
  rmSync(path);
});

test('a table wider than the dimension limit is named, the limit can be raised, and Cancel stops even a long eigen-solve', async ({ page }) => {
  test.setTimeout(90_000);
  await openStudio(page);
  const values = (rows: number, dim: number) =>
    Buffer.from(new Float32Array(Array.from({ length: rows * dim }, (_, i) => Math.sin(i * 0.7) + (i % dim === 0 ? 2 : 0))).buffer);
  // Three rows of 4,000 values: the shape of an export saved transposed.
  await page
    .getByTestId('file-input')
    .setInputFiles({ name: 'wide.npy', mimeType: 'application/octet-stream', buffer: npy('<f4', [3, 4000], values(3, 4000)) });
  const limit = page.getByTestId('max-dim-input');
  await expect(limit).toHaveValue('1024');
  await expect(page.locator('#max-dim-help')).toContainText('4000 columns wide, above this limit');
  await expect(page.locator('#max-dim-help')).toHaveClass(/warn-text/);
  await page.locator('.sidebar').screenshot({ path: `${SHOTS}/dimension-limit.png` });
  await page.getByTestId('analyze-button').click();
  const error = page.getByTestId('import-error');
  await expect(error).toHaveAttribute('data-code', 'too-large');
  await expect(error.locator('.error-message')).toHaveText(
    '"wide" is 4000 columns wide, above the dimension limit of 1024. It has fewer rows (3) than columns: is it transposed?',
  );
  await page.getByRole('button', { name: 'Dismiss error' }).click();

  // Raised, the 4000 x 4000 eigen-solve runs for a minute in one synchronous step; Cancel still ends it.
  // Typed as a user types it: cleared, then digit by digit (an empty field must not snap back mid-way).
  await limit.fill('');
  await limit.pressSequentially('4000');
  await expect(limit).toHaveValue('4000');
  await page.getByTestId('analyze-button').click();
  const progress = page.getByTestId('progress');
  await expect(progress).toBeVisible();
  await page.waitForTimeout(500);
  const cancelled = Date.now();
  await page.getByTestId('cancel-button').click();
  await expect(progress).toBeHidden({ timeout: 10_000 });
  expect(Date.now() - cancelled).toBeLessThan(5_000);
  await expect(page.getByTestId('import-error')).toHaveCount(0);
  await expect(page.getByTestId('table-card')).toHaveCount(2);
  await page.getByRole('button', { name: 'Close without analysing' }).click();

  // The analysis worker that was stopped is replaced: the next file is analysed as usual.
  const result = await importFile(page, { name: 'narrow.npy', buffer: npy('<f4', [40, 8], values(40, 8)) });
  await expect(result.getByTestId('field-row')).toHaveCount(1);
});

test('an all-zero table has no spectrum: said so, in grey, never called collapsed', async ({ page }) => {
  await openStudio(page);
  const result = await importFile(page, { name: 'zeros.npy', buffer: npy('<f4', [100, 8], Buffer.alloc(100 * 8 * 4)) });
  const verdict = result.locator('.verdict');
  await expect(verdict).toHaveClass(/neutral/);
  await expect(verdict).toHaveText('0 of 1 field below IA/K 0.25 (1 with no spectrum, every row zero: not counted).');
  await expect(result.getByTestId('field-row').locator('td').nth(2)).toHaveText('—');
  await expect(result.locator('.row-ia')).toHaveText('IA —');
  await expect(result.locator('.bar-value')).toHaveText('no spectrum: every row zero');
  await result.screenshot({ path: `${SHOTS}/card-no-spectrum.png` });
});

test('two uploaded tables compare side by side', async ({ page }) => {
  await openStudio(page);
  for (const source of ['Example: healthy model', 'Example: collapsed model']) await card(page, source).getByTestId('remove-table').click();
  await importFile(page, { name: 'healthy_f32.npy' });
  await importFile(page, { name: 'collapsed_f32.npy' });
  await expect(page.getByTestId('table-card')).toHaveCount(2);
  await expect(page.getByTestId('spectrum-curves').locator('g.curve')).toHaveCount(2);
  await page.screenshot({ path: `${SHOTS}/two-tables.png`, fullPage: true });
});

test('at phone width an error about the open dialog shows right above it, not at the sidebar foot', async ({ page }) => {
  await openStudio(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('file-input').setInputFiles({
    name: 'dcn-10_best.pth',
    mimeType: 'application/octet-stream',
    buffer: readFileSync(resolve('test/torch/multi-embedding/dcn-10_best.pth')),
  });
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog).toBeVisible();
  await page.getByTestId('field-dims-input').fill('3, 24, 120');
  await page.getByTestId('analyze-button').click();
  const error = page.getByTestId('import-error');
  await expect(error).toContainText('field_dims sum to 147 but the table has 229 rows');
  await expect(page.locator('.sidebar').getByTestId('import-error')).toHaveCount(0);
  // Both boxes in one frame: the banner scrolls into view smoothly, and two boundingBox() calls
  // taken a frame apart mid-scroll measured a gap of 47 px where the layout has about 20.
  const gap = await page.evaluate(() => {
    const box = (id: string) => document.querySelector(`[data-testid="${id}"]`)!.getBoundingClientRect();
    return box('import-dialog').top - box('import-error').bottom;
  });
  // Directly above the dialog: no panel between them.
  expect(gap).toBeGreaterThanOrEqual(0);
  expect(gap).toBeLessThan(40);
  await page.screenshot({ path: `${SHOTS}/error-above-dialog-phone.png` });
});
