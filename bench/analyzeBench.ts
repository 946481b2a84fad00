/**
 * End-to-end benchmark, in two parts.
 *
 * 1. One 1,000,000 x 64 float32 table with a planted decaying spectrum, analysed in raw mode by
 *    (a) the built studio in headless Chromium (click to result card), (b) the CLI (whole process),
 *    (c) numpy's float64 Gram + eigvalsh, np.load included (the fastest exact route in numpy),
 *    (d) numpy's SVD and (e) torch.linalg.svdvals of the loaded matrix (load excluded), in the same
 *    run. Each is run --runs times (default 5); the median is printed with the spread, the ratios
 *    to the studio, peak memory and the max abs difference of the normalised singular values
 *    against numpy's float64 route.
 * 2. A 10 GB table (20M x 128 float32 .npy, written to the temp folder and deleted after) streamed
 *    by the studio and by the CLI, each read with the file's page cache dropped first
 *    (posix_fadvise DONTNEED, `dd iflag=nocache count=0`), against the disk's own read speed
 *    measured the same way (`dd` of the file to /dev/null): GB/s of each, and its share of the
 *    disk's. Memory: the CLI's maxRSS, the browser's processes' summed RSS sampled every 200 ms.
 *    --quick skips this part; --big ROWSxDIM changes its size, --big-runs its runs (default --runs):
 *    it takes ~3 x runs x the time the disk needs to read the file, plus writing it once.
 *
 * CPU seconds (all threads and processes of an engine) are printed beside the wall times.
 * Before every timed run the bench waits 1 s and measures how much CPU other processes used meanwhile
 * (/proc/stat, in cores; the load average would count the bench's own work): ratios and the target
 * are judged only when every run of both sides started on a machine using under BUSY_LIMIT cores,
 * with at least MIN_RUNS runs each (a shared machine's ratios mean little).
 *
 *   npm run bench -- [rows] [dim] [--runs N] [--quick] [--big 20000000x128] [--big-runs N] [--only studio,cli,numpy-eigh,numpy-svd,torch,big] [--safetensors]
 *   (BENCH_DIST=folder serves another build of the studio than dist/)
 *
 * --safetensors: the studio and the CLI open the same values as one F32 tensor of a .safetensors
 * file (numpy and torch still read the .npy).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumArgs } from '../playwright.config.ts';
import { npyHeader, writePlantedNpy } from './plantedTable.ts';
import { freePort, waitForHttp } from './localServer.ts';
import { median } from './median.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const valued = new Set(['--runs', '--big', '--big-runs', '--only']);
const positional = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1]));
const ROWS = Number(positional[0] ?? 1_000_000);
const DIM = Number(positional[1] ?? 64);
const RUNS = Math.max(1, Number(flag('--runs') ?? 5));
/** Runs of each reader on the big table (default --runs): each reads the whole file from disk. */
const BIG_RUNS = Math.max(1, Number(flag('--big-runs') ?? RUNS));
const QUICK = args.includes('--quick');
/** --only studio,cli,big: just these (of part 1's studio, cli, numpy-eigh, numpy-svd, torch; part 2: big, or big-disk, big-cli, big-studio). */
const ONLY = flag('--only')?.split(',');
const [BIG_ROWS, BIG_DIM] = (flag('--big') ?? '20000000x128').split('x').map(Number);
const SEED = 20_261_123;
/** Cores' worth of CPU other processes may use before a run for its ratios to be judged. */
const BUSY_LIMIT = 0.3;
/** Runs per side a judged ratio needs (a median of fewer means little). */
const MIN_RUNS = 5;
const ROOT = resolve(import.meta.dirname, '..');
const DIST = resolve(process.env.BENCH_DIST ?? join(ROOT, 'dist'));
const OUT = join(ROOT, 'bench', 'out');
const FILE = join(OUT, `planted_${ROWS}x${DIM}_s${SEED}.npy`);
const SAFETENSORS = args.includes('--safetensors');
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

/** One timed run. */
interface Run {
  seconds: number;
  /** Cores' worth of CPU other processes used in the second before the run. */
  busy: number;
  /** CPU seconds the engine used, all its threads and processes (less sensitive to other work than wall time). */
  cpuSeconds?: number;
  peakMiB?: number;
  spectrum?: number[];
}

