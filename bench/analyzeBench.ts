/**
 * End-to-end benchmark: one 1,000,000 x 64 float32 table with a planted decaying spectrum,
 * analysed in raw mode by (a) the built studio in headless Chromium, (b) the CLI, (c) numpy's
 * SVD, (d) torch.linalg.svdvals, in the same run. Prints times, ratios, peak memory and the max
 * abs difference of the normalised singular values against numpy.
 *
 *   npx vite build && npx tsx bench/analyzeBench.ts [rows] [dim] [--safetensors]
 *
 * --safetensors: the studio and the CLI open the same values as one F32 tensor of a .safetensors
 * file (numpy and torch still read the .npy).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs } from '../playwright.config.ts';
import { writePlantedNpy } from './plantedTable.ts';
import { freePort, waitForHttp } from './localServer.ts';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const ROWS = Number(positional[0] ?? 1_000_000);
const DIM = Number(positional[1] ?? 64);
const SEED = 20_261_123;
const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'bench', 'out');
const FILE = join(OUT, `planted_${ROWS}x${DIM}_s${SEED}.npy`);
const SAFETENSORS = process.argv.includes('--safetensors');
/** What the studio and the CLI open. */
const STUDIO_FILE = SAFETENSORS ? FILE.replace(/\.npy$/, '.safetensors') : FILE;

/** The .npy's float32 rows as the one tensor "table" of a .safetensors file. */
function writeSafetensorsCopy(): void {
  const npy = readFileSync(FILE);
  const data = npy.subarray(10 + npy.readUInt16LE(8));
  const header = Buffer.from(JSON.stringify({ table: { dtype: 'F32', shape: [ROWS, DIM], data_offsets: [0, data.length] } }));
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(header.length));
  writeFileSync(STUDIO_FILE, Buffer.concat([size, header, data]));
}

interface Measure {
  name: string;
  seconds: number | null;
  peakMiB: number | null;
  memoryNote: string;
  spectrum: number[] | null;
  note?: string;
}

const mib = (bytes: number) => bytes / 2 ** 20;

/** (a) The studio: upload, pick raw mode, click Analyze; click to result card, timed in the page. */
async function studio(): Promise<Measure> {
  if (!existsSync(join(ROOT, 'dist', 'index.html'))) throw new Error('dist/ is missing: run `npx vite build` first');
  const port = await freePort();
  const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: ROOT,
    stdio: 'ignore',
    detached: true,
  });
  const profile = mkdtempSync(join(tmpdir(), 'reclens-bench-'));
  try {
    const url = `http://127.0.0.1:${port}/`;
    await waitForHttp(url, 60_000);
    const ctx = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
    try {
      const page = await ctx.newPage();
      await page.goto(url);
      const status = page.getByTestId('backend-status');
      await page.waitForFunction(() => document.querySelector('[data-testid="backend-status"]')?.getAttribute('data-backend'), null, { timeout: 60_000 });
      const backend = await status.getAttribute('data-backend');
      await page.getByTestId('file-input').setInputFiles(STUDIO_FILE);
      await page.getByTestId('mode-select').selectOption('raw');
      const name = basename(STUDIO_FILE);
      const elapsedMs = await page.evaluate(async (source) => {
        const button = document.querySelector<HTMLButtonElement>('[data-testid="analyze-button"]');
        if (!button) throw new Error('no analyze button');
        const selector = `[data-testid="table-card"][data-source="${source}"]`;
        const appeared = new Promise<number>((done) => {
          const obs = new MutationObserver(() => {
            if (document.querySelector(selector)) {
              obs.disconnect();
              done(performance.now());
            }
          });
          obs.observe(document.body, { childList: true, subtree: true });
        });
        const t0 = performance.now();
        button.click();
        return (await appeared) - t0;
      }, name);
      const card = page.locator(`[data-testid="table-card"][data-source="${name}"]`);
      // The worker's own elapsedMs: data-elapsed-ms when the card carries it, else its "analysed in" text.
      const workerMs = (await card.getAttribute('data-elapsed-ms')) ?? (await card.locator('[title^="Gram:"]').first().textContent());
      const memory = await page.evaluate(async () => {
        const p = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
        return p.measureUserAgentSpecificMemory && self.crossOriginIsolated ? (await p.measureUserAgentSpecificMemory()).bytes : null;
      });
      const [download] = await Promise.all([page.waitForEvent('download'), card.getByTestId('export-json').click()]);
      const json = JSON.parse(readFileSync(await download.path(), 'utf8')) as { fields: { normalized_spectrum: number[] }[] };
      return {
        name: `studio (${backend})`,
        seconds: elapsedMs / 1000,
        peakMiB: memory === null ? null : mib(memory),
        memoryNote:
          memory === null ? 'measureUserAgentSpecificMemory unavailable' : 'page+workers JS heap after analysis (measureUserAgentSpecificMemory), not a peak',
        spectrum: json.fields[0].normalized_spectrum,
        note: `click to result card${workerMs ? `; worker: ${workerMs}` : ''}`,
      };
    } finally {
      await ctx.close();
    }
  } finally {
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
    rmSync(profile, { recursive: true, force: true });
  }
}

