import { defaultTensorChoice } from '../data/tensorChoice.ts';
import { open } from 'node:fs/promises';
import { analyzeTableFile } from '../analysis/analyzeTable.ts';
import { analyzeWarehouseResult } from '../analysis/warehouseAnalysis.ts';
import { looksLikeWarehouseResult, readWarehouseResult } from '../data/formats/warehouseResult.ts';
import { sqlCommandText } from './sqlCommand.ts';
import { correlationCli } from './correlationCommand.ts';
import { resultToJSON } from '../analysis/resultExport.ts';
import type { AnalysisProgress, AnalysisResult, TensorInfo } from '../contracts/tables.ts';
import type { ByteSource } from '../data/byteSource.ts';
import { readFieldSizesTensor } from '../data/fieldSizesTensor.ts';
import { chosenSetLabels, concatenationHint, optimizerStateNote, readCheckpointLayout, type CheckpointLayout } from '../data/checkpointLayout.ts';
import { MAX_FIELD_SIZES_TEXT, readFieldSizes, type FieldSizes } from '../data/fieldDims.ts';
import { ImportError } from '../data/importError.ts';
import { nodeByteSource } from '../data/nodeByteSource.ts';
import { openTableFile } from '../data/openTableFile.ts';
import { datasetJson, datasetOfFile, formatDataset } from './datasetCommand.ts';
import { formatReport } from './formatReport.ts';
import { formatInteraction, interactionJson, interactionOfFile } from './interactionCommand.ts';
import { parseCliArgs, UsageError, type CliCommand } from './parseCliArgs.ts';
import { formatTrainReport, trainResultJson } from './trainReport.ts';
import { runTraining, type TrainProgress } from './trainRun.ts';
import { trainSettings } from './trainSettings.ts';
import { datasetSource, fileSource } from './trainSource.ts';
import { USAGE } from './usage.ts';

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Progress lines go to stderr only when it is a terminal. */
  errIsTTY: boolean;
  /** Ctrl-C: a training run stops at its next chunk. */
  signal?: AbortSignal;
}