interface Measure {
  name: string;
  runs: Run[];
  memoryNote: string;
  note?: string;
  failed?: string;
}

const mib = (bytes: number) => bytes / 2 ** 20;
/** /proc/stat's first line: all jiffies and the idle ones (idle + iowait). */
function cpuJiffies(): { total: number; idle: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { total: f.reduce((a, b) => a + b, 0), idle: f[3] + (f[4] ?? 0) };
}
/** Cores' worth of CPU used by other processes over `ms` while this bench only waits. */
async function othersBusy(ms = 1000): Promise<number> {
  const a = cpuJiffies();
  await new Promise((done) => setTimeout(done, ms));
  const b = cpuJiffies();
  return b.total > a.total ? (1 - (b.idle - a.idle) / (b.total - a.total)) * cpus().length : 0;
}
const medianSeconds = (m: Measure) => (m.runs.length ? median(m.runs.map((r) => r.seconds)) : null);
const peakMiB = (m: Measure) => {
  const peaks = m.runs.map((r) => r.peakMiB).filter((p): p is number => p !== undefined);
  return peaks.length ? Math.max(...peaks) : null;
};
const quiet = (...ms: Measure[]) => ms.every((m) => m.runs.length >= MIN_RUNS && m.runs.every((r) => r.busy <= BUSY_LIMIT));
const notJudged = `(busy > ${BUSY_LIMIT} cores or < ${MIN_RUNS} runs)`;

/** Drops the file's pages from the page cache (clean pages; no privileges needed). */
function dropCache(path: string): void {
  spawnSync('dd', [`if=${path}`, 'iflag=nocache', 'count=0', 'status=none']);
}

/** Summed CPU seconds (user + system) so far of the processes whose command line names `marker`, and their descendants. */
function treeCpuSeconds(marker: string): number {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  const roots = new Set<number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(fields[1]));
      cpu.set(Number(name), (Number(fields[11]) + Number(fields[12])) / 100); // utime + stime, clock ticks of 1/100 s
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) roots.add(Number(name));
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  for (const [pid, seconds] of cpu) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
      if (roots.has(p)) {
        total += seconds;
        break;
      }
    }
  }
  return total;
}

/** Peak summed RSS of the processes whose command line names `marker`, and their descendants, sampled until stop(). */
function rssSampler(marker: string): { stop(): number } {
  let peak = 0;
  const sample = () => {
    const parent = new Map<number, number>();
    const roots = new Set<number>();
    const rss = new Map<number, number>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const pid = Number(name);
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        parent.set(pid, Number(fields[1]));
        rss.set(pid, Number(fields[21]) * 4096);
        if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) roots.add(pid);
      } catch {
        // the process ended meanwhile
      }
    }
    let total = 0;
    for (const [pid, bytes] of rss) {
      for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
        if (roots.has(p)) {
          total += bytes;
          break;
        }
      }
    }
    peak = Math.max(peak, total);
  };
  sample();
  const timer = setInterval(sample, 200);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return mib(peak);
    },
  };
}

/** The built studio served on loopback while `work` runs. */
async function withStudio<T>(work: (url: string) => Promise<T>): Promise<T> {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`${DIST}/index.html is missing: run \`npx vite build\` first`);
  const port = await freePort();
  const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--outDir', DIST], {
    cwd: ROOT,
    stdio: 'ignore',
    detached: true,
  });
  try {
    const url = `http://127.0.0.1:${port}/`;
    await waitForHttp(url, 60_000);
    return await work(url);
  } finally {
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
  }
}

