import { analyzeTableFile } from '../analysis/analyzeTable.ts';
import { analyzeWarehouseResult } from '../analysis/warehouseAnalysis.ts';
import { looksLikeWarehouseResult, readWarehouseResult } from '../data/formats/warehouseResult.ts';
import { sqlCommandText } from './sqlCommand.ts';
import { correlationCli } from './correlationCommand.ts';
import { resultToJSON } from '../analysis/resultExport.ts';
import { writeFile } from 'node:fs/promises';
import { checkDimension } from '../analysis/dimensionLimit.ts';
import { analyzeGramTable, analyzePartialGram } from '../analysis/partialGram.ts';
import { partialGramToJSON } from '../data/formats/partialGramJson.ts';
import type { AnalysisProgress, AnalysisResult } from '../contracts/tables.ts';
import type { ByteSource } from '../data/byteSource.ts';
import { ImportError } from '../data/importError.ts';
import { nodeByteSource } from '../data/nodeByteSource.ts';
import { datasetJson, datasetOfFile, formatDataset } from './datasetCommand.ts';
import { formatReport } from './formatReport.ts';
import { describePartial, gramOfFiles } from './gramCommand.ts';
import { mergeGramFiles } from './mergeCommand.ts';
import { formatInteraction, interactionJson, interactionOfFile } from './interactionCommand.ts';
import { parseCliArgs, UsageError, type CliCommand } from './parseCliArgs.ts';
import { formatTrainReport, trainResultJson } from './trainReport.ts';
import { runTraining, type TrainProgress } from './trainRun.ts';
import { trainSettings } from './trainSettings.ts';
import { datasetSource, fileSource } from './trainSource.ts';
import { chooseTables, openTables } from './tableRequest.ts';
import { threadGramHook } from './threadTensorGram.ts';
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
  if (command.kind === 'gram') return gram(command, io);
  if (command.kind === 'merge') return merge(command, io);
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

async function gram(command: Extract<CliCommand, { kind: 'gram' }>, io: CliIO): Promise<number> {
  const progress = io.errIsTTY ? (p: AnalysisProgress) => io.err(`\r\x1b[K${formatProgress(p)}`) : undefined;
  try {
    const { partial, notes } = await gramOfFiles(command, progress);
    if (progress) io.err('\r\x1b[K');
    for (const note of notes) io.err(`note: ${note}\n`);
    await writeOut(command.out, partialGramToJSON(partial), io);
    io.err(describePartial(partial, command.out ?? 'partial Gram'));
    return EXIT_OK;
  } catch (e) {
    if (progress) io.err('\r\x1b[K');
    return reportFailure(e, io);
  }
}

async function merge(command: Extract<CliCommand, { kind: 'merge' }>, io: CliIO): Promise<number> {
  try {
    const merged = await mergeGramFiles(command.files, io.signal);
    if (command.out !== undefined) {
      await writeOut(command.out, partialGramToJSON(merged), io);
      io.err(describePartial(merged, command.out));
      return EXIT_OK;
    }
    for (const f of merged.fields) checkDimension(f.name, f.rows, f.dim, command.maxDim);
    const result = analyzePartialGram(merged, command.mode);
    io.out(command.json ? resultToJSON(result) + '\n' : formatReport(result));
    return EXIT_OK;
  } catch (e) {
    return reportFailure(e, io);
  }
}

/** Text to a file, or to stdout when no file is named. */
async function writeOut(path: string | undefined, text: string, io: CliIO): Promise<void> {
  if (path === undefined) io.out(text);
  else await writeFile(path, text);
}

async function train(command: Extract<CliCommand, { kind: 'train' }>, io: CliIO): Promise<number> {
  try {
    const src = command.dataset !== undefined ? await datasetSource(command.dataset) : await fileSource(command.file!);
    const settings = trainSettings(src.entry, command.model, command.overrides);
    const run = await runTraining(src, settings, command.backend, command.threads, { onProgress: trainProgressPrinter(io), signal: io.signal });
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
  const progress = io.errIsTTY ? (p: AnalysisProgress) => io.err(`\r\x1b[K${formatProgress(p)}`) : undefined;
  if (command.files === undefined) {
    const source = await nodeByteSource(command.file);
    try {
      if (looksLikeWarehouseResult(await source.read(0, 4096))) return await analyzeWarehouse(command, source);
    } finally {
      await source.close();
    }
  }
  // Several FILEs are the row ranges (shards) of one table.
  const opened = await openTables(command.files ?? [command.file], command.metadata);
  try {
    const { file } = opened;
    const { request, notes } = await chooseTables(file, command);
    const full = { ...request, mode: command.mode, maxDim: command.maxDim };
    // One file: a big C-order tensor is summed on every core (several shards stream in turn).
    const paths = command.files ?? [command.file];
    const tensorGram = paths.length === 1 ? threadGramHook(file, paths[0]) : undefined;
    const result = analyzeGramTable(file, full) ?? (await analyzeTableFile(file, full, { onProgress: progress, tensorGram }));
    return { result, notes };
  } finally {
    if (progress) io.err('\r\x1b[K');
    await opened.close();
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
