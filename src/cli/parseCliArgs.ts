import { parseArgs } from 'node:util';
import { parseMaxDim } from '../analysis/dimensionLimit.ts';
import type { SpectrumMode } from '../contracts/tables.ts';

export type CliCommand =
  | { kind: 'help' }
  | {
      kind: 'analyze';
      file: string;
      /** The --field-dims value as given: a list or a sidecar path. */
      fieldDims?: string;
      tensors: string[];
      metadata?: string;
      mode: SpectrumMode;
      /** --max-dim: the widest table analysed (default DEFAULT_MAX_DIM). */
      maxDim?: number;
      json: boolean;
    };

/** A mistake in the command line (exit code 2, usage shown). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const MODES: readonly SpectrumMode[] = ['recscope', 'raw', 'centered'];

export function parseCliArgs(argv: string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        'field-dims': { type: 'string' },
        tensor: { type: 'string', multiple: true },
        metadata: { type: 'string' },
        mode: { type: 'string' },
        'max-dim': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const [command, file, ...extra] = positionals;
  if (command === undefined) throw new UsageError('no command given');
  if (command !== 'analyze') throw new UsageError(`unknown command "${command}"`);
  if (file === undefined) throw new UsageError('analyze needs a FILE');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const mode = values.mode ?? 'recscope';
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`--mode must be one of ${MODES.join(', ')}, got "${mode}"`);
  }
  const maxDimText = values['max-dim'];
  let maxDim: number | undefined;
  if (maxDimText !== undefined) {
    try {
      maxDim = parseMaxDim(maxDimText);
    } catch (e) {
      throw new UsageError(`--max-dim: ${(e as Error).message}`);
    }
  }
  return {
    kind: 'analyze',
    file,
    fieldDims: values['field-dims'],
    tensors: values.tensor ?? [],
    metadata: values.metadata,
    mode: mode as SpectrumMode,
    ...(maxDim === undefined ? {} : { maxDim }),
    json: values.json ?? false,
  };
}