/** One studio analysis in a fresh page: upload, pick raw mode, click Analyze; click to result card, timed in the page. */
async function studioRun(url: string, file: string, before?: () => void): Promise<Run & { backend: string; workerMs: string | null; heapMiB: number | null }> {
  // A fresh browser profile per run: the studio keeps its cards, and nothing is warm from the run before.
  const profile = mkdtempSync(join(tmpdir(), 'reclens-bench-'));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
  const page = await ctx.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector('[data-testid="backend-status"]')?.getAttribute('data-backend'), null, { timeout: 120_000 });
    const backend = (await page.getByTestId('backend-status').getAttribute('data-backend')) ?? '?';
    await page.getByTestId('file-input').setInputFiles(file);
    await page.getByTestId('mode-select').selectOption('raw');
    const name = basename(file);
    before?.();
    const busy = await othersBusy();
    const cpu0 = treeCpuSeconds(profile);
    const rss = rssSampler(profile);
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
    const peak = rss.stop();
    const cpuSeconds = treeCpuSeconds(profile) - cpu0;
    const card = page.locator(`[data-testid="table-card"][data-source="${name}"]`);
    // The worker's own elapsedMs: data-elapsed-ms when the card carries it, else its "analysed in" text.
    const workerMs = (await card.getAttribute('data-elapsed-ms')) ?? (await card.locator('[title^="Gram:"]').first().textContent());
    const heap = await page.evaluate(async () => {
      const p = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
      return p.measureUserAgentSpecificMemory && self.crossOriginIsolated ? (await p.measureUserAgentSpecificMemory()).bytes : null;
    });
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByTestId('export-json').click()]);
    const json = JSON.parse(readFileSync(await download.path(), 'utf8')) as { fields: { normalized_spectrum: number[] }[] };
    return {
      seconds: elapsedMs / 1000,
      busy,
      cpuSeconds,
      peakMiB: peak,
      spectrum: json.fields[0].normalized_spectrum,
      backend,
      workerMs,
      heapMiB: heap === null ? null : mib(heap),
    };
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function studio(file: string, runs: number, before?: () => void): Promise<Measure> {
  return withStudio(async (url) => {
    const done: Awaited<ReturnType<typeof studioRun>>[] = [];
    for (let i = 0; i < runs; i++) done.push(await studioRun(url, file, before));
    const last = done[done.length - 1];
    const heaps = done.map((r) => r.heapMiB).filter((h): h is number => h !== null);
    return {
      name: `studio (${last.backend})`,
      runs: done,
      memoryNote: `browser processes' summed RSS, peak (sampled 200 ms)${heaps.length ? `; JS heap after ${Math.max(...heaps).toFixed(0)} MiB` : ''}`,
      note: `click to result card; worker: ${last.workerMs ?? '?'}`,
    };
  });
}

/** The CLI, wall time of the whole process (node startup included); maxRSS reported by the child itself. */
async function cliRun(file: string, before?: () => void): Promise<Run> {
  before?.();
  const busy = await othersBusy();
  const t0 = performance.now();
  const run = spawnSync(
    process.execPath,
    ['--import', join(ROOT, 'bench', 'reportMaxRss.mjs'), join(ROOT, 'bin', 'reclens.mjs'), 'analyze', file, '--mode', 'raw', '--json'],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`cli failed: ${run.stderr.trim().slice(0, 300)}`);
  const rss = /RECLENS_MAXRSS_KB=(\d+)/.exec(run.stderr);
  const cpu = /RECLENS_CPU_S=([\d.]+)/.exec(run.stderr);
  const json = JSON.parse(run.stdout) as { fields: { normalized_spectrum: number[] }[] };
  return {
    seconds,
    busy,
    ...(cpu ? { cpuSeconds: Number(cpu[1]) } : {}),
    ...(rss ? { peakMiB: Number(rss[1]) / 1024 } : {}),
    spectrum: json.fields[0].normalized_spectrum,
  };
}

async function cli(file: string, runs: number, before?: () => void): Promise<Measure> {
  const done: Run[] = [];
  for (let i = 0; i < runs; i++) done.push(await cliRun(file, before));
  return {
    name: 'cli (node)',
    runs: done,
    memoryNote: 'process maxRSS',
    note: 'wall time of `node bin/reclens.mjs analyze FILE --mode raw --json`, startup included',
  };
}

