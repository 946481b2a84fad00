/** Reads a CTR file of any format from a ByteSource (a dropped File in the browser) slice by slice. */
import { throwIfAborted } from '../abort.ts';
import type { ByteSource } from '../byteSource.ts';
import { textLines } from '../formats/textLines.ts';
import type { CtrDataset } from './ctrDataset.ts';
import type { CtrFormat, CtrParser } from './ctrParser.ts';
import { requireCtrFormat } from './detectCtrFormat.ts';
import { createCtrParser, DETECT_LINES, type AnyCtrParseOptions } from './parseCtrText.ts';

export interface ImportCtrOptions extends AnyCtrParseOptions {
  /** Skips detection. */
  format?: CtrFormat;
  signal?: AbortSignal;
  /** File bytes read so far and data rows parsed, after every slice. */
  onProgress?: (bytesDone: number, totalBytes: number, rows: number) => void;
  sliceBytes?: number;
}

export async function importCtrFile(src: ByteSource, options: ImportCtrOptions = {}): Promise<CtrDataset> {
  let parser: CtrParser | undefined;
  for await (const batch of textLines(src, options.sliceBytes, options.signal)) {
    // A slice shorter than the first line holds no line yet: detect from the first one that does.
    if (!parser && batch.lines.length === 0) continue;
    parser ??= createCtrParser(options.format ?? requireCtrFormat(batch.lines.slice(0, DETECT_LINES), src.name), { name: src.name, ...options });
    for (let i = 0; i < batch.lines.length; i++) {
      if (parser.full) break;
      parser.push(batch.lines[i], batch.lastLineUnterminated && i === batch.lines.length - 1);
    }
    options.onProgress?.(batch.bytesDone, src.size, parser.rows);
    if (parser.full) break;
  }
  throwIfAborted(options.signal);
  return (parser ?? createCtrParser(options.format ?? requireCtrFormat([], src.name), options)).finish();
}
