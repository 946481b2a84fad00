import type { ByteSource } from './byteSource.ts';
import { detectFormat } from './formats/detectFormat.ts';
import { readMetadataLabels } from './formats/metadataLabels.ts';
import { openHdf5 } from './formats/hdf5.ts';
import { openNpy } from './formats/npy.ts';
import { openNpz } from './formats/npz.ts';
import { openOnnx } from './formats/onnx.ts';
import { openParquet } from './formats/parquet.ts';
import { openPartialGram } from './formats/partialGramJson.ts';
import { looksLikeWarehouseResult, openWarehouseResult } from './formats/warehouseResult.ts';
import { openSafetensors } from './formats/safetensors.ts';
import { asImportError } from './formats/tableFromTensors.ts';
import { openTextTable } from './formats/textTable.ts';
import { openTfCheckpoint, type CompanionLookup } from './formats/tfCheckpoint.ts';
import { isLegacyTorchSave, openTorchCheckpoint } from './formats/torchCheckpoint.ts';
import { openTorchLegacy } from './formats/torchLegacy.ts';
import { openWord2vecBinary } from './formats/word2vecBinary.ts';
import { ImportError } from './importError.ts';
import type { TableFile } from './tableFile.ts';
import type { TableFormat } from '../contracts/tables.ts';

export interface OpenTableOptions {
  /** Embedding Projector metadata TSV: one label per row. */
  metadata?: ByteSource;
  /** Skips detection. */
  format?: TableFormat;
  /** Cancels a long header read (a big checkpoint's pickle) with an AbortError. */
  signal?: AbortSignal;
  /** Files given along with this one, by name: a TensorFlow checkpoint index's data shards. */
  companion?: CompanionLookup;
}

/**
 * Opens an embedding-table file (.npy, .npz, .safetensors, PyTorch checkpoint, TSV, CSV, word2vec text or binary): reads only headers and
 * directories; rows are streamed later by TableFile.readRows. Throws ImportError.
 */
export async function openTableFile(src: ByteSource, opts: OpenTableOptions = {}): Promise<TableFile> {
  try {
    if (src.size === 0) {
      throw new ImportError('empty', `${src.name} is empty (0 bytes)`, 'Choose the exported file itself; this one holds nothing');
    }
    // The result of reclens sql (CSV or JSON with field, stat, i, j, value): a warehouse's partial Grams.
    if (!opts.format && looksLikeWarehouseResult(await src.read(0, 4096))) return await openWarehouseResult(src, opts.signal);
    const format = opts.format ?? (await detectFormat(src));
    const labels = opts.metadata ? await readMetadataLabels(opts.metadata) : undefined;
    switch (format) {
      case 'npy':
        return checkLabels(await openNpy(src, labels));
      case 'npz':
        return checkLabels(await openNpz(src, labels));
      case 'safetensors':
        return checkLabels(await openSafetensors(src, labels));
      case 'torch':
        if (isLegacyTorchSave(await src.read(0, 16))) return checkLabels(await openTorchLegacy(src, labels, opts.signal));
        return checkLabels(await openTorchCheckpoint(src, labels, opts.signal));
      case 'onnx':
        return checkLabels(await openOnnx(src, labels, opts.signal));
      case 'parquet':
        return checkLabels(await openParquet(src, labels, opts.signal));
      case 'hdf5':
      case 'keras':
        return checkLabels(await openHdf5(src, format, labels, opts.signal));
      case 'tfcheckpoint':
        return checkLabels(await openTfCheckpoint(src, opts.companion ?? src.sibling?.bind(src), labels, opts.signal));
      case 'partialgram':
        return await openPartialGram(src, opts.signal);
      case 'word2vec':
        return await openWord2vecBinary(src, { metadataLabels: labels });
      case 'tsv':
      case 'csv':
        return await openTextTable(src, { format, metadataLabels: labels });
    }
  } catch (error) {
    throw asImportError(error, src.name);
  }
}

/** Metadata labels must match the rows of at least one analysable tensor (text tables check after reading). */
function checkLabels(table: TableFile): TableFile {
  const { labels } = table;
  if (!labels) return table;
  const rowCounts = table.tensors.filter((t) => t.analysable).map((t) => t.shape[0]);
  if (rowCounts.length > 0 && !rowCounts.includes(labels.length)) {
    throw new ImportError(
      'shape-mismatch',
      `the metadata has ${labels.length} labels but ${table.source.name} has ${rowCounts.join(' / ')} rows`,
      'Use the metadata file exported with this table (one label per row)',
    );
  }
  return table;
}
