import type { ByteSource } from './byteSource.ts';
import { ImportError } from './importError.ts';
import type { ReadOptions, RowBlock, TableFile } from './tableFile.ts';
import type { TensorInfo } from '../contracts/tables.ts';

/** The most files one sharded table may span. */
export const MAX_SHARDS = 10_000;

/** "shard2" before "shard10": the order shards are numbered in, whatever order they were picked or globbed in. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** How a set of shards is named in a report: the file itself, or "first … last (N shards)". */
export function shardSetName(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names[0]} … ${names[names.length - 1]} (${names.length} shards)`;
}

/**
 * Several files that each hold a row range of the same table (a row-wise sharded table dumped one
 * .npy or one state dict per shard) as one table: its rows are the shards' rows in the natural
 * order of their names. Files of one tensor each (.npy, text) are matched by position and named
 * after what their names share; files of several tensors (state dicts, .npz, .safetensors) by
 * tensor name. Every shard must hold the same tensors, of the same width and dtype; else an
 * ImportError names the shard and tensor that differ.
 */
export function shardedTableFile(files: readonly TableFile[]): TableFile {
  if (files.length === 0) throw new ImportError('empty', 'No shard was given.', 'Give the files that hold the table’s row ranges.');
  if (files.length > MAX_SHARDS) {
    throw new ImportError(
      'too-large',
      `${files.length} shards is above the limit of ${MAX_SHARDS} files for one table.`,
      'Merge partial Grams of groups of shards instead (reclens gram, reclens merge).',
    );
  }
  if (files.length === 1) return files[0];
  const shards = [...files].sort((a, b) => naturalCompare(a.source.name, b.source.name));
  const names = shards.map((s) => s.source.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) {
    throw new ImportError('shape-mismatch', `${duplicate} was given twice: its rows would be counted twice.`, 'Give each shard once.');
  }
  const single = shards.every((s) => s.tensors.length === 1);
  // One name per tensor of the table, and each shard's name for it.
  const tableNames = single ? [commonName(shards.map((s) => s.tensors[0].name))] : shards[0].tensors.map((t) => t.name);
  const shardTensor = (shard: number, tensor: number): TensorInfo => {
    const s = shards[shard];
    if (single) return s.tensors[0];
    const found = s.tensors.find((t) => t.name === tableNames[tensor]);
    if (!found) {
      throw new ImportError(
        'shape-mismatch',
        `${names[shard]} has no tensor "${tableNames[tensor]}", which ${names[0]} has: the files are not shards of one table.`,
        'Give the shards of one table: files holding the same tensors, each a range of its rows.',
      );
    }
    return found;
  };
  const tensors = tableNames.map((name, j): TensorInfo => {
    const first = shardTensor(0, j);
    let rows = 0;
    for (let i = 0; i < shards.length; i++) {
      const t = shardTensor(i, j);
      if (!single && i > 0 && shards[i].tensors.length !== shards[0].tensors.length) {
        const extra = shards[i].tensors.find((u) => !tableNames.includes(u.name));
        throw new ImportError(
          'shape-mismatch',
          `${names[i]} holds ${shards[i].tensors.length} tensors${extra ? ` ("${extra.name}" among them)` : ''} and ${names[0]} ${shards[0].tensors.length}: the files are not shards of one table.`,
          'Give the shards of one table: files holding the same tensors, each a range of its rows.',
        );
      }
      if (!first.analysable) continue;
      const what = (u: TensorInfo) => `[${u.shape.join(' x ')}] ${u.dtype}`;
      if (t.shape.length !== first.shape.length || t.shape[1] !== first.shape[1] || t.dtype !== first.dtype || !t.analysable) {
        throw new ImportError(
          'shape-mismatch',
          `Shards differ: "${t.name}" of ${names[i]} is ${what(t)}, but "${first.name}" of ${names[0]} is ${what(first)}; the shards of one table have the same width (K) and dtype.`,
          'Give the row ranges of one table, saved the same way.',
        );
      }
      rows = rows < 0 || t.shape[0] < 0 ? -1 : rows + t.shape[0];
    }
    return first.analysable ? { ...first, name, shape: [rows, ...first.shape.slice(1)] } : { ...first, name };
  });
  const sizes = shards.map((s) => s.source.size);
  const source: ByteSource = {
    name: shardSetName(names),
    size: sizes.reduce((a, b) => a + b, 0),
    read() {
      return Promise.reject(new Error('a sharded table is read shard by shard'));
    },
  };
  return {
    format: shards[0].format,
    source,
    tensors,
    readRows: (name, opts) => {
      const j = tableNames.indexOf(name);
      if (j < 0) {
        throw new ImportError(
          'no-tensor-selected',
          `${source.name} has no tensor named "${name}" (it has ${tableNames.map((n) => `"${n}"`).join(', ')})`,
          'Pick one of the tensors the shards hold.',
        );
      }
      return readShards(shards, (i) => shardTensor(i, j).name, sizes, opts);
    },
  };
}

async function* readShards(
  shards: readonly TableFile[],
  tensorOf: (shard: number) => string,
  sizes: number[],
  opts: ReadOptions = {},
): AsyncGenerator<RowBlock> {
  let rowsBefore = 0;
  let bytesBefore = 0;
  for (let i = 0; i < shards.length; i++) {
    let rows = 0;
    for await (const block of shards[i].readRows(tensorOf(i), opts)) {
      rows = block.startRow + block.rows;
      yield { ...block, startRow: rowsBefore + block.startRow, bytesDone: bytesBefore + block.bytesDone };
    }
    rowsBefore += rows;
    bytesBefore += sizes[i];
  }
}

/** What the shards' tensor names share ("emb.shard-0", "emb.shard-1" -> "emb.shard"), else the first name. */
export function commonName(names: string[]): string {
  let prefix = names[0];
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const trimmed = prefix.replace(/[\s._-]+$/, '');
  return trimmed || names[0];
}
