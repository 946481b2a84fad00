/**
 * Training throughput in the built studio: DeepFM (26 fields x dim 16, MLP 400-400, batch 1024)
 * trained through the Train view's worker in headless Debian Chromium on each tfjs backend, next
 * to PyTorch CPU on the same model in the same run (bench/trainBench.py), plus the longest
 * main-thread long task seen while training (PerformanceObserver 'longtask').
 *
 *   npx vite build && npx tsx bench/trainBench.ts [--steps 10] [--runs 5] [--backends wasm,webgl,webgpu,cpu] [--threads 1,2] [--dist dist]
 *
 * Prints the median of `runs` runs (wasm every run, the other backends once) next to PyTorch run
 * as often, with the same thread count as the studio's wasm pool and with every core, and the load
 * average of each run: a ratio measured on a loaded machine means little. `--threads` trains wasm
 * with each of these pool sizes in every run (the page's `?wasm-threads=N`; default: the studio's,
 * every core up to 8) and compares each with PyTorch at the same thread count. Before each run it reads how
 * many cores other processes used; the summary repeats the medians over the quiet runs alone.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { chromiumArgs } from '../playwright.config.ts';
import { encodeCtrDataset } from '../src/data/ctr/datasetFile.ts';
import { freePort, waitForHttp } from './localServer.ts';
import { benchDeepFmData } from './benchDeepFm.ts';
import { median } from './median.ts';
import { othersBusy } from './othersBusy.ts';
import { BENCH_DEEPFM, torchDeepFmSamplesPerSecond } from './torchTrainReference.ts';
import { blasVerdict, torchBlas, torchBlasLine } from './torchBlas.ts';
import { defaultWasmThreads } from '../src/workers/wasmThreads.ts';

const { fields: FIELDS, dim: DIM, mlp: MLP, batch: BATCH } = BENCH_DEEPFM;
const CARDINALITY = 1000;
const WARMUP = 2;
/** Other processes' CPU (cores) under which a run counts as quiet. */
const QUIET = 0.3;
const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench', 'out');
const FILE = join(OUT, `deepfm-bench-${FIELDS}x${CARDINALITY}.rlctr`);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

interface BrowserMeasure {
  backend: string;
  /** wasm: the pool's threads as the Train form's badge reports them. */
  threads?: number;
  samplesPerS: number | null;
  longestTaskMs: number;
  note?: string;
}

const stepOf = (page: Page) => page.getByTestId('train-status').getAttribute('data-step').then(Number);

/** Trains on one backend until WARMUP + steps steps, timing the last `steps` in the page's clock. */
async function measure(page: Page, backend: string, steps: number, threads: number): Promise<BrowserMeasure> {
  const select = page.getByTestId('train-backend-select');
  const available = await select.locator(`option[value="${backend}"]:not([disabled])`).count();
  if (available === 0) return { backend, samplesPerS: null, longestTaskMs: 0, note: 'unavailable' };
  await select.selectOption(backend);
  await page.waitForFunction((b) => document.querySelector('[data-testid="train-backend"]')?.getAttribute('data-backend') === b, backend, { timeout: 60_000 });
  const reported = Number(await page.getByTestId('train-backend').getAttribute('data-threads'));
  if (backend === 'wasm' && reported !== threads) throw new Error(`asked for ${threads} wasm thread(s), the studio reports ${reported}`);
  const t0 = await page.evaluate(() => {
    const w = window as unknown as { __longest: number; __tasks: number[][] };
    w.__longest = 0;
    w.__tasks = [];
    return performance.now();
  });
  await page.getByTestId('train-button').click();
  const at = async (n: number) => {
    await page.waitForFunction((k) => Number(document.querySelector('[data-testid="train-status"]')?.getAttribute('data-step')) >= k, n, {
      timeout: 600_000,
      polling: 50,
    });
    return { t: await page.evaluate(() => performance.now()), step: await stepOf(page) };
  };
  const start = await at(WARMUP);
  // From the step seen, not WARMUP: one batch of progress events can carry the page past WARMUP + steps.
  const end = await at(start.step + steps);
  const longest = await page.evaluate(() => (window as unknown as { __longest: number }).__longest);
  if (process.argv.includes('--tasks'))
    console.log(
      `  ${backend} long tasks [ms after Train, duration]: ${JSON.stringify(await page.evaluate((t) => (window as unknown as { __tasks: number[][] }).__tasks.map(([s, d]) => [Math.round(s - t), d]), t0))}`,
    );
  await page.getByTestId('stop-button').click();
  await page.waitForFunction(
    () => ['stopped', 'done'].includes(document.querySelector('[data-testid="train-status"]')?.getAttribute('data-status') ?? ''),
    null,
    { timeout: 600_000 },
  );
  return {
    backend,
    ...(backend === 'wasm' ? { threads } : {}),
    samplesPerS: ((end.step - start.step) * BATCH * 1000) / (end.t - start.t),
    longestTaskMs: longest,
  };
}

