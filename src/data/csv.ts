/** Rows of plain cells with a header: what every chart and table exports as CSV. */
export interface CsvTable {
  header: readonly string[];
  rows: readonly (readonly CsvCell[])[];
}

/** A number that is not finite (NaN, a layer nobody moved yet) is written as an empty cell. */
export type CsvCell = string | number | null | undefined;

/** One field per RFC 4180: quoted when it holds a comma, a quote, CR or LF, with quotes doubled. */
export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The table as RFC 4180 CSV: CRLF after every record, the last included. */
export function toCsv(table: CsvTable): string {
  return [table.header, ...table.rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
