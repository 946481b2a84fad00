/** How busy the machine is with other work, measured while a bench only waits (Linux /proc/stat). */
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** /proc/stat's first line: all jiffies and the idle ones (idle + iowait). */
function cpuJiffies(): { total: number; idle: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { total: f.reduce((a, b) => a + b, 0), idle: f[3] + (f[4] ?? 0) };
}

/** Cores' worth of CPU used by other processes over `ms` while the caller only waits; NaN without /proc/stat. */
export async function othersBusy(ms = 1000): Promise<number> {
  if (!existsSync('/proc/stat')) {
    await new Promise((done) => setTimeout(done, ms));
    return NaN;
  }
  const a = cpuJiffies();
  await new Promise((done) => setTimeout(done, ms));
  const b = cpuJiffies();
  return b.total > a.total ? (1 - (b.idle - a.idle) / (b.total - a.total)) * cpus().length : 0;
}
