import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../contracts/tables.ts';
import { BLOCK_BYTES, blockRowsFor } from './blockRows.ts';

const t = (shape: number[]): TensorInfo => ({ name: 'x', shape, dtype: 'float32', analysable: shape.length === 2 });

describe('blockRowsFor', () => {
  it('sizes blocks by the widest selected tensor', () => {
    expect(blockRowsFor([t([10, 64])])).toBe(BLOCK_BYTES / 256);
    expect(blockRowsFor([t([10, 16]), t([5, 128])])).toBe(BLOCK_BYTES / 512);
  });
  it('never goes below 16384 rows, and copes with no 2-D tensor', () => {
    expect(blockRowsFor([t([10, 100_000])])).toBe(16_384);
    expect(blockRowsFor([t([10])])).toBe(BLOCK_BYTES / 4);
    expect(blockRowsFor([])).toBe(BLOCK_BYTES / 4);
  });
});
