import type { SequenceDataset } from '../../contracts/sequence.ts';
import { bytesByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import { importSequenceFile, type ImportSequenceOptions } from './importSequenceFile.ts';

/** Fetches and reads a built-in behaviour-sequence dataset (index.json format 'sequence-csv', gzip'd or not). */
export async function fetchSequenceDataset(url: string | URL, options: ImportSequenceOptions = {}): Promise<SequenceDataset> {
  const response = await fetch(url, { signal: options.signal });
  if (!response.ok)
    throw new ImportError('read-failed', `Could not load ${String(url)}: HTTP ${response.status}.`, 'Check that the studio was built with public/datasets/.');
  const name = String(url).split('/').pop() ?? 'sequence.csv.gz';
  return importSequenceFile(bytesByteSource(new Uint8Array(await response.arrayBuffer()), name), { format: 'sequence-csv', ...options });
}
