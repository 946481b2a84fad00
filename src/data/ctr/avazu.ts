/**
 * Avazu CTR CSV: a header `id,click,hour,C1,banner_pos,site_id,...` (24 columns), then one
 * impression per line. Every column but id and click is a categorical field; hour (YYMMDDHH)
 * becomes two fields, the hour of day and the weekday, so the full file has 23 fields.
 */
import { ImportError } from '../importError.ts';
import type { CtrDataset } from './ctrDataset.ts';
import type { CtrParseOptions, CtrParser } from './ctrParser.ts';
import { parseLines } from './ctrParser.ts';
import { CtrTableBuilder } from './ctrTableBuilder.ts';
import { binaryLabel, columnCountError, cutShortCheck, lineParser } from './lineParser.ts';

export const AVAZU_COLUMNS = [
  'id',
  'click',
  'hour',
  'C1',
  'banner_pos',
  'site_id',
  'site_domain',
  'site_category',
  'app_id',
  'app_domain',
  'app_category',
  'device_id',
  'device_ip',
  'device_model',
  'device_type',
  'device_conn_type',
  'C14',
  'C15',
  'C16',
  'C17',
  'C18',
  'C19',
  'C20',
  'C21',
];

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Hour of day and weekday of an Avazu YYMMDDHH cell, or null when it is not a valid date-hour. */
export function avazuHourTokens(cell: string): { hour: string; weekday: string } | null {
  const m = /^(\d\d)(\d\d)(\d\d)(\d\d)$/.exec(cell);
  if (!m) return null;
  const [year, month, day, hour] = [2000 + Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (hour > 23 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return { hour: String(hour), weekday: WEEKDAYS[date.getUTCDay()] };
}

export function createAvazuParser(options: CtrParseOptions = {}): CtrParser {
  let builder: CtrTableBuilder | undefined;
  let columns: string[] = [];
  let clickColumn = -1;
  let hourColumn = -1;
  let fieldColumns: number[] = [];
  let tokens: string[] = [];
  const label = [0];
  const cutShort = cutShortCheck('Avazu', options);

  const readHeader = (line: string, n: number): void => {
    columns = line.split(',').map((c) => c.trim());
    clickColumn = columns.indexOf('click');
    hourColumn = columns.indexOf('hour');
    if (clickColumn < 0 || hourColumn < 0) {
      const missing = clickColumn < 0 ? 'click' : 'hour';
      const hint = clickColumn < 0 && hourColumn >= 0 ? ' The Avazu test file has no labels; use the training file.' : '';
      throw new ImportError(
        'bad-header',
        `Avazu line ${n}: the header has no "${missing}" column.${hint}`,
        'Avazu files start with the header id,click,hour,C1,banner_pos,...',
      );
    }
    fieldColumns = columns.map((_, i) => i).filter((i) => i !== clickColumn && columns[i] !== 'id');
    const names = fieldColumns.flatMap((i) => (i === hourColumn ? ['hour', 'weekday'] : [columns[i]]));
    tokens = new Array<string>(names.length);
    builder = new CtrTableBuilder(names, ['click']);
  };

  return lineParser(
    'avazu',
    options,
    (line, n, mayBeCut) => {
      if (!builder) return readHeader(line, n);
      const cells = line.split(',');
      cutShort.cellCount(n, cells.length, columns.length, mayBeCut);
      if (cells.length !== columns.length) throw columnCountError('Avazu', n, cells.length, columns.length, "the header's columns, comma-separated");
      label[0] = binaryLabel('Avazu', n, 'click', cells[clickColumn]);
      let t = 0;
      for (const i of fieldColumns) {
        if (i !== hourColumn) {
          tokens[t++] = cells[i];
          continue;
        }
        const time = avazuHourTokens(cells[i]);
        if (!time)
          throw new ImportError(
            'non-numeric',
            `Avazu line ${n}: hour is "${cells[i]}", not a date-hour YYMMDDHH.`,
            `Check that line ${n} of the Avazu file is not corrupted.`,
          );
        tokens[t++] = time.hour;
        tokens[t++] = time.weekday;
      }
      cutShort.lastCell(n, cells[cells.length - 1], mayBeCut);
      builder.addRow(tokens, label);
    },
    () => builder,
    'avazu',
    { layout: 'Avazu CSV (hour read as hour of day and weekday)', header: true, label: 'click', bucketed: [], ignored: [{ name: 'id', why: 'an id' }] },
  );
}

export function parseAvazuText(text: string, options: CtrParseOptions = {}): CtrDataset {
  return parseLines(createAvazuParser(options), text);
}