const PY = String.raw`
import json, os, resource, sys, time
which, path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
def jiffies():
    f = [int(v) for v in open('/proc/stat').readline().split()[1:]]
    return sum(f), f[3] + f[4]
def others_busy():
    t0, i0 = jiffies(); time.sleep(1); t1, i1 = jiffies()
    return (1 - (i1 - i0) / (t1 - t0)) * os.cpu_count() if t1 > t0 else 0
try:
    import numpy as np
    if which == 'torch':
        import torch
except ImportError as e:
    print(json.dumps({'skip': str(e)})); sys.exit(0)
out = []
for _ in range(runs):
    busy = others_busy()
    if which == 'numpy-eigh':
        t = time.perf_counter(); c = time.process_time()
        E = np.load(path)
        X = E.astype(np.float64)
        w = np.linalg.eigvalsh(X.T @ X)
        dt = time.perf_counter() - t; cpu = time.process_time() - c
        s = np.sqrt(np.clip(w[::-1], 0, None))
        name = 'numpy ' + np.__version__ + ' float64 Gram + eigvalsh'
    else:
        E = np.load(path)
        if which == 'numpy-svd':
            t = time.perf_counter(); c = time.process_time(); s = np.linalg.svd(E, compute_uv=False); dt = time.perf_counter() - t; cpu = time.process_time() - c
            name = 'numpy ' + np.__version__ + ' SVD'
        else:
            T = torch.from_numpy(E)
            t = time.perf_counter(); c = time.process_time(); s = torch.linalg.svdvals(T).numpy(); dt = time.perf_counter() - t; cpu = time.process_time() - c
            name = 'torch ' + torch.__version__ + ' svdvals threads=' + str(torch.get_num_threads())
    s = s.astype('float64')
    out.append({'seconds': dt, 'cpuSeconds': cpu, 'busy': busy, 'spectrum': (s / s[0]).tolist()})
    del E
print(json.dumps({'runs': out, 'maxrss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, 'dtype': 'float32', 'name': name}))
`;