export const EXIT_OK = 0;
export const EXIT_IMPORT_ERROR = 1;
export const EXIT_USAGE = 2;
/** The run was interrupted (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** Runs the reclens command line; returns the exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let command: CliCommand;
  // `reclens sql` parses its own options (src/cli/sqlCommand.ts).
  if (argv[0] === 'sql') return sql(argv.slice(1), io);
  // `reclens correlation` too (src/cli/correlationCommand.ts).
  if (argv[0] === 'correlation') return correlationCli(argv.slice(1), io);
  try {
    command = parseCliArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`reclens: ${e.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (command.kind === 'help') {
    io.out(USAGE);
    return EXIT_OK;
  }
  if (command.kind === 'train') return train(command, io);
  if (command.kind === 'interaction') return interaction(command, io);
  if (command.kind === 'dataset') {
    try {
      const report = await datasetOfFile(command.file);
      io.out(command.json ? datasetJson(report) + '\n' : formatDataset(report, command.file));
      return EXIT_OK;
    } catch (e) {
      return reportFailure(e, io);
    }
  }
  try {
    const { result, notes } = await analyze(command, io);
    // The JSON on stdout stays the documented schema; the notes go to stderr beside it.
    if (command.json) for (const note of notes) io.err(`note: ${note}\n`);
    io.out(command.json ? resultToJSON(result) + '\n' : formatReport(result) + notes.map((n) => `\nnote: ${n}\n`).join(''));
    return EXIT_OK;
  } catch (e) {
    return reportFailure(e, io);
  }
}

/** `reclens sql ...`: the warehouse SQL on stdout. */
function sql(argv: string[], io: CliIO): number {
  try {
    const text = sqlCommandText(argv);
    io.out(text === 'help' ? USAGE : text);
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`reclens: ${e.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
}

async function train(command: Extract<CliCommand, { kind: 'train' }>, io: CliIO): Promise<number> {
  try {
    const src = command.dataset !== undefined ? await datasetSource(command.dataset) : await fileSource(command.file!);
    const settings = trainSettings(src.entry, command.model, command.overrides);
    const run = await runTraining(src, settings, command.backend, { onProgress: trainProgressPrinter(io), signal: io.signal });
    if (io.errIsTTY) io.err('\r\x1b[K');
    if ('interrupted' in run) {
      io.err(`interrupted at step ${run.step}: no result (a stopped run is not a finished one)\n`);
      return EXIT_INTERRUPTED;
    }
    io.out(command.json ? JSON.stringify(trainResultJson(run)) + '\n' : formatTrainReport(run));
    return EXIT_OK;
  } catch (e) {
    if (io.errIsTTY) io.err('\r\x1b[K');
    return reportFailure(e, io);
  }
}

async function interaction(command: Extract<CliCommand, { kind: 'interaction' }>, io: CliIO): Promise<number> {
  try {
    const progress = io.errIsTTY
      ? (done: number, total: number) => io.err(`\r\x1b[Kprojecting ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} rows`)
      : undefined;
    const report = await interactionOfFile(command, progress);
    if (io.errIsTTY) io.err('\r\x1b[K');
    io.out(command.json ? interactionJson(report) + '\n' : formatInteraction(report));
    return EXIT_OK;
  } catch (e) {
    if (io.errIsTTY) io.err('\r\x1b[K');
    return reportFailure(e, io);
  }
}

/** A command's failure on stderr: what went wrong and how to fix it. */
function reportFailure(e: unknown, io: CliIO): number {
  const { message, fix } = describeError(e);
  io.err(`error: ${message}\nfix: ${fix}\n`);
  return EXIT_IMPORT_ERROR;
}

/** On a terminal, one live line; otherwise a line per validation (logs stay short). */
function trainProgressPrinter(io: CliIO): (p: TrainProgress) => void {
  return (p) => {
    if (p.kind === 'eval') {
      const line = `step ${p.step} (epoch ${p.epoch}): valid AUC ${p.auc.toFixed(4)}, logloss ${p.logloss.toFixed(4)}`;
      io.err(io.errIsTTY ? `\r\x1b[K${line}\n` : `${line}\n`);
    } else if (io.errIsTTY && p.kind === 'step') {
      io.err(`\r\x1b[Ktraining: step ${p.step}, epoch ${p.epoch + 1} of ${p.epochs} (${p.stepsPerEpoch} steps each)`);
    } else if (io.errIsTTY && p.kind === 'load') {
      const { bytesDone, bytesTotal, rows } = p.progress;
      const pct = bytesTotal > 0 ? ` ${Math.round((100 * bytesDone) / bytesTotal)}%` : '';
      io.err(`\r\x1b[Kloading:${pct}${rows > 0 ? `, ${rows.toLocaleString('en-US')} rows` : ''}`);
    }
  };
}

async function analyze(command: Extract<CliCommand, { kind: 'analyze' }>, io: CliIO): Promise<{ result: AnalysisResult; notes: string[] }> {
  const sizes = command.fieldDims === undefined ? undefined : await readFieldDims(command.fieldDims);
  let fieldDims = sizes?.dims;
  const source = await nodeByteSource(command.file);
  let metadata: Awaited<ReturnType<typeof nodeByteSource>> | undefined;
  const progress = io.errIsTTY ? (p: AnalysisProgress) => io.err(`\r\x1b[K${formatProgress(p)}`) : undefined;
  try {
    if (looksLikeWarehouseResult(await source.read(0, 4096))) return await analyzeWarehouse(command, source);
    if (command.metadata !== undefined) metadata = await nodeByteSource(command.metadata);
    const file = await openTableFile(source, metadata ? { metadata } : undefined);
    const layout = readCheckpointLayout(file.tensors);
    const notes: string[] = [];
    if (layout.optimizerState) notes.push(optimizerStateNote(file.tensors));
    let tensors = command.tensors;
    if (tensors.length === 0) {
      if (layout.optimizerState) {
        throw new ImportError(
          'no-tensor-selected',
          `${source.name}: ${optimizerStateNote(file.tensors)}.`,
          "Give the model's state_dict file (main.py's *_best.pth / model.state_dict()), or --tensor NAME to analyse a moment anyway.",
        );
      }
      tensors = defaultTensorChoice(file.tensors);
      if (tensors.length === 0) {
        const found = file.tensors.map((t) => `${t.name} [${t.shape.join('x')}] ${t.reason ?? t.dtype}`).join('; ');
        throw new ImportError(
          'no-tensor-selected',
          `${source.name} has no 2-D numeric tensor to analyse (found: ${found || 'nothing'}).`,
          'Export the embedding table as a 2-D array (rows x dims).',
        );
      }
    }
    if (!fieldDims) {
      // A model that registered its field sizes (a field_dims / offsets buffer) saved them beside the table.
      const rows = new Set(tensors.map((name) => file.tensors.find((t) => t.name === name)?.shape[0]));
      const [only] = rows;
      const kept = rows.size === 1 && only !== undefined ? await readFieldSizesTensor(file, only) : undefined;
      if (kept) {
        fieldDims = kept.dims;
        notes.push(`field_dims read from the checkpoint's own ${kept.tensor} tensor`);
      }
    }
    const sets = fieldDims ? chosenSetLabels(layout, tensors) : undefined;
    const names = sizes?.names && sizes.names.length === fieldDims?.length ? sizes.names : undefined;
    const result = await analyzeTableFile(
      file,
      {
        tensors,
        field_dims: fieldDims,
        mode: command.mode,
        maxDim: command.maxDim,
        ...(names ? { fieldNames: names } : {}),
        ...(sets ? { setNames: sets } : {}),
      },
      { onProgress: progress },
    );
    const concatenated = fieldDims ? undefined : concatenatedTables(layout, file.tensors, tensors);
    if (concatenated) notes.push(concatenated);
    return { result, notes };
  } finally {
    if (progress) io.err('\r\x1b[K');
    await source.close();
    await metadata?.close();
  }
}

/** A warehouse SQL result (docs/warehouse.md): its Grams analysed as a table's would be. */
async function analyzeWarehouse(command: Extract<CliCommand, { kind: 'analyze' }>, source: ByteSource): Promise<{ result: AnalysisResult; notes: string[] }> {
  const extra =
    command.fieldDims !== undefined ? '--field-dims' : command.tensors.length > 0 ? '--tensor' : command.metadata !== undefined ? '--metadata' : undefined;
  if (extra) {
    throw new ImportError(
      'no-tensor-selected',
      `${source.name} is a warehouse result: ${extra} does not apply (its fields are the values of the field column).`,
      `Leave ${extra} out.`,
    );
  }
  const warehouse = await readWarehouseResult(source);
  const result = analyzeWarehouseResult(warehouse, command.mode, command.maxDim);
  return {
    result,
    notes: [`${source.name} is a warehouse result: ${warehouse.fields.length} fields of K = ${warehouse.dim}, from the Grams the warehouse summed`],
  };
}

/** `--field-dims 2,7,24` (or "[2,7,24]", "2 7 24") or a file: field_dims.json, FuxiCTR's feature_map.json, a training log. */
async function readFieldDims(value: string): Promise<FieldSizes> {
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

function formatProgress(p: AnalysisProgress): string {
  const done = p.rowsDone.toLocaleString('en-US');
  const of = p.rowsTotal === null ? '' : ` / ${p.rowsTotal.toLocaleString('en-US')} (${Math.round((100 * p.rowsDone) / Math.max(1, p.rowsTotal))}%)`;
  return `reading ${done}${of} rows, ${Math.round(p.rowsPerSecond).toLocaleString('en-US')} rows/s`;
}

function describeError(e: unknown): { message: string; fix: string } {
  if (e instanceof ImportError) return { message: e.message, fix: e.fix };
  if (e instanceof RangeError) return { message: e.message, fix: 'Change the setting it names.' };
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return { message: `no such file: ${(e as NodeJS.ErrnoException).path}`, fix: 'Check the path.' };
  if (code === 'EISDIR') return { message: `${(e as NodeJS.ErrnoException).path} is a directory`, fix: 'Give the path of a file.' };
  if (code === 'EACCES') return { message: `permission denied: ${(e as NodeJS.ErrnoException).path}`, fix: 'Make the file readable.' };
  return {
    message: `unexpected failure: ${e instanceof Error ? e.message : String(e)}`,
    fix: 'This is a bug in reclens; please report it with the file that caused it.',
  };
}
