import type { ByteSource } from '../byteSource.ts';
import { hasPartialGramMarker } from './partialGramJson.ts';
import { ImportError } from '../importError.ts';
import type { TableFormat } from '../../contracts/tables.ts';
import { hasNpyMagic } from './npyHeader.ts';
import { hasHdf5Signature } from './hdf5.ts';
import { hasParquetMagic } from './parquet.ts';
import { looksLikeSafetensors } from './safetensors.ts';
import { isLegacyTorchSave } from './torchCheckpoint.ts';
import { parseWord2vecHeader } from './word2vecBinary.ts';
import { isTfIndexName, tfDataShardPrefix } from './tfCheckpoint.ts';
import { NPY_SIGNATURE, ZIP_SIGNATURE, notSignature } from './magicBytes.ts';
import { detectSequenceFile } from '../sequence/detectSequenceFormat.ts';
import type { SequenceFormat } from '../sequence/sequenceParser.ts';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // PK\x03\x04
const EMPTY_ZIP_MAGIC = [0x50, 0x4b, 0x05, 0x06];

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

const SEQUENCE_FORMAT_NAMES: Record<SequenceFormat, string> = {
  'sequence-csv': 'a sequence-sample CSV',
  'taobao-user-behavior': "Taobao's UserBehavior.csv",
  'ctr-sequence-csv': 'a CTR CSV with a behaviour-sequence column',
};
/** Text files that may hold behaviour sequences rather than a table (.gz: the built-in sequence datasets' form). */
const SEQUENCE_EXTENSIONS = new Set(['csv', 'tsv', 'txt', 'gz']);

const BINARY_EXTENSIONS: Record<string, TableFormat> = { npy: 'npy', npz: 'npz', safetensors: 'safetensors' };
/** Names torch.save files go by (pytorch_model.bin among them); their bytes are a zip. */
const TORCH_EXTENSIONS = new Set(['pt', 'pth', 'ckpt', 'bin']);

/**
 * The format of a file: magic bytes first (\x93NUMPY, a zip: .npz, or a PyTorch checkpoint when
 * named .pt/.pth/.ckpt/.bin, a safetensors header length + '{'),
 * then the extension (.tsv/.txt/.vec tab- or space-separated, .csv comma-separated, .bin with a
 * "<count> <dim>" first line word2vec binary).
 */
export async function detectFormat(src: ByteSource): Promise<TableFormat> {
  const first = await src.read(0, 16);
  if (hasNpyMagic(first)) return 'npy';
  const ext = extension(src.name);
  if ((startsWith(first, ZIP_MAGIC) || startsWith(first, EMPTY_ZIP_MAGIC)) && ext === 'keras') return 'keras';
  if (startsWith(first, ZIP_MAGIC) || startsWith(first, EMPTY_ZIP_MAGIC)) return TORCH_EXTENSIONS.has(ext) ? 'torch' : 'npz';
  if (hasHdf5Signature(first)) return 'hdf5';
  if (looksLikeSafetensors(first, src.size)) return 'safetensors';
  if (hasParquetMagic(first)) return 'parquet';
  if (isLegacyTorchSave(first)) return 'torch'; // PyTorch's format from before 1.6: pickles, then raw storages
  if (ext === 'bin' && parseWord2vecHeader(first)) return 'word2vec';
  if (ext === 'onnx') return 'onnx'; // protobuf has no magic number
  if (isTfIndexName(src.name)) return 'tfcheckpoint'; // its magic number is at the end; the reader checks it
  const shardPrefix = tfDataShardPrefix(src.name);
  if (shardPrefix !== undefined) {
    throw new ImportError(
      'unsupported-format',
      `${src.name} holds a TensorFlow checkpoint's values, but their names and shapes are in ${shardPrefix}.index`,
      `Open ${shardPrefix}.index together with its .data file(s) (pick or drop them all at once)`,
    );
  }
  if (SEQUENCE_EXTENSIONS.has(ext)) {
    // Such a file fails the table readers on its first text cell; say what it is and where it opens.
    const sequence = await detectSequenceFile(src);
    if (sequence) {
      throw new ImportError(
        'unsupported-format',
        `${src.name} is ${SEQUENCE_FORMAT_NAMES[sequence]}: behaviour sequences, not an embedding table`,
        'Open it in the Sequences tab (or run `reclens correlation` on it)',
      );
    }
  }
  if (ext === 'json') {
    if (await hasPartialGramMarker(src)) return 'partialgram';
    throw new ImportError(
      'unsupported-format',
      `${src.name} is not a RecLens partial-Gram file: no "format": "reclens-partial-gram" near its start or end`,
      'Drop a table file, a partial Gram written by reclens gram, or a warehouse result (field, stat, i, j, value)',
    );
  }
  if (ext === 'tsv' || ext === 'txt' || ext === 'vec') return 'tsv';
  if (ext === 'csv') return 'csv';
  // A binary extension whose bytes do not match is damaged, not of an unknown kind; its own parser says how.
  if (ext === 'safetensors') return 'safetensors';
  if (ext === 'h5' || ext === 'hdf5') return 'hdf5';
  if (ext === 'keras') return 'keras';
  if (ext === 'parquet') return 'parquet';
  if (Object.hasOwn(BINARY_EXTENSIONS, ext)) {
    throw new ImportError(
      'bad-header',
      `${src.name} is ${ext === 'npy' ? notSignature('.npy', first, NPY_SIGNATURE) : notSignature(`.${ext} (zip)`, first, ZIP_SIGNATURE)}`,
      'Re-export the file; it is damaged or was saved in another format',
    );
  }
  throw new ImportError(
    'unsupported-format',
    `${src.name} is not a supported format (RecLens opens .npy, .npz, .safetensors, PyTorch .pt/.pth, ONNX, Keras .h5/.keras, Parquet, TensorFlow checkpoints (.index), partial Grams (.json), .tsv, .csv and word2vec .txt/.vec/.bin)`,
    'Export the table as .npy, .npz, .safetensors, TSV or CSV',
  );
}
