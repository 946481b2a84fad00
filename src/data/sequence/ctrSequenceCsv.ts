/**
 * A behaviour-sequence column inside a CTR CSV, as FuxiCTR's Taobao-ad sample has it
 * (data/tiny_csv: `clk,time_stamp,userid,adgroup_id,pid,cate_id,...,click_sequence`, the sequence
 * holding `^`-separated adgroup ids, taken oldest first). The label is the first column named
 * label, clk, click or is_click; the user a column named userid, user_id or user; the target item
 * the column the sequence's ids share (adgroup_id, item_id, itemid, item, movie_id); its category
 * cate_id, category_id, category, cat_id. A history's categories come from a matching category
 * sequence column (cate_sequence, category_sequence, cate_seq, hist_cate) when the file has one,
 * otherwise from the category the file gives that item as a target; an item never seen as a
 * target gets the category "?" (unknown). The other columns are left out.
 */
import type { SequenceDataset } from '../../contracts/sequence.ts';
import { SniffedCsvRecords, sniffDelimiter } from '../csv.ts';
import { ImportError } from '../importError.ts';
import { MAX_ROW_HISTORY } from './sequenceCsv.ts';
import type { SequenceParseOptions, SequenceParser } from './sequenceParser.ts';
import { SequenceSamplesBuilder } from './sequenceSamplesBuilder.ts';

const LABELS = ['label', 'clk', 'click', 'is_click'];
const USERS = ['userid', 'user_id', 'user', 'uid'];
const ITEMS = ['adgroup_id', 'item_id', 'itemid', 'item', 'movie_id', 'target_item'];
const CATEGORIES = ['cate_id', 'category_id', 'category', 'cat_id', 'target_category'];
export const SEQUENCE_COLUMNS = ['click_sequence', 'item_sequence', 'hist_item', 'hist_items', 'behavior_sequence'];
const CATEGORY_SEQUENCES = ['cate_sequence', 'category_sequence', 'cate_seq', 'hist_cate', 'hist_cate_id'];
/** Items of a history cell are separated by this (FuxiCTR's `splitter: ^`). */
export const SEQUENCE_SPLITTER = '^';
export const UNKNOWN_CATEGORY = '?';
/** Rows held until the file ends (their histories resolve categories then). */
export const MAX_CTR_SEQUENCE_ROWS = 2_000_000;

const shown = (cell: string) => JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);
const find = (names: readonly string[], wanted: readonly string[]) => {
  for (const w of wanted) {
    const c = names.indexOf(w);
    if (c >= 0) return c;
  }
  return -1;
};

/** Does this header line name a CTR CSV with a behaviour-sequence column (and a label, item and category)? */
export function isCtrSequenceHeader(line: string): boolean {
  const names = line.split(sniffDelimiter(line)).map((c) => c.trim().toLowerCase());
  return find(names, SEQUENCE_COLUMNS) >= 0 && find(names, LABELS) >= 0 && find(names, ITEMS) >= 0 && find(names, CATEGORIES) >= 0;
}

const splitSequence = (cell: string): string[] => {
  const t = cell.trim();
  return t === '' ? [] : t.split(SEQUENCE_SPLITTER).map((s) => s.trim());
};

interface HeldRow {
  label: number;
  user: string;
  item: string;
  category: string;
  history: string[];
  categories: string[] | null;
}