/** The built studio in headless Chromium: each run reloads the page and the dataset, then trains on each backend in turn. */
async function withStudio<R>(body: (measureRun: (backends: string[], steps: number, threads: number) => Promise<BrowserMeasure[]>) => Promise<R>): Promise<R> {
  const dist = resolve(arg('dist', join(ROOT, 'dist')));
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`${dist} has no build: run \`npx vite build\` first`);
  const port = await freePort();
  const server = spawn('npx', ['vite', 'preview', '--outDir', dist, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: ROOT,
    stdio: 'ignore',
    detached: true,
  });
  const profile = mkdtempSync(join(tmpdir(), 'reclens-trainbench-'));
  try {
    const url = `http://127.0.0.1:${port}/`;
    await waitForHttp(url, 60_000);
    const ctx = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
    try {
      const page = await ctx.newPage();
      await page.addInitScript(() => {
        const w = window as unknown as { __longest: number; __tasks: number[][] };
        w.__longest = 0;
        w.__tasks = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            w.__longest = Math.max(w.__longest, e.duration);
            w.__tasks.push([Math.round(e.startTime), Math.round(e.duration)]);
          }
        }).observe({ type: 'longtask', buffered: true });
      });
      const hash = `#v=2&view=train&tmodel=deepfm&tdim=${DIM}&tmlp=${MLP.join('-')}&tbs=${BATCH}&tep=1000&tpat=0&teval=0&tsnap=0`;
      return await body(async (backends, steps, threads) => {
        await page.goto('about:blank');
        await page.goto(`${url}?wasm-threads=${threads}${hash}`);
        await page.getByTestId('dataset-file').setInputFiles(FILE);
        await page.waitForFunction(() => !document.querySelector('[data-testid="train-backend-select"]')?.hasAttribute('disabled'), null, { timeout: 120_000 });
        const results: BrowserMeasure[] = [];
        for (const b of backends) {
          try {
            results.push(await measure(page, b, steps, threads));
          } catch (error) {
            results.push({ backend: b, samplesPerS: null, longestTaskMs: 0, note: (error as Error).message.split('\n')[0] });
          }
          console.log(`  ${b}: ${JSON.stringify(results[results.length - 1])}`);
        }
        return results;
      });
    } finally {
      await ctx.close();
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
    if (server.pid) process.kill(-server.pid);
  }
}

/** PyTorch on the same DeepFM with `threads` intra-op threads. */
function torch(steps: number, threads: number): { samplesPerS: number; threads: number } {
  return torchDeepFmSamplesPerSecond({ cardinality: CARDINALITY, warmup: WARMUP, steps, threads });
}

