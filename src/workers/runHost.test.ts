import { describe, expect, it } from 'vitest';
import type { RunLoopEvent } from '../contracts/run.ts';
import { packCheckpoint, unpackCheckpoint } from './checkpointPacking.ts';
import { BUSY, createRunHost, type RunSession } from './runHost.ts';

/** A family with no tfjs: each step takes `msPerStep` of busy time; its checkpoint is its step. */
function toySession(steps: number, msPerStep = 0) {
  const chunks: number[] = [];
  let step = 0;
  const session: RunSession<{ step: number }, string> = {
    get step() {
      return step;
    },
    get done() {
      return step >= steps;
    },
    start: async () => {},
    async advance(n) {
      const ran = Math.min(n, steps - step);
      const end = performance.now() + ran * msPerStep;
      while (performance.now() < end);
      step += ran;
      chunks.push(ran);
      return ran;
    },
    settle: async () => {},
    checkpoint: async () => ({ step }),
    async restore(c) {
      step = c.step;
    },
    finish: async (stopped) => (stopped ? null : `report at ${step}`),
    end: () => {},
  };
  return { session, chunks };
}

const host = () =>
  createRunHost(
    async () => {},
    async () => ({}),
  );
const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 1));
};

describe('run loop (toy family)', () => {
  it('grows chunks towards ~150 ms, never past the family cap, and reports at the end', async () => {
    const { session, chunks } = toySession(400, 2);
    const events: RunLoopEvent<{ step: number }, string>[] = [];
    const outcome = await host().run(
      async () => session,
      { maxChunk: 32 },
      (e) => events.push(e),
    );
    expect(outcome).toEqual({ ok: true, status: 'done', report: 'report at 400' });
    expect(chunks[0]).toBe(1);
    expect(Math.max(...chunks)).toBe(32);
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(400);
    expect(events.map((e) => e.type)).toEqual(['status', 'final', 'status']);
  });

  it('a pause pressed while the run starts holds; Step advances one step and checkpoints; stop ends it', async () => {
    const h = host();
    const { session, chunks } = toySession(1000);
    const events: RunLoopEvent<{ step: number }, string>[] = [];
    const running = h.run(
      async () => {
        h.pause();
        return session;
      },
      { maxChunk: 8, checkpointEveryMs: 60_000 },
      (e) => events.push(e),
    );
    await until(() => events.some((e) => e.type === 'status' && e.status === 'paused'));
    expect(session.step).toBe(0);
    // Busy: a second job is refused while this one runs.
    expect(
      await h.exclusive<unknown>(
        async () => 'ran',
        (error) => error,
      ),
    ).toEqual(BUSY);
    for (const n of [1, 2]) {
      h.step();
      await until(() => events.filter((e) => e.type === 'checkpoint').length === n);
    }
    expect(chunks).toEqual([1, 1]);
    const saved = await Promise.all(events.flatMap((e) => (e.type === 'checkpoint' ? [unpackCheckpoint(e.checkpoint)] : [])));
    expect(saved).toEqual([{ step: 1 }, { step: 2 }]);
    h.stop();
    expect(await running).toEqual({ ok: true, status: 'stopped', report: null });
  });

  it.each(['stop', 'resume'] as const)('a %s pressed while the pause checkpoints is not lost', async (press) => {
    const h = host();
    const { session } = toySession(1000, 1);
    let release = () => {};
    let checkpointing = false;
    // The pause's checkpoint waits until released, as a large model's does while its weights cross.
    session.checkpoint = async () => {
      checkpointing = true;
      await new Promise<void>((r) => (release = r));
      return { step: session.step };
    };
    const running = h.run(
      async () => session,
      { maxChunk: 8, checkpointEveryMs: 60_000 },
      () => {},
    );
    await until(() => session.step > 0);
    h.pause();
    await until(() => checkpointing);
    h[press]();
    release();
    const outcome = await Promise.race([running, new Promise((r) => setTimeout(() => r('still paused after 2 s'), 2000))]);
    expect(outcome).toEqual(press === 'stop' ? { ok: true, status: 'stopped', report: null } : { ok: true, status: 'done', report: 'report at 1000' });
  });

  it('checkpoints on its timer while it runs, never pausing, and not past the end', async () => {
    const { session } = toySession(300, 1);
    const events: RunLoopEvent<{ step: number }, string>[] = [];
    await host().run(
      async () => session,
      { maxChunk: 8, checkpointEveryMs: 40 },
      (e) => events.push(e),
    );
    const steps = events.flatMap((e) => (e.type === 'checkpoint' ? [e.step] : []));
    // About 300 ms of steps: several timed checkpoints, each further on than the last, none at the end (the finished run is stored instead).
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(steps.every((s, i) => s > (steps[i - 1] ?? 0) && s < 300)).toBe(true);
    expect(events.some((e) => e.type === 'status' && e.status === 'paused')).toBe(false);
  });

  it('resumes from a checkpoint before the first step, and a failed start reports the error', async () => {
    // Packed as this build stores it, and plain as earlier builds did.
    for (const resumeFrom of [packCheckpoint({ step: 7 }), { step: 7 }]) {
      const { session, chunks } = toySession(10);
      expect(
        await host().run(
          async () => session,
          { maxChunk: 4, resumeFrom },
          () => {},
        ),
      ).toEqual({ ok: true, status: 'done', report: 'report at 10' });
      expect(chunks.reduce((a, b) => a + b, 0)).toBe(3);
    }
    const events: RunLoopEvent<unknown, unknown>[] = [];
    const failed = await host().run(
      async () => Promise.reject(new Error('no dataset')),
      { maxChunk: 4 },
      (e) => events.push(e),
    );
    if (failed.ok) throw new Error('a failed start reported success');
    expect(failed.error.message).toContain('no dataset');
    expect(events).toEqual([{ type: 'status', status: 'error', message: failed.error.message }]);
  });
});
