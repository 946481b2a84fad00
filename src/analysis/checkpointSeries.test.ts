import { describe, expect, it } from 'vitest';
import { fieldTrends, orderSeries, stepFromName } from './checkpointSeries.ts';

describe('checkpoint series order', () => {
  it.each([
    ['dcnv2_step120.pt', 120],
    ['model_step1200.pt', 1200],
    ['epoch=3-step=4500.ckpt', 4500],
    ['epoch_7.pt', 7],
    ['dcnv2_step0.pt', 0],
    ['ckpt-500.pth', 500],
    ['runs/exp2/checkpoint_000800.pt', 800],
    ['DCNv2_criteo_7.pth', 7],
    ['global_step42.safetensors', 42],
    ['best.pt', null],
  ])('%s -> step %s', (name, step) => expect(stepFromName(name)).toBe(step));

  it('sorts by the steps in the names, numerically (10 after 9)', () => {
    const s = orderSeries(['a_step10.pt', 'a_step9.pt', 'a_step100.pt']);
    expect(s).toEqual({ order: [1, 0, 2], steps: [9, 10, 100], by: 'name' });
  });

  it('keeps the picked order when a name has no step or two share one, and says why', () => {
    expect(orderSeries(['s2.pt', 'best.pt'])).toMatchObject({ order: [0, 1], steps: [1, 2], by: 'picked', why: '"best.pt" has no step number' });
    expect(orderSeries(['run1_step5.pt', 'run2_step5.pt'])).toMatchObject({ by: 'picked', why: '"run1_step5.pt" and "run2_step5.pt" both say step 5' });
    expect(orderSeries(['b_step2.pt', 'a_step1.pt'], true)).toEqual({ order: [0, 1], steps: [1, 2], by: 'picked' });
  });

  it('first and last IA per field', () => {
    const f = (name: string, ia: number) => ({ name, rows: 5, dim: 4, normalized_spectrum: [1, 0, 0, 0], information_abundance: ia, effective_rank: ia });
    expect(fieldTrends([{ fields: [f('a', 3), f('b', 2)] }, { fields: [f('b', 1.5), f('a', 2.5)] }])).toEqual([
      { name: 'a', first: 3, last: 2.5 },
      { name: 'b', first: 2, last: 1.5 },
    ]);
  });
});
