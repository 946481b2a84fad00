import { createSequenceCsvParser } from './sequenceCsv.ts';
import type { SequenceFormat, SequenceParseOptions, SequenceParser } from './sequenceParser.ts';

export function createSequenceParser(format: SequenceFormat, options: SequenceParseOptions = {}): SequenceParser {
  switch (format) {
    case 'sequence-csv':
      return createSequenceCsvParser(options);
    default:
      throw new Error(`no parser for ${format} yet`);
  }
}
