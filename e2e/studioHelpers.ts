import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

/** The committed reference tables (scripts/referenceFixtures.py). */
export const REFERENCE = resolve('test/reference');
export const SHOTS = 'test-results/screenshots';

export const card = (page: Page, source: string) => page.locator(`[data-testid="table-card"][data-source="${source}"]`);

export async function openStudio(page: Page, hash = '') {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('table-card').first()).toBeVisible();
}

/** Picks a reference file, runs the analysis and returns the new card. */
export async function importTable(page: Page, name: string): Promise<Locator> {
  await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: readFileSync(resolve(REFERENCE, name)) });
  await expect(page.getByTestId('import-dialog')).toBeVisible();
  await page.getByTestId('analyze-button').click();
  const result = card(page, name);
  await expect(result).toBeVisible();
  return result;
}

/** field name -> IA as the card's results table shows it. */
export async function iaOf(result: Locator): Promise<Record<string, number>> {
  const rows = await result
    .getByTestId('field-row')
    .evaluateAll((els) => els.map((e) => [e.getAttribute('data-field')!, Number(e.getAttribute('data-ia'))] as const));
  return Object.fromEntries(rows);
}

/** A run as the studio stores it in IndexedDB (the fields the specs read). */
export interface StoredRun {
  kind: string;
  createdAt: number;
  metrics: { step: number; values: Record<string, number> }[];
  config: {
    run: { status: string; step: number; snapshots?: { step: number; arms: Record<string, { dominance: { layer: string; meanRau: number[] }[] }> }[] };
  };
}

/** The runs of `kind` stored in the studio's IndexedDB, oldest first. */
export async function storedRuns(page: Page, kind: string): Promise<StoredRun[]> {
  const runs = await page.evaluate(
    () =>
      new Promise<StoredRun[]>((done, fail) => {
        const open = indexedDB.open('reclens');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('runs').objectStore('runs').getAll();
          all.onerror = () => fail(all.error);
          all.onsuccess = () => done(all.result as StoredRun[]);
        };
      }),
  );
  return runs.filter((r) => r.kind === kind).sort((a, b) => a.createdAt - b.createdAt);
}

/** Number of tables stored in the studio's IndexedDB. */
export async function storedTableCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((done, fail) => {
        const open = indexedDB.open('reclens');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('tables')) return done(0);
          const count = db.transaction('tables').objectStore('tables').count();
          count.onsuccess = () => {
            done(count.result);
            db.close();
          };
          count.onerror = () => fail(count.error);
        };
      }),
  );
}
