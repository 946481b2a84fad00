/**
 * Load budget of the built studio: initial JS (entry chunk + its static imports, gzipped) against
 * 300 KB, and first paint / first contentful paint in headless Chromium (median of 5 cold loads)
 * against 1.5 s. Usage: npx tsx bench/loadBench.ts [--build]
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.ts';

const DIST = resolve('dist');
const JS_BUDGET_KB = 300;
const PAINT_BUDGET_MS = 1500;
const LOADS = 5;

const gzipKB = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length / 1024;

/** The entry chunks index.html loads, then every chunk they import statically (dynamic import() is lazy). */
export function initialChunks(dist: string): { js: string[]; css: string[] } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map((m) => join(dist, m[1]));
  const js = new Set<string>();
  const queue = refs.filter((f) => f.endsWith('.js'));
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (js.has(file)) continue;
    js.add(file);
    const code = readFileSync(file, 'utf8');
    // Static imports only: `import{a}from"./x.js"`, `import"./x.js"`, `export*from"./x.js"`; never `import("./x.js")`.
    for (const m of code.matchAll(/(?:\bimport|\bexport)\s*(?:[\w*{}\s,$]+?\s*from\s*)?["']([^"']+\.js)["']/g)) queue.push(resolve(dirname(file), m[1]));
  }
  return { js: [...js], css: refs.filter((f) => f.endsWith('.css')) };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

function serve(dist: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(dist, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dist) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(readFileSync(file));
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      done({ server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/` });
    }),
  );
}

async function paintTimes(url: string): Promise<{ fp: number; fcp: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'reclens-bench-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    await page.getByTestId('table-card').first().waitFor();
    // A string, not a function: tsx's helpers (__name) do not exist in the page.
    return (await page.evaluate(`({
      fp: performance.getEntriesByName('first-paint')[0]?.startTime ?? NaN,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    })`)) as { fp: number; fcp: number };
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const verdict = (ok: boolean) => (ok ? 'within budget' : 'OVER BUDGET');

async function main() {
  if (process.argv.includes('--build') || !existsSync(join(DIST, 'index.html'))) execSync('npx vite build', { stdio: 'inherit' });
  const { js, css } = initialChunks(DIST);
  const jsKB = js.reduce((s, f) => s + gzipKB(f), 0);
  console.log('Initial chunks (gzip -9):');
  for (const f of [...js, ...css]) console.log(`  ${f.slice(DIST.length + 1).padEnd(40)} ${gzipKB(f).toFixed(1).padStart(7)} KB`);
  console.log(`Initial JS: ${jsKB.toFixed(1)} KB gzipped of ${JS_BUDGET_KB} KB: ${verdict(jsKB <= JS_BUDGET_KB)}`);

  const { server, url } = await serve(DIST);
  try {
    const runs: { fp: number; fcp: number }[] = [];
    for (let i = 0; i < LOADS; i++) runs.push(await paintTimes(url));
    const fp = median(runs.map((r) => r.fp));
    const fcp = median(runs.map((r) => r.fcp));
    console.log(`Loads (fresh profile each): FCP ${runs.map((r) => r.fcp.toFixed(0)).join(', ')} ms`);
    console.log(`First paint (median of ${LOADS}): ${fp.toFixed(0)} ms of ${PAINT_BUDGET_MS} ms: ${verdict(fp <= PAINT_BUDGET_MS)}`);
    console.log(`First contentful paint (median of ${LOADS}): ${fcp.toFixed(0)} ms of ${PAINT_BUDGET_MS} ms: ${verdict(fcp <= PAINT_BUDGET_MS)}`);
  } finally {
    server.close();
  }
}

await main();
