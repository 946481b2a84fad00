/**
 * Writes generated behaviour sequences (syntheticSequences.ts) as the sequence-sample CSV
 * (sequenceCsv.ts), rows in generation order, users as u1, u2, ..., items and categories as the
 * generator numbers them: reading the text back gives the generated dataset, id for id.
 */
import { SEQUENCE_CSV_COLUMNS } from './sequenceCsv.ts';
import type { SyntheticSequences } from './syntheticSequences.ts';

export function syntheticSequenceCsv(generated: SyntheticSequences): string {
  const { sequences, itemCategory, rows, config } = generated;
  const out: string[] = [SEQUENCE_CSV_COLUMNS.join(',')];
  for (const r of rows) {
    const sequence = sequences[r.user - 1];
    const history = sequence.subarray(Math.max(0, r.cut - config.maxHistory), r.cut);
    const categories = Array.from(history, (i) => itemCategory[i]);
    out.push(`${r.label},u${r.user},${r.item},${r.category},${history.join(' ')},${categories.join(' ')}`);
  }
  return `${out.join('\n')}\n`;
}