/** numpy / torch in one process, `runs` times: the Gram route with np.load, the SVDs without it. */
function python(which: 'numpy-eigh' | 'numpy-svd' | 'torch', runs: number): Measure {
  const run = spawnSync('/usr/bin/python3', ['-c', PY, which, FILE, String(runs)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) return { name: which, runs: [], memoryNote: '', failed: `failed: ${run.stderr.trim().slice(-300)}` };
  const out = JSON.parse(run.stdout) as { skip?: string; runs: Run[]; maxrss_kb: number; name: string };
  if (out.skip) return { name: which, runs: [], memoryNote: '', failed: `skipped: ${out.skip}` };
  return {
    name: out.name,
    runs: out.runs.map((r) => ({ ...r, peakMiB: out.maxrss_kb / 1024 })),
    memoryNote: 'process maxRSS',
    note:
      which === 'numpy-eigh'
        ? 'np.load + astype(float64) + X.T @ X + eigvalsh, timed inside python (interpreter start excluded)'
        : 'SVD of the float32 matrix only (np.load excluded)',
  };
}

function maxAbsDiff(a: number[] | undefined, b: number[] | undefined): string {
  if (!a || !b) return '-';
  let m = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m.toExponential(2);
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ')).join('\n');
}

const spread = (m: Measure) => {
  const s = m.runs.map((r) => r.seconds);
  return s.length ? `${Math.min(...s).toFixed(3)}-${Math.max(...s).toFixed(3)}` : '-';
};
/** Median CPU seconds of the runs that report them (all threads: can exceed the wall time). */
const medianCpu = (m: Measure) => {
  const c = m.runs.map((r) => r.cpuSeconds).filter((v): v is number => v !== undefined);
  return c.length ? median(c).toFixed(2) : '-';
};
const loads = (m: Measure) => {
  const l = m.runs.map((r) => r.busy);
  return l.length ? `${Math.min(...l).toFixed(1)}-${Math.max(...l).toFixed(1)}` : '-';
};

async function attempt(name: string, step: () => Promise<Measure> | Measure): Promise<Measure> {
  try {
    return await step();
  } catch (err) {
    return { name, runs: [], memoryNote: '', failed: `failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

async function smallTable(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(FILE)) {
    const t = performance.now();
    await writePlantedNpy(FILE, { rows: ROWS, dim: DIM, seed: SEED });
    console.log(`generated ${FILE} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  if (SAFETENSORS && !existsSync(STUDIO_FILE)) writeSafetensorsCopy();
  console.log(
    `part 1: table ${ROWS} x ${DIM} float32 (${mib(ROWS * DIM * 4).toFixed(0)} MiB, in the page cache), raw mode, ${RUNS} runs each; ` +
      `other processes use ${(await othersBusy(2000)).toFixed(2)} cores (2 s before the first run; the same 1 s before every run is in "others' CPU")\n`,
  );
  const results: Measure[] = [];
  const steps: [string, () => Promise<Measure> | Measure][] = [
    ['studio', () => studio(STUDIO_FILE, RUNS)],
    ['cli', () => cli(STUDIO_FILE, RUNS)],
    ['numpy-eigh', () => python('numpy-eigh', RUNS)],
    ['numpy-svd', () => python('numpy-svd', RUNS)],
    ['torch', () => python('torch', RUNS)],
  ];
  for (const [name, step] of steps) {
    const r = ONLY && !ONLY.includes(name) ? { name, runs: [], memoryNote: '', failed: 'not run (--only)' } : await attempt(name, step);
    results.push(r);
    const med = medianSeconds(r);
    console.log(
      `${r.name}: ${med === null ? '-' : `median ${med.toFixed(3)} s of ${r.runs.length}`}${r.failed ? ` (${r.failed})` : r.note ? ` (${r.note})` : ''}`,
    );
  }

  const [studioRun, cliRun, eighRun] = results;
  const reference = eighRun.runs[0]?.spectrum;
  const studioMedian = medianSeconds(studioRun);
  const rows = [
    [
      'engine',
      'median s',
      'min-max s',
      'median CPU s',
      "others' CPU before (cores)",
      'time / studio time',
      'memory MiB',
      'max |s/s1 - numpy f64|',
      'memory measure',
    ],
  ];
  for (const r of results) {
    const med = medianSeconds(r);
    const ratio = med !== null && studioMedian ? med / studioMedian : null;
    const peak = peakMiB(r);
    rows.push([
      r.name,
      med === null ? '-' : med.toFixed(3),
      spread(r),
      medianCpu(r),
      loads(r),
      ratio === null ? '-' : quiet(r, studioRun) ? ratio.toFixed(2) : notJudged,
      peak === null ? '-' : peak.toFixed(0),
      maxAbsDiff(r.runs[0]?.spectrum, reference),
      r.memoryNote,
    ]);
  }
  console.log(`\n${table(rows)}`);
  console.log(`\nstudio vs cli max |s/s1 diff| ${maxAbsDiff(studioRun.runs[0]?.spectrum, cliRun.runs[0]?.spectrum)}`);
  const eighMedian = medianSeconds(eighRun);
  if (eighMedian && studioMedian) {
    if (quiet(studioRun, eighRun)) {
      const x = eighMedian / studioMedian;
      console.log(`target studio at least as fast as numpy float64 Gram + eigvalsh (load included): ${x.toFixed(2)}x -> ${x >= 1 ? 'MET' : 'NOT MET'}`);
    } else
      console.log(
        `studio vs numpy float64 Gram + eigvalsh: ${(eighMedian / studioMedian).toFixed(2)}x, not judged: other processes used over ${BUSY_LIMIT} cores before some run, or fewer than ${MIN_RUNS} runs`,
      );
  }
}

/** The big table: one planted block of rows written over and over (the spectrum is the block's; the reads are all real). */
async function writeBigTable(path: string, rows: number, dim: number): Promise<void> {
  const blockRows = 250_000;
  const blockPath = `${path}.block.npy`;
  await writePlantedNpy(blockPath, { rows: Math.min(rows, blockRows), dim, seed: SEED });
  const block = readFileSync(blockPath).subarray(npyHeader(Math.min(rows, blockRows), dim).length);
  rmSync(blockPath);
  const file = await open(path, 'w');
  try {
    await file.write(npyHeader(rows, dim));
    for (let r = 0; r < rows; r += blockRows) {
      const n = Math.min(blockRows, rows - r);
      await file.write(block, 0, n * dim * 4);
    }
  } finally {
    await file.close();
  }
}

/** `dd` of the file to /dev/null: the disk's own read speed, page cache dropped first. */
async function diskRun(path: string): Promise<Run> {
  dropCache(path);
  const busy = await othersBusy();
  const t0 = performance.now();
  const run = spawnSync('dd', [`if=${path}`, 'of=/dev/null', 'bs=8M', 'status=none']);
  if (run.status !== 0) throw new Error(`dd failed: ${String(run.stderr)}`);
  return { seconds: (performance.now() - t0) / 1000, busy };
}

async function bigTable(): Promise<void> {
  const bytes = BIG_ROWS * BIG_DIM * 4;
  const dir = mkdtempSync(join(tmpdir(), 'reclens-bench-big-'));
  const path = join(dir, `planted_${BIG_ROWS}x${BIG_DIM}.npy`);
  try {
    const free = statfsSync(dir);
    if (free.bavail * free.bsize < 2 * bytes) {
      console.log(`\npart 2 skipped: ${(bytes / 1e9).toFixed(1)} GB table needs twice that free in ${dir}`);
      return;
    }
    const t = performance.now();
    await writeBigTable(path, BIG_ROWS, BIG_DIM);
    console.log(
      `\npart 2: ${BIG_ROWS} x ${BIG_DIM} float32 .npy, ${(bytes / 1e9).toFixed(2)} GB, written in ${((performance.now() - t) / 1000).toFixed(0)} s; page cache dropped before each read, ${BIG_RUNS} runs each`,
    );
    const disk: Measure = { name: 'disk (dd bs=8M)', runs: [], memoryNote: '' };
    const cliM: Measure = { name: 'cli (node)', runs: [], memoryNote: 'process maxRSS' };
    const drop = () => dropCache(path);
    // Readers take turns, run after run, so they share the machine's conditions.
    const wanted = (reader: string) => !ONLY || ONLY.includes('big') || ONLY.includes(`big-${reader}`);
    for (let i = 0; i < BIG_RUNS; i++) {
      if (wanted('disk')) disk.runs.push(await diskRun(path));
      if (wanted('cli')) cliM.runs.push(await cliRun(path, drop));
      console.log(
        `  run ${i + 1}: disk ${disk.runs[i]?.seconds.toFixed(1) ?? '-'} s, cli ${cliM.runs[i]?.seconds.toFixed(1) ?? '-'} s (others' CPU before ${cliM.runs[i]?.busy.toFixed(2) ?? '-'} cores)`,
      );
    }
    const studioM = wanted('studio')
      ? await attempt('studio', () => studio(path, BIG_RUNS, drop))
      : { name: 'studio', runs: [], memoryNote: '', failed: 'not run (--only)' };
    const results = [disk, cliM, studioM];
    const diskMedian = medianSeconds(disk);
    const rows = [['reader', 'median s', 'min-max s', "others' CPU before (cores)", 'GB/s', 'share of disk speed', 'peak memory MiB', 'memory measure']];
    for (const r of results) {
      const med = medianSeconds(r);
      const peak = peakMiB(r);
      rows.push([
        r.name + (r.failed ? ` (${r.failed})` : ''),
        med === null ? '-' : med.toFixed(2),
        spread(r),
        loads(r),
        med === null ? '-' : (bytes / 1e9 / med).toFixed(2),
        med === null || !diskMedian ? '-' : quiet(r, disk) ? (diskMedian / med).toFixed(2) : notJudged,
        peak === null ? '-' : peak.toFixed(0),
        r.memoryNote,
      ]);
    }
    console.log(`\n${table(rows)}`);
    console.log(`studio vs cli max |s/s1 diff| on the big table ${maxAbsDiff(studioM.runs[0]?.spectrum, cliM.runs[0]?.spectrum)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PART1 = ['studio', 'cli', 'numpy-eigh', 'numpy-svd', 'torch'];
if (!ONLY || ONLY.some((s) => PART1.includes(s))) await smallTable();
if (!QUICK && (!ONLY || ONLY.some((s) => s.startsWith('big')))) await bigTable();