/** (b) The CLI, wall time of the whole process; maxRSS reported by the child itself. */
function cli(): Measure {
  const t0 = performance.now();
  const run = spawnSync(
    process.execPath,
    ['--import', join(ROOT, 'bench', 'reportMaxRss.mjs'), join(ROOT, 'bin', 'reclens.mjs'), 'analyze', STUDIO_FILE, '--mode', 'raw', '--json'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (run.status !== 0)
    return { name: 'cli', seconds: null, peakMiB: null, memoryNote: '', spectrum: null, note: `failed: ${run.stderr.trim().slice(0, 300)}` };
  const rss = /RECLENS_MAXRSS_KB=(\d+)/.exec(run.stderr);
  const json = JSON.parse(run.stdout) as { fields: { normalized_spectrum: number[] }[] };
  return {
    name: 'cli (node)',
    seconds,
    peakMiB: rss ? Number(rss[1]) / 1024 : null,
    memoryNote: 'process maxRSS',
    spectrum: json.fields[0].normalized_spectrum,
    note: 'wall time of `node bin/reclens.mjs analyze FILE --mode raw --json`, startup included',
  };
}

const PY = String.raw`
import json, resource, sys, time
which, path = sys.argv[1], sys.argv[2]
try:
    import numpy as np
    E = np.load(path)
    if which == 'numpy':
        t = time.perf_counter(); s = np.linalg.svd(E, compute_uv=False); dt = time.perf_counter() - t
    else:
        import torch
        T = torch.from_numpy(E)
        t = time.perf_counter(); s = torch.linalg.svdvals(T).numpy(); dt = time.perf_counter() - t
        which = 'torch ' + torch.__version__ + ' threads=' + str(torch.get_num_threads())
except ImportError as e:
    print(json.dumps({'skip': str(e)})); sys.exit(0)
s = s.astype('float64')
print(json.dumps({'seconds': dt, 'maxrss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  'spectrum': (s / s[0]).tolist(), 'dtype': str(E.dtype), 'name': which}))
`;

/** (c)/(d) numpy / torch SVD of the loaded matrix (load time excluded), float32 as stored. */
function python(which: 'numpy' | 'torch'): Measure {
  const run = spawnSync('/usr/bin/python3', ['-c', PY, which, FILE], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (run.status !== 0) return { name: which, seconds: null, peakMiB: null, memoryNote: '', spectrum: null, note: `failed: ${run.stderr.trim().slice(-300)}` };
  const out = JSON.parse(run.stdout) as { skip?: string; seconds: number; maxrss_kb: number; spectrum: number[]; dtype: string; name: string };
  if (out.skip) return { name: which, seconds: null, peakMiB: null, memoryNote: '', spectrum: null, note: `skipped: ${out.skip}` };
  return {
    name: out.name,
    seconds: out.seconds,
    peakMiB: out.maxrss_kb / 1024,
    memoryNote: 'process maxRSS (matrix loaded)',
    spectrum: out.spectrum,
    note: `SVD of the ${out.dtype} matrix only (np.load excluded)`,
  };
}

function maxAbsDiff(a: number[] | null, b: number[] | null): string {
  if (!a || !b) return '-';
  let m = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m.toExponential(2);
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ')).join('\n');
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(FILE)) {
    const t = performance.now();
    await writePlantedNpy(FILE, { rows: ROWS, dim: DIM, seed: SEED });
    console.log(`generated ${FILE} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  if (SAFETENSORS && !existsSync(STUDIO_FILE)) writeSafetensorsCopy();
  const load = (await import('node:os')).loadavg();
  console.log(`table ${ROWS} x ${DIM} float32 (${mib(ROWS * DIM * 4).toFixed(0)} MiB), raw mode; load average ${load.map((l) => l.toFixed(1)).join(' ')}\n`);

  const results: Measure[] = [];
  for (const step of [studio, async () => cli(), async () => python('numpy'), async () => python('torch')]) {
    try {
      results.push(await step());
    } catch (err) {
      results.push({
        name: step.name || 'step',
        seconds: null,
        peakMiB: null,
        memoryNote: '',
        spectrum: null,
        note: `failed: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
    const r = results[results.length - 1];
    console.log(`${r.name}: ${r.seconds === null ? '-' : r.seconds.toFixed(3) + ' s'}${r.note ? ` (${r.note})` : ''}`);
  }

  const studioRun = results[0];
  const numpyRun = results.find((r) => r.name === 'numpy');
  const rows = [['engine', 'time s', 'time / studio time', 'memory MiB', 'max |s/s1 - numpy|', 'memory measure']];
  for (const r of results) {
    const ratio = r.seconds !== null && studioRun.seconds ? r.seconds / studioRun.seconds : null;
    rows.push([
      r.name,
      r.seconds === null ? '-' : r.seconds.toFixed(3),
      ratio === null ? '-' : ratio.toFixed(2),
      r.peakMiB === null ? '-' : r.peakMiB.toFixed(0),
      maxAbsDiff(r.spectrum, numpyRun?.spectrum ?? null),
      r.memoryNote,
    ]);
  }
  console.log(`\n${table(rows)}`);
  console.log(`\nstudio vs cli max |s/s1 diff| ${maxAbsDiff(studioRun.spectrum, results[1]?.spectrum ?? null)}`);
  if (numpyRun?.seconds && studioRun.seconds) {
    const x = numpyRun.seconds / studioRun.seconds;
    console.log(`target studio >= 5x faster than numpy SVD: ${x.toFixed(2)}x -> ${x >= 5 ? 'MET' : 'NOT MET'}`);
  }
}

await main();