const load = () =>
  `load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;
const range = (xs: number[]) => (xs.length ? `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}` : '');

async function main(): Promise<void> {
  const steps = Number(arg('steps', '10'));
  const runs = Number(arg('runs', '5'));
  const backends = arg('backends', 'wasm,webgl,webgpu,cpu').split(',');
  // The studio's training worker's wasm pool (workers/wasmThreads.ts: every core, at most 8);
  // PyTorch runs with the same thread count (the target's comparison) and with every core.
  const cores = availableParallelism();
  const poolThreads = defaultWasmThreads(cores);
  const wasmThreads = arg('threads', String(poolThreads)).split(',').map(Number);
  const torchThreads = [...new Set([poolThreads, cores, ...wasmThreads])].sort((a, b) => a - b);
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(FILE)) writeFileSync(FILE, encodeCtrDataset(benchDeepFmData(CARDINALITY, BATCH * 64, BATCH)));
  console.log(
    `DeepFM ${FIELDS} fields x ${CARDINALITY} rows x dim ${DIM}, MLP ${MLP.join('-')}, batch ${BATCH}; ${steps} timed steps after ${WARMUP} per backend; ` +
      `${runs} runs alternating PyTorch and the studio (wasm with ${wasmThreads.join(', ')} thread(s) every run, other backends in the first), ${load()}`,
  );
  const py = new Map<number, number[]>(torchThreads.map((t) => [t, []]));
  const wasm = new Map<number, BrowserMeasure[]>(wasmThreads.map((t) => [t, []]));
  const studio = new Map<string, BrowserMeasure[]>(backends.filter((b) => b !== 'wasm').map((b) => [b, []]));
  const quiet: boolean[] = [];
  await withStudio(async (measureRun) => {
    for (let run = 0; run < runs; run++) {
      const others = await othersBusy();
      quiet.push(others < QUIET);
      console.log(`run ${run + 1}/${runs}, ${load()}, other processes ${others.toFixed(2)} cores${others < QUIET ? '' : ' (not quiet)'}`);
      for (const t of torchThreads) {
        const r = torch(Math.max(steps, 10), t);
        py.get(t)!.push(r.samplesPerS);
        console.log(`  PyTorch ${r.threads} thread(s): ${r.samplesPerS.toFixed(0)} samples/s`);
      }
      // Thread counts alternate their order from run to run, so a drift in the machine's speed favours none.
      const order = run % 2 === 0 ? wasmThreads : [...wasmThreads].reverse();
      for (const [k, threads] of order.entries()) {
        const these = run === 0 && k === 0 ? backends : backends.filter((b) => b === 'wasm');
        for (const r of await measureRun(these, steps, threads)) (r.backend === 'wasm' ? wasm.get(threads)! : studio.get(r.backend)!).push(r);
      }
    }
  });
  // Per run: a failed run's samples/s is NaN, so indices stay aligned with `quiet`.
  const rates = (rs: BrowserMeasure[]) => rs.map((r) => r.samplesPerS ?? NaN);
  const ok = (xs: number[]) => xs.filter(Number.isFinite);
  const quietOnly = (xs: number[]) => xs.filter((x, i) => quiet[i] && Number.isFinite(x));
  const same = median(py.get(poolThreads)!);
  const row = (label: string, rs: BrowserMeasure[]) => {
    const xs = ok(rates(rs));
    if (xs.length === 0) return console.log(`| ${label} | ${rs[0]?.note ?? 'not run'} | | | | |`);
    const m = median(xs);
    const longest = Math.max(...rs.map((r) => r.longestTaskMs));
    console.log(
      `| ${label} | ${m.toFixed(0)} | ${xs.length} (${range(xs)}) | ${(m / BATCH).toFixed(2)} | ${(m / same).toFixed(2)}x | ${longest.toFixed(0)} ms |`,
    );
  };
  console.log(`\n| runtime | samples/s (median) | runs (range) | steps/s | this / PyTorch ${poolThreads} thread(s) | longest main-thread long task |`);
  console.log('|---|---|---|---|---|---|');
  for (const [t, rs] of wasm) row(`tfjs wasm (Chromium worker, ${t} wasm thread(s))`, rs);
  for (const [b, rs] of studio) row(`tfjs ${b} (Chromium worker)`, rs);
  for (const [t, xs] of py) {
    const m = median(xs);
    console.log(`| PyTorch CPU, ${t} thread(s) | ${m.toFixed(0)} | ${xs.length} (${range(xs)}) | ${(m / BATCH).toFixed(2)} | ${(m / same).toFixed(2)}x | |`);
  }
  const blas = torchBlas();
  console.log(torchBlasLine(blas));
  const ratioLine = (label: string, pick: (xs: number[]) => number[]) => {
    for (const [t, rs] of wasm) {
      const w = pick(rates(rs));
      const p = pick(py.get(t)!);
      if (w.length === 0 || p.length === 0) continue;
      const ratio = median(w) / median(p);
      const target = t === poolThreads ? `, target >= 1.0x: ${ratio >= 1 ? 'MET' : 'NOT MET'}` : '';
      console.log(
        blasVerdict(
          `${label}: tfjs wasm / PyTorch CPU, same threads (${t}): ${ratio.toFixed(2)}x (${median(w).toFixed(0)} / ${median(p).toFixed(0)}, ${w.length} runs)${target}`,
          blas,
        ),
      );
    }
  };
  ratioLine('all runs', ok);
  ratioLine(`quiet runs (others < ${QUIET} cores: ${quiet.filter(Boolean).length} of ${runs})`, quietOnly);
  for (const t of torchThreads.filter((t) => !wasm.has(t)))
    for (const [w, rs] of wasm)
      console.log(`tfjs wasm (${w} thread(s)) / PyTorch CPU ${t} threads: ${(median(ok(rates(rs))) / median(py.get(t)!)).toFixed(2)}x`);
  const worst = Math.max(0, ...[...wasm.values(), ...studio.values()].flat().map((r) => r.longestTaskMs));
  console.log(`longest main-thread long task while training: ${worst.toFixed(0)} ms (${worst > 50 ? 'ABOVE' : 'within'} 50 ms); ${load()}`);
}

void main();
