import { defaultCrossWeight, fieldsFromCross, interactionCollapseOfFile, type InteractionCollapse } from '../analysis/interactionCollapse.ts';
import { readFile, stat } from 'node:fs/promises';
import { MAX_FIELD_SIZES_TEXT, readFieldSizes, type FieldSizes } from '../data/fieldDims.ts';
import { readFieldSizesTensor } from '../data/fieldSizesTensor.ts';
import { defaultTensorChoice } from '../data/tensorChoice.ts';
import { ImportError } from '../data/importError.ts';
import { nodeByteSource } from '../data/nodeByteSource.ts';
import { openTableFile } from '../data/openTableFile.ts';
import type { TensorInfo } from '../contracts/tables.ts';
import type { CliCommand } from './parseCliArgs.ts';

export interface InteractionReport extends InteractionCollapse {
  source: string;
  tensor: string;
  weight: string;
  fieldDims: number[];
  /** The checkpoint tensor the field sizes were read from, when --field-dims was not given. */
  sizesTensor?: string;
}

/**
 * `reclens interaction FILE`: the DCNv2 interaction-collapse matrix of a checkpoint. The table is
 * --tensor or the file's one preselected table; W0 is --weight or the cross layer that goes with it.
 */
export async function interactionOfFile(
  command: Extract<CliCommand, { kind: 'interaction' }>,
  onProgress?: (rowsDone: number, rowsTotal: number) => void,
): Promise<InteractionReport> {
  const sizes = command.fieldDims === undefined ? undefined : await readFieldDims(command.fieldDims);
  const source = await nodeByteSource(command.file);
  try {
    const file = await openTableFile(source);
    const table = pickTable(file.tensors, command.tensor, source.name);
    // Without --field-dims, sizes the model saved beside its table (a field_dims / offsets buffer).
    const kept = sizes ? undefined : await readFieldSizesTensor(file, table.shape[0]);
    const fieldDims = sizes?.dims ?? kept?.dims;
    const weight = command.weight ?? defaultCrossWeight(file.tensors, table);
    if (weight === undefined) {
      const square = file.tensors.filter((t) => t.shape.length === 2 && t.shape[0] === t.shape[1]).map((t) => `${t.name} [${t.shape.join('x')}]`);
      throw new ImportError(
        'no-tensor-selected',
        `${source.name} has no first cross layer that fits "${table.name}" (dim ${table.shape[1]})${square.length > 0 ? `; square tensors: ${square.join(', ')}` : ''}.`,
        'Name the DCNv2 first cross layer with --weight (Multi-Embedding: cn.W.0).',
      );
    }
    if (fieldDims === undefined) {
      const side = file.tensors.find((t) => t.name === weight)?.shape[0] ?? 0;
      const f = fieldsFromCross(side, table.shape[1]);
      const looks = f === undefined ? '' : ` "${weight}" is ${side} x ${side}: this table looks like ${f} concatenated fields of dim ${table.shape[1]}.`;
      throw new ImportError(
        'bad-field-dims',
        `the interaction matrix needs the field sizes of "${table.name}" (${table.shape[0]} rows).${looks}`,
        "Give --field-dims (a list such as 3,12,7,20, field_dims.json, FuxiCTR's feature_map.json or the training log).",
      );
    }
    const result = await interactionCollapseOfFile(
      file,
      { tensor: table.name, weight, fieldDims, ...(sizes?.names?.length === fieldDims.length ? { fieldNames: sizes.names } : {}) },
      { onProgress },
    );
    return { ...result, source: source.name, tensor: table.name, weight, fieldDims, ...(kept ? { sizesTensor: kept.tensor } : {}) };
  } finally {
    await source.close();
  }
}

/** A list (3,12,7,20), or a file holding the sizes: JSON, FuxiCTR's feature_map.json (with names), a training log. */
async function readFieldDims(value: string): Promise<FieldSizes> {
  if (/^[\d\s,;[\]()]+$/.test(value)) return readFieldSizes(value);
  const { size } = await stat(value);
  if (size > MAX_FIELD_SIZES_TEXT) {
    throw new ImportError(
      'bad-field-dims',
      `${value} is ${size} bytes, above the ${MAX_FIELD_SIZES_TEXT} read for field sizes`,
      'Give the field sizes as a list, or a file holding them.',
    );
  }
  return readFieldSizes(await readFile(value, 'utf8'));
}

function pickTable(tensors: TensorInfo[], name: string | undefined, source: string): TensorInfo {
  if (name !== undefined) {
    const info = tensors.find((t) => t.name === name);
    if (info) return info;
    throw new ImportError(
      'no-tensor-selected',
      `${source} has no tensor named "${name}" (it has: ${tensors.map((t) => t.name).join(', ')}).`,
      'Name one of the tensors the file holds.',
    );
  }
  const chosen = defaultTensorChoice(tensors);
  if (chosen.length === 1) return tensors.find((t) => t.name === chosen[0])!;
  throw new ImportError(
    'no-tensor-selected',
    chosen.length === 0
      ? `${source} has no embedding table to pair with a cross layer.`
      : `${source} holds ${chosen.length} embedding tables (${chosen.join(', ')}).`,
    'Name the table with --tensor.',
  );
}

/** The stable JSON: fields and matrix[i][j] (IA of field i as seen by field j) in field order. */
export function interactionJson(r: InteractionReport): string {
  return JSON.stringify({ source: r.source, tensor: r.tensor, weight: r.weight, field_dims: r.fieldDims, fields: r.fields, matrix: r.ia, raw_ia: r.rawIa });
}

/** Rows = field i, columns = seen by field j, both in field order, then each field's own IA. */
export function formatInteraction(r: InteractionReport): string {
  const w = Math.max(8, ...r.fields.map((f) => f.length));
  const cell = (v: number) => v.toFixed(3).padStart(Math.max(8, w));
  const lines = [
    `${r.source}: ${r.tensor} through ${r.weight}, ${r.fields.length} fields${r.sizesTensor ? ` (sizes from the checkpoint's ${r.sizesTensor} tensor)` : ''}`,
    "IA of field (row) as seen by field (column) through the first cross layer; raw = the field's own IA.",
    '',
    ''.padEnd(w) + r.fields.map((f) => f.padStart(Math.max(8, w))).join('') + 'raw'.padStart(Math.max(8, w)),
    ...r.ia.map((row, i) => r.fields[i].padEnd(w) + row.map(cell).join('') + cell(r.rawIa[i])),
  ];
  const flat = r.ia.flatMap((row, i) => row.map((v, j) => ({ i, j, v })));
  const lo = flat.reduce((a, b) => (b.v < a.v ? b : a));
  lines.push('', `lowest: ${r.fields[lo.i]} as seen by ${r.fields[lo.j]}, IA ${lo.v.toFixed(3)} (its own: ${r.rawIa[lo.i].toFixed(3)})`);
  return lines.join('\n') + '\n';
}
