import { bytesByteSource, type ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { ReadOptions, RowBlock, TableFile } from '../tableFile.ts';
import { subByteSource } from '../subByteSource.ts';
import { ByteStreamReader } from './byteStreamReader.ts';
import { inflateRange } from './inflateRange.ts';
import { checkNpyData, npyTensor, readNpyHeader } from './npy.ts';
import { NPY_PREAMBLE_BYTES, npyHeaderEnd, parseNpyHeader, type NpyHeader } from './npyHeader.ts';
import { readRowBlocks, readStreamRowBlocks } from './rowBlocks.ts';
import { type RowLayout } from '../tableFile.ts';
import { tableFromTensors } from './tableFromTensors.ts';
import { classifyTensor, unreadableTensor, type Tensor } from './tensor.ts';
import { readZipDirectory, zipEntryDataOffset, type ZipEntry } from './zipDirectory.ts';

const STORED = 0;
const DEFLATE = 8;
/**
 * A deflated member in Fortran order has each column contiguous, so no row can be formed before
 * the whole member is inflated: it is held in memory, up to this size (C-order members and stored
 * members of any size are streamed).
 */
export const MAX_WHOLE_INFLATE_BYTES = 256 * 2 ** 20;

const megabytes = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;

/** Opens an .npz: every NAME.npy member is a tensor NAME; members that are not 2-D are listed as not analysable. */
export async function openNpz(src: ByteSource, labels?: string[]): Promise<TableFile> {
  const entries = (await readZipDirectory(src)).filter((e) => e.name.endsWith('.npy'));
  if (entries.length === 0) {
    throw new ImportError('empty', `${src.name} holds no .npy arrays`, 'Save the tables with numpy: np.savez(path, table=table)');
  }
  const tensors: Tensor[] = [];
  for (const entry of entries) tensors.push(await memberTensor(src, entry));
  return tableFromTensors('npz', src, tensors, labels);
}

async function memberTensor(src: ByteSource, entry: ZipEntry): Promise<Tensor> {
  const name = entry.name.slice(0, -'.npy'.length);
  const where = `${entry.name} in ${src.name}`;
  const dataOffset = await zipEntryDataOffset(src, entry);
  if (entry.flags & 1) return unsupportedMember(name, where, 'it is encrypted');
  if (entry.method === STORED) {
    const member = subByteSource(src, dataOffset, entry.compressedSize, where);
    return npyTensor(member, name, await readNpyHeader(member), dataOffset);
  }
  if (entry.method === DEFLATE) return deflatedTensor(src, entry, dataOffset, name, where);
  return unsupportedMember(name, where, `it uses zip compression method ${entry.method} (only stored and deflate are supported)`);
}

function unsupportedMember(name: string, where: string, why: string): Tensor {
  const reason = `${where} cannot be read: ${why}`;
  return unreadableTensor(
    { name, shape: [], dtype: 'unknown', analysable: false, reason },
    new ImportError('unsupported-format', reason, 'Re-save it with numpy: np.savez or np.savez_compressed'),
  );
}

async function deflatedTensor(src: ByteSource, entry: ZipEntry, dataOffset: number, name: string, where: string): Promise<Tensor> {
  const inflate = (consumed = { bytes: 0 }) => new ByteStreamReader(inflateRange(src, dataOffset, entry.compressedSize, where, consumed));
  const headerReader = inflate();
  const header = await readStreamHeader(headerReader, where);
  await headerReader.close();

  checkNpyData(header, entry.size - header.dataOffset, where);
  const tensor = classifyTensor(name, header.shape, header.dtype, where);
  if ('problem' in tensor) return unreadableTensor(tensor.info, tensor.problem);
  const { rows, dim, dtype } = tensor;
  const layout: RowLayout = { rows, dim, dtype, fortran: header.fortran, dataOffset: header.dataOffset };
  const bytes = rows * dim * dtype.itemSize;
  if (layout.fortran && bytes > MAX_WHOLE_INFLATE_BYTES) {
    const reason = `${where} is a compressed column-major (Fortran-order) array of ${megabytes(bytes)}: such a member must be decompressed whole, and the limit is ${megabytes(MAX_WHOLE_INFLATE_BYTES)}`;
    return unreadableTensor(
      { ...tensor.info, analysable: false, reason },
      new ImportError(
        'too-large',
        reason,
        'Re-save it in row order, which is streamed at any size: np.savez_compressed(path, table=np.ascontiguousarray(table)), or uncompressed with np.savez',
      ),
    );
  }

  async function* read(opts: ReadOptions): AsyncGenerator<RowBlock> {
    const consumed = { bytes: 0 };
    const reader = inflate(consumed);
    try {
      if (!layout.fortran) {
        await reader.read(layout.dataOffset);
        yield* readStreamRowBlocks(reader, layout, opts, where, () => consumed.bytes);
      } else {
        // A column-major member needs random access, so it is inflated whole (rows x dim values in memory).
        const member = await reader.read(entry.size);
        yield* readRowBlocks(bytesByteSource(member, where), layout, opts, () => consumed.bytes);
      }
    } finally {
      await reader.close();
    }
  }
  return { info: tensor.info, read };
}

async function readStreamHeader(reader: ByteStreamReader, where: string): Promise<NpyHeader> {
  const first = await reader.read(NPY_PREAMBLE_BYTES);
  const end = npyHeaderEnd(first, where);
  const rest = await reader.read(Math.max(0, end - first.length));
  const bytes = new Uint8Array(first.length + rest.length);
  bytes.set(first);
  bytes.set(rest, first.length);
  return parseNpyHeader(bytes, where);
}
