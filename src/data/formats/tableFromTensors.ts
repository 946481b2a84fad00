import { isAbortError } from '../abort.ts';
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { ReadOptions, RowBlock, TableFile, TableFormat } from '../tableFile.ts';
import type { Tensor } from './tensor.ts';

/** A TableFile over opened tensors; unexpected read failures become ImportError('read-failed'). */
export function tableFromTensors(format: TableFormat, source: ByteSource, tensors: Tensor[], labels?: string[]): TableFile {
  return {
    format,
    source,
    tensors: tensors.map((t) => t.info),
    labels,
    rowLayout: (name) => tensors.find((t) => t.info.name === name && !t.problem)?.layout,
    readRows: (name, opts = {}) => readTensor(source, tensors, name, opts),
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

/** Keeps ImportErrors and cancellations as they are; anything else is a failed read of the file. */
export function asImportError(error: unknown, fileName: string): unknown {
  if (error instanceof ImportError || isAbortError(error)) return error;
  return new ImportError(
    'read-failed',
    `${fileName} could not be read: ${error instanceof Error ? error.message : String(error)}`,
    'Check that the file is still there and readable, then open it again',
  );
}
