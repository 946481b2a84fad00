import { createCtrSequenceCsvParser } from './ctrSequenceCsv.ts';
import { createSequenceCsvParser } from './sequenceCsv.ts';
import type { SequenceFormat, SequenceParseOptions, SequenceParser } from './sequenceParser.ts';
import { createTaobaoUserBehaviorParser } from './taobaoUserBehavior.ts';

export function createSequenceParser(format: SequenceFormat, options: SequenceParseOptions = {}): SequenceParser {
  switch (format) {
    case 'sequence-csv':
      return createSequenceCsvParser(options);
    case 'taobao-user-behavior':
      return createTaobaoUserBehaviorParser(options);
    case 'ctr-sequence-csv':
      return createCtrSequenceCsvParser(options);
  }
}
