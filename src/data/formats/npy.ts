import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { TableFile } from '../tableFile.ts';
import { NPY_PREAMBLE_BYTES, npyHeaderEnd, parseNpyHeader, type NpyHeader } from './npyHeader.ts';
import { readRowBlocks } from './rowBlocks.ts';
import { classifyTensor, shapeText, storedByteLength, unreadableTensor, type Tensor } from './tensor.ts';
import { tableFromTensors } from './tableFromTensors.ts';

/** Reads and parses the header of an .npy held in a random-access source. */
export async function readNpyHeader(src: ByteSource): Promise<NpyHeader> {
  const first = await src.read(0, NPY_PREAMBLE_BYTES);
  const end = npyHeaderEnd(first, src.name);
  if (end > src.size) {
    throw new ImportError(
      'truncated',
      `${src.name} is truncated: its header promises ${end} bytes but the file holds ${src.size}`,
      'Re-export the file; it was cut off',
    );
  }
  return parseNpyHeader(await src.read(0, end), src.name);
}

/** Checks the data the header promises is all there (when its dtype is known). */
export function checkNpyData(header: NpyHeader, available: number, where: string): void {
  if (!('dtype' in header.dtype)) return;
  const { itemSize, name: dtypeName } = header.dtype.dtype;
  const bytes = storedByteLength(header.shape, itemSize, where);
  if (bytes > available) {
    throw new ImportError(
      'truncated',
      `${where} is truncated: the header promises ${shapeText(header.shape)} ${dtypeName} (${bytes} bytes) but the file holds ${available}`,
      'Re-export the file; it was cut off',
    );
  }
}

/**
 * The tensor of an .npy whose bytes are randomly accessible (a file, or a stored .npz member that
 * starts `fileOffset` bytes into its file).
 */
export function npyTensor(src: ByteSource, name: string, header: NpyHeader, fileOffset = 0): Tensor {
  checkNpyData(header, src.size - header.dataOffset, src.name);
  const tensor = classifyTensor(name, header.shape, header.dtype, src.name);
  if ('problem' in tensor) return unreadableTensor(tensor.info, tensor.problem);
  const { rows, dim, dtype } = tensor;
  const layout = { rows, dim, dtype, fortran: header.fortran, dataOffset: header.dataOffset };
  const rowBytes = dim * dtype.itemSize;
  return {
    info: tensor.info,
    read: (opts) => readRowBlocks(src, layout, opts, (done) => header.dataOffset + done * rowBytes),
    ...(layout.fortran ? {} : { layout: { ...layout, dataOffset: fileOffset + layout.dataOffset } }),
  };
}

export function stripExtension(fileName: string): string {
  return fileName.replace(/\.[^./\\]+$/, '');
}

/** Opens a single .npy file; an unsupported dtype fails the open, a non-2-D array is listed as not analysable. */
export async function openNpy(src: ByteSource, labels?: string[]): Promise<TableFile> {
  const tensor = npyTensor(src, stripExtension(src.name), await readNpyHeader(src));
  if (tensor.problem?.code === 'unsupported-dtype') throw tensor.problem;
  return tableFromTensors('npy', src, [tensor], labels);
}
