import { partialGramOfTable } from '../analysis/partialGram.ts';
import type { PartialGram } from '../contracts/partialGram.ts';
import type { AnalysisProgress } from '../contracts/tables.ts';
import { ImportError } from '../data/importError.ts';
import { chooseTables, openTables } from './tableRequest.ts';

/** `reclens gram FILE...`: what to sum. */
export interface GramCommand {
  /** One table file, or the row ranges (shards) of one table. */
  files: string[];
  /** The --field-dims value as given: a list or a sidecar path. */
  fieldDims?: string;
  tensors: string[];
  maxDim?: number;
  /** With field sizes: the row of the whole table the files' rows start at. */
  firstRow?: number;
}

/**
 * The partial Gram of FILE (or of several shards of one table, summed as one): every chosen
 * field's raw Gram with column sums, RecScope's normalised Gram and the row counts, chosen as
 * `reclens analyze` chooses. Notes say what was assumed (field sizes read from the checkpoint).
 */
export async function gramOfFiles(command: GramCommand, onProgress?: (p: AnalysisProgress) => void): Promise<{ partial: PartialGram; notes: string[] }> {
  const opened = await openTables(command.files);
  try {
    const { request, notes } = await chooseTables(opened.file, command);
    if (command.firstRow !== undefined && !request.field_dims) {
      throw new ImportError(
        'bad-field-dims',
        '--first-row places a shard’s rows among the fields of a concatenated table, but no field sizes were given.',
        'Give the whole table’s --field-dims with --first-row, or leave --first-row out (each tensor is then a field).',
      );
    }
    const partial = await partialGramOfTable(opened.file, { ...request, maxDim: command.maxDim, firstRow: command.firstRow }, { onProgress }, opened.sources);
    return { partial, notes };
  } finally {
    await opened.close();
  }
}

/** One line for stderr: what the partial Gram holds. */
export function describePartial(partial: PartialGram, out: string): string {
  const rows = partial.fields.reduce((n, f) => n + f.rows, 0);
  const excluded = partial.fields.reduce((n, f) => n + f.excluded_rows, 0);
  const from = partial.sources.length === 1 ? partial.sources[0] : `${partial.sources.length} files`;
  return `${out}: ${partial.fields.length} field${partial.fields.length === 1 ? '' : 's'}, ${rows.toLocaleString('en-US')} rows summed${excluded > 0 ? ` (${excluded.toLocaleString('en-US')} excluded: NaN or Inf)` : ''} from ${from}\n`;
}
