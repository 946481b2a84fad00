import { isAbortError } from '../abort.ts';
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { ReadOptions, RowBlock, TableFile } from '../tableFile.ts';
import type { TableFormat, TensorInfo } from '../../contracts/tables.ts';
import type { Tensor } from './tensor.ts';

/** A TableFile over opened tensors; failed reads of the file become ImportError('read-failed'). */
export function tableFromTensors(format: TableFormat, source: ByteSource, tensors: Tensor[], labels?: string[]): TableFile {
  return {
    format,
    source,
    tensors: tensors.map((t) => t.info),
    labels,
    rowLayout: (name) => tensors.find((t) => t.info.name === name && !t.problem)?.layout,
    readRows: (name, opts = {}) => readTensor(source, tensors, name, opts),
    readVector: async (name) => {
      const vector = tensors.find((t) => t.info.name === name)?.vector;
      try {
        return vector ? await vector() : undefined;
      } catch (error) {
        throw asImportError(error, source.name);
      }
    },
  };
}

async function* readTensor(source: ByteSource, tensors: Tensor[], name: string, opts: ReadOptions): AsyncGenerator<RowBlock> {
  const tensor = tensors.find((t) => t.info.name === name);
  if (!tensor) {
    throw new ImportError(
      'no-tensor-selected',
      `${source.name} has no tensor named "${name}" (it has ${tensors.map((t) => `"${t.info.name}"`).join(', ')})`,
      'Pick one of the tensors the file lists',
    );
  }
  try {
    yield* tensor.read(opts);
  } catch (error) {
    throw asImportError(error, source.name);
  }
}

/** Refuses a read of any tensor but the one a single-tensor file (a text table, a word2vec file) holds. */
export function expectOnlyTensor(source: ByteSource, info: TensorInfo, name: string): void {
  if (name !== info.name) {
    throw new ImportError('no-tensor-selected', `${source.name} has no tensor named "${name}" (it has "${info.name}")`, 'Pick the tensor the file lists');
  }
}

/**
 * The array a pass over the rows fills with the labels it reads, emptied first so a second pass
 * does not append to the first; undefined when a metadata file gave the labels instead.
 */
export function labelsToRefill(metadataLabels: readonly string[] | undefined, labels: string[] | undefined): string[] | undefined {
  const fill = metadataLabels ? undefined : labels;
  if (fill) fill.length = 0;
  return fill;
}

/**
 * Keeps ImportErrors and cancellations as they are and names a failed read of the file (a browser
 * NotReadableError, a Node ENOENT/EIO) as such. Anything else is a bug in a reader, not a problem
 * of the file: it stays what it is, so the studio and the CLI report it as an internal error
 * instead of telling the user to check that the file is still there.
 */
export function asImportError(error: unknown, fileName: string): unknown {
  if (error instanceof ImportError || isAbortError(error) || !isReadFailure(error)) return error;
  return new ImportError(
    'read-failed',
    `${fileName} could not be read: ${error instanceof Error ? error.message : String(error)}`,
    'Check that the file is still there and readable, then open it again',
  );
}

function isReadFailure(error: unknown): boolean {
  if (typeof DOMException !== 'undefined' && error instanceof DOMException) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}
