/**
 * A trained run's embedding tables as files the collapse view (and numpy / safetensors tools)
 * read: per embedding set one concatenated float32 .npy (fieldOffsets layout) with a
 * field_dims JSON sidecar, and one .safetensors holding a tensor per field (and set).
 */
import type { CtrField } from '../data/ctr/ctrDataset.ts';
import type { EmbeddingSnapshot } from './trainer.ts';

export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();

function littleEndianFloat32(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return out;
}

/** A C-order little-endian float32 .npy (format 1.0, header padded to 64 bytes). */
export function encodeNpyFloat32(values: Float32Array, rows: number, cols: number): Uint8Array {
  if (values.length !== rows * cols) throw new RangeError(`${values.length} values for a ${rows} x ${cols} array`);
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + values.length * 4);
  out.set([0x93, ...encoder.encode('NUMPY'), 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(encoder.encode(header), 10);
  out.set(littleEndianFloat32(values), 10 + header.length);
  return out;
}

/** Tensor name of one field in the .safetensors file: the field's name, prefixed by its set when there are several. */
export function safetensorsName(field: string, set: number, sets: number): string {
  return sets === 1 ? field : `set${set}/${field}`;
}

/** One F32 tensor per field of every set; the header is space-padded to 8 bytes as the format asks. */
export function encodeSafetensors(snapshots: EmbeddingSnapshot[], fields: CtrField[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const snap of snapshots) {
    let row = 0;
    for (const field of fields) {
      const values = snap.table.subarray(row * snap.dim, (row + field.cardinality) * snap.dim);
      row += field.cardinality;
      const bytes = littleEndianFloat32(values);
      header[safetensorsName(field.name, snap.set, snapshots.length)] = {
        dtype: 'F32',
        shape: [field.cardinality, snap.dim],
        data_offsets: [offset, offset + bytes.length],
      };
      parts.push(bytes);
      offset += bytes.length;
    }
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (encoder.encode(json).length % 8)) % 8);
  const head = encoder.encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** All files of an export: `<stem>_set<m>.npy` per set, `<stem>_field_dims.json`, `<stem>.safetensors`. */
export function exportEmbeddingTables(snapshots: EmbeddingSnapshot[], fields: CtrField[], stem: string): ExportFile[] {
  if (snapshots.length === 0) throw new RangeError('no embedding tables to export');
  const fieldDims = fields.map((f) => f.cardinality);
  const total = fieldDims.reduce((a, b) => a + b, 0);
  for (const s of snapshots) {
    if (s.rows !== total) throw new RangeError(`set ${s.set} has ${s.rows} rows, the fields ${total}`);
  }
  const files: ExportFile[] = snapshots.map((s) => ({ name: `${stem}_set${s.set}.npy`, bytes: encodeNpyFloat32(s.table, s.rows, s.dim) }));
  const sidecar = { field_dims: fieldDims, field_names: fields.map((f) => f.name) };
  files.push({ name: `${stem}_field_dims.json`, bytes: encoder.encode(JSON.stringify(sidecar, null, 1)) });
  files.push({ name: `${stem}.safetensors`, bytes: encodeSafetensors(snapshots, fields, { producer: 'RecLens', field_dims: JSON.stringify(fieldDims) }) });
  return files;
}
