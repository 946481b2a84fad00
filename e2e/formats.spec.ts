import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

/**
 * One file of each format added for issue 16, made by the real tool (scripts/torchLegacyFixtures.py,
 * onnxFixtures.py, parquetFixtures.py, kerasFixtures.py): dropped into the studio, its two embedding
 * tables ticked, each gives a result card whose IA matches numpy's.
 */
const ia = (dir: string, file: string, tensor: string): number => {
  const expected = JSON.parse(readFileSync(resolve(dir, 'expected.json'), 'utf8')) as { files: Record<string, Record<string, { recscope_ia: number }>> };
  return expected.files[file][tensor].recscope_ia;
};
const legacyIa = (file: string, tensor: string) => {
  const expected = JSON.parse(readFileSync(resolve('test/torch/legacy_expected.json'), 'utf8')) as {
    files: Record<string, Record<string, { recscope_ia: number }>>;
  };
  return expected.files[file][tensor].recscope_ia;
};

const CASES = [
  {
    path: 'test/torch/legacy_state_dict.pt',
    format: 'torch',
    tables: ['user_embedding.weight', 'item_embedding.weight'],
    want: (t: string) => legacyIa('legacy_state_dict.pt', t),
  },
  {
    path: 'test/onnx/exported.onnx',
    format: 'onnx',
    tables: ['user_embedding.weight', 'item_embedding.weight'],
    want: (t: string) => ia('test/onnx', 'exported.onnx', t),
  },
  {
    path: 'test/parquet/fields.parquet',
    format: 'parquet',
    tables: ['embedding[field=user]', 'embedding[field=item]'],
    want: (t: string) => ia('test/parquet', 'fields.parquet', t),
  },
  {
    path: 'test/keras/legacy.h5',
    format: 'hdf5',
    tables: ['user_embedding/user_embedding/embeddings:0', 'item_embedding/item_embedding/embeddings:0'],
    want: (t: string) => ia('test/keras', 'legacy.h5', t),
  },
  {
    path: 'test/keras/model.keras',
    format: 'keras',
    tables: ['layers/user_embedding/vars/0', 'layers/item_embedding/vars/0'],
    want: (t: string) => ia('test/keras', 'model.keras', t),
  },
];

async function openStudio(page: Page) {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto('/');
  await expect(page.getByTestId('table-card')).toHaveCount(2); // the built-in examples
}

for (const c of CASES) {
  const name = c.path.split('/').pop()!;
  test(`a ${c.format} file (${name}) gives a result card that matches numpy`, async ({ page }) => {
    test.setTimeout(90_000);
    await openStudio(page);
    await page.getByTestId('file-input').setInputFiles(resolve(c.path));
    const dialog = page.getByTestId('import-dialog');
    await expect(dialog).toContainText(name, { timeout: 30_000 });
    // Tick exactly the two embedding tables (the studio's own preselection is tested elsewhere).
    const options = dialog.locator('[data-testid^="tensor-option-"]');
    for (const option of await options.all()) {
      const tensor = (await option.getAttribute('data-testid'))!.slice('tensor-option-'.length);
      if (c.tables.includes(tensor)) await option.check();
      else if (await option.isChecked()) await option.uncheck();
    }
    await expect(dialog.locator('[data-testid^="tensor-option-"]:checked')).toHaveCount(2);
    await page.getByTestId('analyze-button').click();
    const result = page.locator(`[data-testid="table-card"][data-source="${name}"]`);
    await expect(result.getByTestId('table-format')).toHaveText(c.format, { timeout: 30_000 });
    const rows = await result
      .getByTestId('field-row')
      .evaluateAll((els) => els.map((e) => ({ field: e.getAttribute('data-field')!, ia: Number(e.getAttribute('data-ia')) })));
    expect(rows.map((r) => r.field).sort()).toEqual([...c.tables].sort());
    for (const r of rows) expect(Math.abs(r.ia - c.want(r.field)), r.field).toBeLessThan(1e-3);
  });
}

/** A TensorFlow checkpoint is an .index and its .data shards (scripts/tfCheckpointFixtures.py: two shards). */
const TF_DIR = 'test/tfcheckpoint';
const TF_FILES = ['written.ckpt.data-00001-of-00002', 'written.ckpt.index', 'written.ckpt.data-00000-of-00002'];
const TF_TABLES = ['model/user_embedding/.ATTRIBUTES/VARIABLE_VALUE', 'model/item_embedding/.ATTRIBUTES/VARIABLE_VALUE'];
const tfIa = (tensor: string): number => {
  const expected = JSON.parse(readFileSync(resolve(TF_DIR, 'expected.json'), 'utf8')) as Record<string, { tensors: Record<string, { recscope_ia: number }> }>;
  return expected['written.ckpt'].tensors[tensor].recscope_ia;
};

test('a TensorFlow checkpoint picked with its data shards gives a result card that matches numpy', async ({ page }) => {
  test.setTimeout(90_000);
  await openStudio(page);
  // Picked in any order: the .index is the one opened, the shards go along.
  await page.getByTestId('file-input').setInputFiles(TF_FILES.map((f) => resolve(TF_DIR, f)));
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog).toContainText('written.ckpt.index', { timeout: 30_000 });
  const options = dialog.locator('[data-testid^="tensor-option-"]');
  for (const option of await options.all()) {
    const tensor = (await option.getAttribute('data-testid'))!.slice('tensor-option-'.length);
    if (TF_TABLES.includes(tensor)) await option.check();
    else if (await option.isChecked()) await option.uncheck();
  }
  await expect(dialog.locator('[data-testid^="tensor-option-"]:checked')).toHaveCount(2);
  await page.getByTestId('analyze-button').click();
  const result = page.locator('[data-testid="table-card"][data-source="written.ckpt.index"]');
  await expect(result.getByTestId('table-format')).toHaveText('tfcheckpoint', { timeout: 30_000 });
  const rows = await result
    .getByTestId('field-row')
    .evaluateAll((els) => els.map((e) => ({ field: e.getAttribute('data-field')!, ia: Number(e.getAttribute('data-ia')) })));
  expect(rows.map((r) => r.field).sort()).toEqual([...TF_TABLES].sort());
  for (const r of rows) expect(Math.abs(r.ia - tfIa(r.field)), r.field).toBeLessThan(1e-3);
});

test('a lone TensorFlow checkpoint index names the data shard to add', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('file-input').setInputFiles(resolve(TF_DIR, 'written.ckpt.index'));
  await expect(page.getByText(/their values are in written\.ckpt\.data-00000-of-00002, which was not given with it/)).toBeVisible({ timeout: 30_000 });
});
