import { expect, test, type Page } from '@playwright/test';

/**
 * Every lesson whose effect reproduces on its default seed: its live part run in the built app
 * must end on the text that states the effect, never on the branch that says the run does not
 * show it. The texts are the lessons' own (src/lessons/lesson*.ts); a lesson whose effect does
 * not reproduce is listed with `reproduces: false` and the reason, and only its honest branch is
 * checked.
 */
const SHOTS = process.env.LESSON_SHOTS ?? 'test-results/screenshots';

interface Effect {
  id: number;
  /** The run that fills the lesson's claims (a step's ▶ button), or none for the built-in tables. */
  runs: number[];
  /** Text that appears once the runs are read. */
  done: RegExp;
  /** Each claim of the effect the live run must make. */
  shows: RegExp[];
  /** The branches that say the run does not show it. */
  notShown: RegExp[];
  reproduces: boolean;
}

const EFFECTS: Effect[] = [
  { id: 1, runs: [], done: /it uses about \d+ of its 32 dimensions/, shows: [/it uses about \d+ of its 32 dimensions/], notShown: [], reproduces: true },
  {
    id: 2,
    runs: [1],
    done: /The run finished at step \d+/,
    // The paper's claim on f1's planted partners (what experiments/effects.ts records); f1's column over all
    // seven other fields is reported too, and on seed 1 it ranks 2 of 8 (f4's is lower), which the text says.
    shows: [
      /\(f6, f7, f8\) keep a mean IA of \d\.\d\d when crossed with it, against \d\.\d\d when crossed with the other fields/,
      /In this run \d+ of \d+ fields end below where they started/,
    ],
    notShown: [/this run does not show them squeezed by it/, /the run shows no collapse/],
    reproduces: true,
  },
  {
    id: 3,
    runs: [1],
    done: /The queue is done/,
    shows: [/multi-embedding keeps \d\.\d\d more of its dimensions in use, the effect the paper reports/],
    notShown: [/this short run does not show the paper's effect/],
    // Measured 16:05 UTC on the 120k-row lesson set: the live queue (1x, 4x; 1 epoch of batch 512) on seed 1 ends
    // with multi-embedding's mean IA 0.50 below single at 4x (its AUC 0.0026 above), so the lesson says it does not
    // show the effect; the recorded run at 1x/4x/10x over 5 seeds does not show it either (experiments/README.md).
    reproduces: false,
  },
  {
    id: 4,
    runs: [1],
    done: /The run has reached step \d+/,
    shows: [
      /the top shared layer \(bottom\/1\) is driven by click: a mean rAU of \d\.\d\d; click dominates it \(0\.70 or more\)/,
      /AdaTask brings the largest share there down to \d\.\d\d/,
      /like is the task Adam starves in the top shared layer, and AdaTask gives it \+\d\.\d{4} AUC, about \d+\.\d standard errors/,
    ],
    notShown: [
      /AdaTask does not bring it closer/,
      /the top shared layer is not dominated by one task/,
      /this run does not show that balance buys it accuracy/,
      /cannot show whether balance buys it accuracy/,
      /yet AdaTask costs it/,
    ],
    reproduces: true,
  },
  {
    id: 5,
    runs: [1, 4],
    done: /The measure is done: \d+ conflict pairs/,
    shows: [/STEM separates \d+\.\d % of them; the best shared table/, /STEM's slices have learned the conflict/],
    notShown: [/more steps per model are needed to see the effect/, /its slices have not learned the conflict yet/],
    reproduces: true,
  },
];

/** Every step's text of the open lesson, from step 1 on with Next. */
async function allSteps(page: Page): Promise<string[]> {
  const body = page.getByTestId('lesson-step-body');
  await page.getByRole('button', { name: 'Step 1:', exact: false }).click();
  const count = await page.locator('.step-dots li').count();
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await page.getByTestId('lesson-next').click();
    await expect(page.locator('.lesson-kicker')).toContainText(`step ${i + 1} of ${count}`);
    texts.push((await body.textContent()) ?? '');
  }
  return texts;
}

async function useWasm(page: Page) {
  // wasm is the fastest CPU backend here (e2e/training.spec.ts); the worker probes backends first.
  const select = page.getByTestId('train-backend-select');
  await expect(select).toBeEnabled({ timeout: 60_000 });
  await select.selectOption('wasm');
}

for (const effect of EFFECTS) {
  test(`lesson ${effect.id}: its live run on the default seed ${effect.reproduces ? 'shows the effect' : 'says it does not show it'}`, async ({ page }) => {
    test.setTimeout(180_000);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(`/#v=2&lesson=${effect.id}&step=1`);
    await expect(page.getByTestId('lesson-step-title')).toBeVisible();
    if (effect.id === 2 || effect.id === 3) await useWasm(page);
    const body = page.getByTestId('lesson-step-body');
    const started = Date.now();
    for (const step of effect.runs) {
      await page.getByRole('button', { name: `Step ${step}:`, exact: false }).click();
      await page.getByTestId('lesson-action').click();
      if (step === effect.runs[0]) await expect(body).toContainText(effect.done, { timeout: 150_000 });
    }
    // The last run (lesson 5's training) is done when its own step's claim fills in.
    if (effect.id === 5) await expect(body).toContainText(/gradients on \w+'s rows have cosine/, { timeout: 120_000 });
    await expect(page.locator('[data-status="running"]')).toHaveCount(0, { timeout: 60_000 });
    const seconds = (Date.now() - started) / 1000;
    console.log(`lesson ${effect.id}: live part ${seconds.toFixed(1)} s`);
    const texts = (await allSteps(page)).join('\n');
    expect(texts).not.toContain('NaN');
    expect(texts).not.toMatch(/has not (run|finished) yet|Nothing has been trained yet/);
    if (effect.reproduces) {
      for (const claim of effect.shows) expect(texts).toMatch(claim);
      for (const branch of effect.notShown) expect(texts).not.toMatch(branch);
    } else expect(effect.notShown.some((branch) => branch.test(texts))).toBe(true);
    await page.screenshot({ path: `${SHOTS}/lesson${effect.id}-effect.png` });

    // Each step's result is kept: a later step's run (lesson 5's training) did not erase an
    // earlier one's (its measure), and after a reload every step reads the same numbers.
    if (effect.runs.length === 0) return;
    await page.reload();
    await page.getByRole('button', { name: 'Step 1:', exact: false }).click();
    await expect(body).toContainText(effect.done, { timeout: 60_000 });
    await expect.poll(async () => (await allSteps(page)).join('\n'), { timeout: 60_000 }).toBe(texts);
    await page.screenshot({ path: `${SHOTS}/lesson${effect.id}-after-reload.png` });
  });
}

test("lesson 4's run reloaded mid-way comes back within one checkpoint of where it was", async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto('/#v=2&lesson=4&step=1');
  const status = page.getByTestId('mtl-status');
  // Longer than the lesson's 150 steps, so a fast machine is still training when the page reloads.
  await expect(page.getByTestId('mtl-dataset-state')).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
  await page.getByLabel('Steps', { exact: true }).fill('1500');
  await page.getByTestId('lesson-action').click();
  await expect(status).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  const began = Date.now();
  // Past step 50 and past the first checkpoint's time (5 s), so the reload lands between two checkpoints.
  await expect
    .poll(async () => Number(await status.getAttribute('data-step')) >= 50 && Date.now() - began > 7000, { timeout: 60_000, intervals: [250] })
    .toBe(true);
  const shown = Number(await status.getAttribute('data-step'));
  const stepsPerSecond = shown / ((Date.now() - began) / 1000);
  await page.reload();
  await expect(status).toHaveAttribute('data-status', 'interrupted', { timeout: 60_000 });
  const back = Number(await status.getAttribute('data-step'));
  console.log(`lesson 4 reload: shown step ${shown}, back at ${back} (${stepsPerSecond.toFixed(1)} steps/s)`);
  // Checkpoints come every 5 s while it runs: at most that much (and a little slack) is lost.
  expect(back).toBeGreaterThan(0);
  expect(back).toBeLessThanOrEqual(shown);
  expect(back).toBeGreaterThanOrEqual(shown - Math.ceil(stepsPerSecond * 6) - 5);
  await expect(status).toContainText(`Interrupted at step ${back} of 1500`);
});
