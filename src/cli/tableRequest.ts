import { open } from 'node:fs/promises';
import type { AnalysisRequest } from '../analysis/analyzeTable.ts';
import type { TensorInfo } from '../contracts/tables.ts';
import { chosenSetLabels, concatenationHint, optimizerStateNote, readCheckpointLayout, type CheckpointLayout } from '../data/checkpointLayout.ts';
import { MAX_FIELD_SIZES_TEXT, readFieldSizes, type FieldSizes } from '../data/fieldDims.ts';
import { readFieldSizesTensor } from '../data/fieldSizesTensor.ts';
import { ImportError } from '../data/importError.ts';
import { nodeByteSource } from '../data/nodeByteSource.ts';
import { openTableFile } from '../data/openTableFile.ts';
import { naturalCompare, shardedTableFile } from '../data/shardedTable.ts';
import type { TableFile } from '../data/tableFile.ts';
import { defaultTensorChoice } from '../data/tensorChoice.ts';

/** Opened files, as one table, and how to close them. */
export interface OpenedTable {
  file: TableFile;
  /** The files' own names, in the order their rows were read. */
  sources: string[];
  close(): Promise<void>;
}

/**
 * Opens FILE, or several FILEs holding row ranges of one table (shards, ordered by their names'
 * numbers) as one table. `metadata` (Embedding Projector labels) goes with a single file only.
 */
export async function openTables(paths: string[], metadataPath?: string): Promise<OpenedTable> {
  const sources: Awaited<ReturnType<typeof nodeByteSource>>[] = [];
  const close = async () => {
    for (const s of sources) await s.close();
  };
  try {
    if (metadataPath !== undefined && paths.length > 1) {
      throw new ImportError('shape-mismatch', '--metadata labels the rows of one file, not of several shards.', 'Give one table file with --metadata.');
    }
    for (const path of paths) sources.push(await nodeByteSource(path));
    const metadata = metadataPath === undefined ? undefined : await nodeByteSource(metadataPath);
    if (metadata) sources.push(metadata);
    const files: TableFile[] = [];
    for (const source of sources.slice(0, paths.length)) files.push(await openTableFile(source, metadata ? { metadata } : undefined));
    if (files.length > 1 && files.some((f) => f.partialGram)) {
      throw new ImportError(
        'shape-mismatch',
        'Partial-Gram files are merged, not read as shards of a table.',
        'Use reclens merge PART.json... for partial Grams.',
      );
    }
    const file = shardedTableFile(files);
    return { file, sources: files.map((f) => f.source.name).sort(naturalCompare), close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** What to analyse in a file: the request (but the recipe) and notes for the report. */
export interface TableChoice {
  request: Omit<AnalysisRequest, 'mode' | 'maxDim'>;
  notes: string[];
}

/**
 * The tensors and field sizes of `reclens analyze` / `reclens gram`: the ones given, else the
 * file's embedding tables (read from names and shapes; all fields of a partial-Gram file), and
 * field sizes from --field-dims or a field_dims / offsets tensor saved beside the table.
 */
export async function chooseTables(file: TableFile, given: { tensors: string[]; fieldDims?: string }): Promise<TableChoice> {
  const sizes = given.fieldDims === undefined ? undefined : await readFieldDims(given.fieldDims);
  let fieldDims = sizes?.dims;
  const name = file.source.name;
  const layout = readCheckpointLayout(file.tensors);
  const notes: string[] = [];
  if (layout.optimizerState) notes.push(optimizerStateNote(file.tensors));
  let tensors = given.tensors;
  if (tensors.length === 0 && file.partialGram) tensors = file.tensors.map((t) => t.name);
  if (tensors.length === 0) {
    if (layout.optimizerState) {
      throw new ImportError(
        'no-tensor-selected',
        `${name}: ${optimizerStateNote(file.tensors)}.`,
        "Give the model's state_dict file (main.py's *_best.pth / model.state_dict()), or --tensor NAME to analyse a moment anyway.",
      );
    }
    tensors = defaultTensorChoice(file.tensors);
    if (tensors.length === 0) {
      const found = file.tensors.map((t) => `${t.name} [${t.shape.join('x')}] ${t.reason ?? t.dtype}`).join('; ');
      throw new ImportError(
        'no-tensor-selected',
        `${name} has no 2-D numeric tensor to analyse (found: ${found || 'nothing'}).`,
        'Export the embedding table as a 2-D array (rows x dims).',
      );
    }
  }
  if (!fieldDims && !file.partialGram) {
    // A model that registered its field sizes (a field_dims / offsets buffer) saved them beside the table.
    const rows = new Set(tensors.map((t) => file.tensors.find((info) => info.name === t)?.shape[0]));
    const [only] = rows;
    const kept = rows.size === 1 && only !== undefined ? await readFieldSizesTensor(file, only) : undefined;
    if (kept) {
      fieldDims = kept.dims;
      notes.push(`field_dims read from the checkpoint's own ${kept.tensor} tensor`);
    }
  }
  const sets = fieldDims ? chosenSetLabels(layout, tensors) : undefined;
  const names = sizes?.names && sizes.names.length === fieldDims?.length ? sizes.names : undefined;
  const concatenated = fieldDims ? undefined : concatenatedTables(layout, file.tensors, tensors);
  if (concatenated) notes.push(concatenated);
  return {
    request: { tensors, field_dims: fieldDims, ...(names ? { fieldNames: names } : {}), ...(sets ? { setNames: sets } : {}) },
    notes,
  };
}

/** `--field-dims 2,7,24` (or "[2,7,24]", "2 7 24") or a file: field_dims.json, FuxiCTR's feature_map.json, a training log. */
export async function readFieldDims(value: string): Promise<FieldSizes> {
  if (/^[\d\s,;[\]()]+$/.test(value)) return readFieldSizes(value);
  const handle = await open(value, 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_FIELD_SIZES_TEXT) {
      throw new ImportError(
        'bad-field-dims',
        `${value} is ${size} bytes, above the ${MAX_FIELD_SIZES_TEXT} read for field sizes`,
        'Give the field sizes as a list, or a file holding them.',
      );
    }
    return readFieldSizes(await handle.readFile('utf8'));
  } finally {
    await handle.close();
  }
}

/** The hint for tables analysed whole though the model's own shapes say they concatenate fields. */
function concatenatedTables(layout: CheckpointLayout, all: readonly TensorInfo[], tensors: string[]): string | undefined {
  const e = layout.fieldCount;
  if (!e) return undefined;
  const infos = tensors.map((name) => all.find((t) => t.name === name)).filter((t) => t !== undefined);
  const fits = infos.filter((t) => t.shape[1] === e.dim && t.shape[0] >= e.fields);
  if (fits.length === 0) return undefined;
  return `${fits.length === 1 ? fits[0].name : `${fits.length} tables`}: ${concatenationHint(e, fits[0].shape[0], '--field-dims (a list, field_dims.json, feature_map.json or the training log)')}; its verdict as one field means nothing`;
}