export function createCtrSequenceCsvParser(options: SequenceParseOptions = {}): SequenceParser {
  const file = options.fileName ?? 'The CTR CSV';
  const records = new SniffedCsvRecords(file);
  let cols: { label: number; user: number; item: number; category: number; sequence: number; categorySequence: number } | undefined;
  let names: string[] = [];
  let lines = 0;
  const rows: HeldRow[] = [];
  const categoryOf = new Map<string, string>();

  const header = (cells: string[], line: number) => {
    names = cells.map((c) => c.trim().toLowerCase());
    const pick = (what: string, wanted: readonly string[]) => {
      const c = find(names, wanted);
      if (c < 0)
        throw new ImportError(
          'bad-header',
          `${file} line ${line}: no ${what} column (named ${wanted.join(', ')}) among ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}.`,
          `Name the ${what} column ${wanted[0]}.`,
        );
      return c;
    };
    cols = {
      label: pick('label', LABELS),
      user: find(names, USERS),
      item: pick('target item', ITEMS),
      category: pick('target category', CATEGORIES),
      sequence: pick('behaviour sequence', SEQUENCE_COLUMNS),
      categorySequence: find(names, CATEGORY_SEQUENCES),
    };
  };

  const row = (cells: string[], line: number) => {
    const c = cols!;
    if (cells.length !== names.length)
      throw new ImportError(
        'ragged-row',
        `${file} line ${line} has ${cells.length} columns; the header names ${names.length}.`,
        `Check that line ${line} is complete.`,
      );
    const l = cells[c.label].trim();
    if (l !== '0' && l !== '1' && l !== '0.0' && l !== '1.0')
      throw new ImportError('non-numeric', `${file} line ${line}, column ${names[c.label]}: the label is ${shown(l)}, not 0 or 1.`, `Check line ${line}.`);
    const item = cells[c.item].trim();
    const category = cells[c.category].trim();
    if (item === '' || category === '')
      throw new ImportError('bad-header', `${file} line ${line}: the ${item === '' ? names[c.item] : names[c.category]} cell is empty.`, `Check line ${line}.`);
    const history = splitSequence(cells[c.sequence]);
    if (history.some((h) => h === ''))
      throw new ImportError(
        'bad-header',
        `${file} line ${line}: ${names[c.sequence]} has an empty id between two "${SEQUENCE_SPLITTER}".`,
        `Check line ${line}.`,
      );
    if (history.length > MAX_ROW_HISTORY)
      throw new ImportError(
        'too-large',
        `${file} line ${line}: ${names[c.sequence]} holds ${history.length} ids; RecLens reads at most ${MAX_ROW_HISTORY}.`,
        'Cut the sequences to their most recent ids.',
      );
    let categories: string[] | null = null;
    if (c.categorySequence >= 0) {
      categories = splitSequence(cells[c.categorySequence]);
      if (categories.length !== history.length)
        throw new ImportError(
          'shape-mismatch',
          `${file} line ${line}: ${names[c.sequence]} has ${history.length} ids and ${names[c.categorySequence]} ${categories.length}; they must be equal.`,
          `Check line ${line}'s sequences.`,
        );
    }
    if (rows.length >= MAX_CTR_SEQUENCE_ROWS)
      throw new ImportError('too-large', `${file} has more than ${MAX_CTR_SEQUENCE_ROWS} rows; RecLens reads at most that many.`, 'Take a sample of the rows.');
    if (!categoryOf.has(item)) categoryOf.set(item, category);
    // A row without a user column is its own user (split by row hash).
    const user = c.user >= 0 ? cells[c.user].trim() || `row${line}` : `row${line}`;
    rows.push({ label: Number(l), user, item, category, history, categories });
  };

  return {
    format: 'ctr-sequence-csv',
    get lines() {
      return lines;
    },
    push(line) {
      lines++;
      const cells = records.push(line, lines);
      if (!cells) return;
      if (!cols) header(cells, records.recordLine);
      else row(cells, records.recordLine);
    },
    finish(): Promise<SequenceDataset> {
      records.end();
      if (!cols) return Promise.reject(new ImportError('empty', `${file} is empty.`, 'Check that the file is the data file.'));
      const builder = new SequenceSamplesBuilder(options);
      for (const r of rows)
        builder.addTokens(r.label, r.user, r.item, r.category, r.history, r.categories ?? r.history.map((h) => categoryOf.get(h) ?? UNKNOWN_CATEGORY));
      return Promise.resolve(builder.build(file));
    },
  };
}
