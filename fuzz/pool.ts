/**
 * Worker processes with per-input limits. Each input goes to a child process; the parent kills
 * the child when the input outlives the time limit plus a grace period for cancelling (a hang),
 * or when the child's resident memory rises more than the memory limit above its level before
 * the input (a memory blow-up), and starts a fresh one.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FuzzInput, Outcome } from './types.ts';
import type { WorkerReply, WorkerRequest } from './worker.ts';

export interface Limits {
  /** Wall-clock limit per input; the input's cancel signal fires then. */
  timeMs: number;
  /** Time after the cancel signal before the worker is killed. */
  graceMs: number;
  /** Rise in resident memory allowed per input, MB. */
  memoryMB: number;
}

const POLL_MS = 50;
const START_TIMEOUT_MS = 60_000;
const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** Resident memory of a process in MB, from /proc (null where there is none: not Linux). */
function residentMB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

class FuzzWorker {
  private stderr = '';
  private constructor(readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
  }

  static start(heapMB: number): Promise<FuzzWorker> {
    const child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx', `--max-old-space-size=${heapMB}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const worker = new FuzzWorker(child);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`fuzz worker did not start within ${START_TIMEOUT_MS} ms:\n${worker.stderr}`));
      }, START_TIMEOUT_MS);
      child.once('message', () => {
        clearTimeout(timer);
        resolve(worker);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`fuzz worker exited (${code}) before it was ready:\n${worker.stderr}`));
      });
    });
  }

  run(id: number, input: FuzzInput, limits: Limits): Promise<{ outcome: Outcome; alive: boolean }> {
    const child = this.child;
    const pid = child.pid!;
    const base = residentMB(pid) ?? 0;
    const start = performance.now();
    this.stderr = '';
    return new Promise((resolve) => {
      let peak = 0;
      let settled = false;
      const finish = (outcome: Outcome, alive: boolean) => {
        if (settled) return;
        settled = true;
        clearInterval(poll);
        clearTimeout(deadline);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (!alive) child.kill('SIGKILL');
        resolve({ outcome: { ...outcome, peakMB: Math.round(peak) }, alive });
      };
      const elapsed = () => performance.now() - start;
      const onMessage = (reply: WorkerReply) => {
        if (reply.id === id) finish(reply.outcome, true);
      };
      const onExit = (code: number | null, signal: string | null) => {
        const oom = /heap out of memory|allocation failed/i.test(this.stderr);
        const why =
          this.stderr
            .trim()
            .split('\n')
            .filter((l) => /Error|error|FATAL/.test(l))
            .slice(-1)[0] ?? `exit ${code ?? signal}`;
        finish({ kind: oom ? 'memory' : 'crash', detail: `the worker died: ${why.slice(0, 200)}`, ms: elapsed() }, false);
      };
      const poll = setInterval(() => {
        const rss = residentMB(pid);
        if (rss === null) return;
        peak = Math.max(peak, rss - base);
        if (rss - base > limits.memoryMB) {
          finish({ kind: 'memory', detail: `resident memory rose by more than ${limits.memoryMB} MB`, ms: elapsed() }, false);
        }
      }, POLL_MS);
      const deadline = setTimeout(() => {
        finish({ kind: 'hang', detail: `still running ${limits.graceMs} ms after its cancel signal at the ${limits.timeMs} ms limit`, ms: elapsed() }, false);
      }, limits.timeMs + limits.graceMs);
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send({ id, input, limitMs: limits.timeMs } satisfies WorkerRequest);
    });
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}

/** `size` workers; `run` waits for a free one. */
export class WorkerPool {
  private readonly idle: FuzzWorker[] = [];
  private readonly waiting: ((w: FuzzWorker | null) => void)[] = [];
  private starting = 0;
  private live = 0;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly limits: Limits,
  ) {}

  /** The heap a worker may grow to: above the memory limit, so the RSS watch sees blow-ups first. */
  private get heapMB(): number {
    return this.limits.memoryMB + 1024;
  }

  private async acquire(): Promise<FuzzWorker> {
    const free = this.idle.pop();
    if (free) return free;
    if (this.live + this.starting < this.size) {
      this.starting++;
      try {
        const w = await FuzzWorker.start(this.heapMB);
        this.live++;
        return w;
      } finally {
        this.starting--;
      }
    }
    const w = await new Promise<FuzzWorker | null>((resolve) => this.waiting.push(resolve));
    return w ?? this.acquire();
  }

  private release(w: FuzzWorker | null): void {
    const next = this.waiting.shift();
    if (next) next(w);
    else if (w) this.idle.push(w);
  }

  async run(input: FuzzInput): Promise<Outcome> {
    if (this.closed) throw new Error('the pool is closed');
    const worker = await this.acquire();
    const { outcome, alive } = await worker.run(this.nextId++, input, this.limits);
    if (alive) this.release(worker);
    else {
      this.live--;
      this.release(null); // a waiter starts a fresh worker
    }
    return outcome;
  }

  close(): void {
    this.closed = true;
    for (const w of this.idle.splice(0)) w.stop();
  }
}
