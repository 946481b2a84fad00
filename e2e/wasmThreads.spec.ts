import { expect, test, type Page } from '@playwright/test';

/**
 * The training worker's wasm pool at 1 and 2 threads (`?wasm-threads=N`): the badge reports the
 * pool tfjs really made, and a fixed-seed DeepFM run gives the same losses and AUC bit for bit.
 * The threaded build's memory is a SharedArrayBuffer: the project's own wasm kernels (Adam,
 * Transpose, Slice, Concat, column sums) read and write it in place while XNNPACK's threads work.
 */
async function trainWith(page: Page, threads: number): Promise<Record<string, string | null>> {
  await page.goto(`/?wasm-threads=${threads}#v=2&view=train&tds=synthetic-ctr-tiny&tmodel=deepfm&tdim=8&tmlp=64-64&tbs=1024&tep=1&tpat=0&teval=10&tsnap=0`);
  const select = page.getByTestId('train-backend-select');
  await expect(select).toBeEnabled({ timeout: 60_000 });
  await select.selectOption('wasm');
  const badge = page.getByTestId('train-backend');
  await expect(badge).toHaveAttribute('data-backend', 'wasm');
  await expect(badge).toHaveAttribute('data-threads', String(threads));
  await expect(badge).toContainText(`${threads} thread`);
  await page.getByTestId('train-button').click();
  const status = page.getByTestId('train-status');
  await expect(status).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  const read = (name: string) => status.getAttribute(name);
  return {
    step: await read('data-step'),
    loss: await read('data-loss'),
    first: await read('data-first-loss'),
    recent: await read('data-recent-loss'),
    auc: await read('data-valid-auc'),
  };
}

test('DeepFM trains on a 2-thread wasm pool with the same losses as on 1 thread', async ({ page }) => {
  test.setTimeout(240_000);
  const one = await trainWith(page, 1);
  const two = await trainWith(page, 2);
  expect(Number(one.step)).toBeGreaterThan(10);
  expect(Number(one.loss)).toBeGreaterThan(0);
  expect(Number(one.auc)).toBeGreaterThan(0.5);
  expect(two).toEqual(one);
});
