import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeTableFile } from '../analysis/analyzeTable.ts';
import { bytesByteSource } from './byteSource.ts';
import { ImportError } from './importError.ts';
import { openTableFile } from './openTableFile.ts';
import { naturalCompare, shardedTableFile, shardSetName } from './shardedTable.ts';
import type { TableFile } from './tableFile.ts';

const open = (path: string, name = path.split('/').pop()!) => openTableFile(bytesByteSource(new Uint8Array(readFileSync(path)), name));

async function allRows(table: TableFile, tensor: string): Promise<{ values: number[]; starts: number[]; bytes: number[] }> {
  const values: number[] = [];
  const starts: number[] = [];
  const bytes: number[] = [];
  for await (const block of table.readRows(tensor, { chunkRows: 128 })) {
    values.push(...block.data.subarray(0, block.rows * block.dim));
    starts.push(block.startRow);
    bytes.push(block.bytesDone);
  }
  return { values, starts, bytes };
}

describe('sharded tables', () => {
  it('reads .npy shards, picked in any order, as the rows of the whole table', async () => {
    const shards = await Promise.all([2, 0, 1].map((i) => open(`test/shards/healthy_f32.shard-${i}.npy`)));
    const table = shardedTableFile(shards);
    expect(table.source.name).toBe('healthy_f32.shard-0.npy … healthy_f32.shard-2.npy (3 shards)');
    expect(table.tensors).toEqual([{ name: 'healthy_f32.shard', shape: [1200, 16], dtype: 'float32', analysable: true }]);
    const whole = await open('test/reference/healthy_f32.npy');
    const got = await allRows(table, 'healthy_f32.shard');
    expect(got.values).toEqual((await allRows(whole, 'healthy_f32')).values);
    // Row numbers and bytes run on across the shards.
    expect(got.starts.every((s, i) => i === 0 || s > got.starts[i - 1])).toBe(true);
    expect(got.bytes.every((b, i) => i === 0 || b >= got.bytes[i - 1])).toBe(true);
    expect(got.bytes.at(-1)).toBe(table.source.size);
  });

  it('matches state-dict shards by tensor name, and analyses them as the whole file', async () => {
    const table = shardedTableFile(await Promise.all([0, 1, 2].map((r) => open(`test/shards/ebc_rank${r}.pt`))));
    const tensors = ['embedding_bags.user.weight', 'embedding_bags.item.weight'];
    expect(tensors.map((n) => table.tensors.find((t) => t.name === n)?.shape)).toEqual([
      [700, 16],
      [450, 16],
    ]);
    const viaShards = await analyzeTableFile(table, { tensors, mode: 'recscope' });
    const whole = await analyzeTableFile(await open('test/shards/ebc_whole.pt'), { tensors, mode: 'recscope' });
    // One accumulator streams the shards in order, as it streams the whole file: the sums are the same.
    expect(viaShards.fields).toEqual(whole.fields);
  });

  it('refuses shards of another width, dtype or tensor name, naming the shard', async () => {
    const first = await open('test/shards/healthy_f32.shard-0.npy');
    const narrow = await open('test/shards/bad/healthy_f32.shard-1.k8.npy');
    const wide = await open('test/shards/bad/healthy_f32.shard-1.f64.npy');
    expect(() => shardedTableFile([first, narrow])).toThrow(
      /Shards differ: .* of healthy_f32\.shard-1\.k8\.npy is \[400 x 8\] float32, but .* of healthy_f32\.shard-0\.npy is \[500 x 16\] float32/,
    );
    expect(() => shardedTableFile([first, wide])).toThrow(/\[400 x 16\] float64, but .* \[500 x 16\] float32/);
    const rank0 = await open('test/shards/ebc_rank0.pt');
    const renamed = await open('test/shards/bad/ebc_rank1_renamed.pt');
    const error = (() => {
      try {
        shardedTableFile([rank0, renamed]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).message).toMatch(/ebc_rank1_renamed\.pt has no tensor "embedding_bags\.user\.weight", which ebc_rank0\.pt has/);
    expect(() => shardedTableFile([first, first])).toThrow(/given twice/);
  });

  it('orders shard names as numbered, and names a set of them', () => {
    expect(['part-10.npy', 'part-2.npy', 'part-1.npy'].sort(naturalCompare)).toEqual(['part-1.npy', 'part-2.npy', 'part-10.npy']);
    expect(shardSetName(['a.npy'])).toBe('a.npy');
  });
});
