/**
 * A structure-aware mutator for TensorFlow checkpoint indexes (LevelDB tables): it changes bytes
 * in place and then writes every block's CRC32C trailer again, so the change reaches the block
 * and protobuf parsers instead of failing the checksum. The blocks are found in the input before
 * the change (footer -> index block -> data block handles), with bounds checked at each step.
 */
import { crc32c, maskCrc } from '../src/data/formats/crc32c.ts';
import type { Mutator } from './mutators.ts';
import { pick } from './mutators.ts';

const FOOTER = 48;

function uvarint(bytes: Uint8Array, pos: number): [number, number] | null {
  let value = 0;
  for (let i = 0, scale = 1; i < 10 && pos + i < bytes.length; i++, scale *= 128) {
    value += (bytes[pos + i] & 0x7f) * scale;
    if (bytes[pos + i] < 0x80) return [value, pos + i + 1];
  }
  return null;
}

function handle(bytes: Uint8Array, pos: number): [{ offset: number; size: number }, number] | null {
  const a = uvarint(bytes, pos);
  const b = a && uvarint(bytes, a[1]);
  return a && b ? [{ offset: a[0], size: b[0] }, b[1]] : null;
}

/** [offset, size] of every block (metaindex, index, data) of a well-formed table; empty when it is not one. */
export function tableBlocks(bytes: Uint8Array): { offset: number; size: number }[] {
  if (bytes.length < FOOTER) return [];
  const meta = handle(bytes, bytes.length - FOOTER);
  const index = meta && handle(bytes, meta[1]);
  if (!meta || !index) return [];
  const blocks = [meta[0], index[0]];
  const { offset, size } = index[0];
  if (offset + size + 5 > bytes.length || size < 4) return [];
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, size);
  const end = size - 4 - 4 * view.getUint32(size - 4, true);
  for (let pos = 0; pos >= 0 && pos < end;) {
    const shared = uvarint(bytes, offset + pos);
    const unshared = shared && uvarint(bytes, shared[1]);
    const valueLength = unshared && uvarint(bytes, unshared[1]);
    if (!valueLength || !unshared) break;
    const value = handle(bytes, valueLength[1] + unshared[0]);
    if (!value) break;
    blocks.push(value[0]);
    pos = valueLength[1] + unshared[0] + valueLength[0] - offset;
  }
  return blocks.filter((b) => b.offset + b.size + 5 <= bytes.length);
}

/** Applies one of `inner` (same-length byte changes) and makes every block's checksum valid again. */
export function tableBlockEdit(inner: Mutator[]): Mutator {
  return {
    name: 'tf-table-block-edit',
    apply(bytes, rng, ctx) {
      const blocks = tableBlocks(bytes);
      if (blocks.length === 0) return null;
      const out = pick(rng, inner).apply(bytes, rng, ctx);
      if (!out || out.length !== bytes.length) return out;
      for (const { offset, size } of blocks) {
        const crc = maskCrc(crc32c(out.subarray(offset, offset + size + 1)));
        new DataView(out.buffer, out.byteOffset + offset + size + 1, 4).setUint32(0, crc, true);
      }
      return out;
    },
  };
}
