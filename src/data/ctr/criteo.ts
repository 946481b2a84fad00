/**
 * Criteo display-advertising TSV: label, 13 integer features I1..I13, 26 hashed categorical
 * features C1..C26. Integers are bucketed as in pytorch-fm's CriteoDataset (the Multi-Embedding
 * code's loader): v > 2 -> floor(ln(v)^2), smaller values kept apart as v - 2, so the two ranges
 * never share a token.
 */
import { CtrTableBuilder } from './ctrTableBuilder.ts';
import type { CtrParseOptions, CtrParser } from './ctrParser.ts';
import { parseLines } from './ctrParser.ts';
import type { CtrDataset } from './ctrDataset.ts';
import { binaryLabel, columnCountError, cutShortCheck, isInteger, lineParser, notNumericError } from './lineParser.ts';
import { MISSING_TOKEN } from './vocab.ts';

export const CRITEO_INTEGER_FIELDS = Array.from({ length: 13 }, (_, i) => `I${i + 1}`);
export const CRITEO_CATEGORICAL_FIELDS = Array.from({ length: 26 }, (_, i) => `C${i + 1}`);
export const CRITEO_FIELDS = [...CRITEO_INTEGER_FIELDS, ...CRITEO_CATEGORICAL_FIELDS];

/** The token of an integer cell (callers check it is an integer or empty). */
export function criteoIntegerToken(cell: string): string {
  if (cell === '') return MISSING_TOKEN;
  const v = Number(cell);
  return v > 2 ? String(Math.floor(Math.log(v) ** 2)) : String(v - 2);
}

export function createCriteoParser(options: CtrParseOptions = {}): CtrParser {
  const builder = new CtrTableBuilder(CRITEO_FIELDS, ['click']);
  const tokens = new Array<string>(39);
  const label = [0];
  const cutShort = cutShortCheck('Criteo', options);
  return lineParser(
    'criteo',
    options,
    (line, n, mayBeCut) => {
      const cells = line.split('\t');
      cutShort.cellCount(n, cells.length, 40, mayBeCut);
      if (cells.length !== 40) {
        const hint =
          cells.length === 39
            ? 'The Criteo test files have no label column; use a training file.'
            : cells.length === 1
              ? 'The line has no tabs: Criteo files are tab-separated.'
              : '';
        throw columnCountError('Criteo', n, cells.length, 40, 'label, I1..I13, C1..C26, tab-separated', hint);
      }
      label[0] = binaryLabel('Criteo', n, 'label', cells[0]);
      for (let i = 0; i < 13; i++) {
        const cell = cells[1 + i];
        if (cell !== '' && !isInteger(cell)) throw notNumericError('Criteo', n, CRITEO_INTEGER_FIELDS[i], cell);
        tokens[i] = criteoIntegerToken(cell);
      }
      for (let i = 0; i < 26; i++) tokens[13 + i] = cells[14 + i];
      // C26 is an 8-digit hex hash, or empty when missing: a shorter one on a last line is a cut
      // (a line cut right after its last tab reads as a missing C26, which it may be).
      cutShort.lastCell(n, cells[39], mayBeCut);
      builder.addRow(tokens, label);
    },
    () => builder,
    'criteo',
    {
      layout: 'Criteo TSV (label, I1..I13, C1..C26)',
      header: false,
      headerless: 'by-format',
      label: 'column 1',
      bucketed: CRITEO_INTEGER_FIELDS.map((name) => ({ name, rule: 'log-squared' as const })),
      ignored: [],
    },
  );
}

export function parseCriteoText(text: string, options: CtrParseOptions = {}): CtrDataset {
  return parseLines(createCriteoParser(options), text);
}
