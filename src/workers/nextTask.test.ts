import { describe, expect, it } from 'vitest';
import { nextTask } from './nextTask.ts';

describe('nextTask', () => {
  it('lets a message queued before it be handled first (Stop between chunks)', async () => {
    const order: string[] = [];
    const control = new MessageChannel();
    control.port1.onmessage = () => order.push('stop');
    control.port2.postMessage('stop');
    await nextTask();
    order.push('next chunk');
    expect(order).toEqual(['stop', 'next chunk']);
    control.port1.close();
  });

  it('does not resolve within the current task', async () => {
    let done = false;
    const pending = nextTask().then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    await pending;
    expect(done).toBe(true);
  });
});
