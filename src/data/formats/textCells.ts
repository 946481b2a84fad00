/** How cells are separated: tabs (Embedding Projector TSV), commas (CSV, quotes allowed) or runs of spaces. */
export type Delimiter = 'tab' | 'comma' | 'space';

/** Splits one line into cells; a single trailing empty cell (a line ending in the delimiter) is dropped. */
export function splitCells(line: string, delimiter: Delimiter): string[] {
  let cells: string[];
  if (delimiter === 'tab') cells = line.split('\t');
  else if (delimiter === 'space') cells = line.trim().split(/\s+/);
  else cells = line.includes('"') ? splitQuotedCsv(line) : line.split(',');
  if (cells.length > 1 && cells[cells.length - 1].trim() === '') cells.pop();
  return cells;
}

/** RFC 4180 cells within one line: "a, b" keeps its comma, "" is a literal quote. */
function splitQuotedCsv(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c !== '"') cell += c;
      else if (line[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

const RADIX_PREFIX = /^\s*[-+]?0[xXbBoO]/;

/**
 * A cell as a number, or undefined when it is not one. Decimal and exponent forms, nan, inf,
 * -inf and Infinity parse (NaN/inf rows are the analysis's to count); blanks and hex do not.
 */
export function parseCell(cell: string): number | undefined {
  const value = +cell;
  if (value !== value) return parseSpecial(cell);
  if (value === 0 && cell.trim() === '') return undefined; // Number('') is 0
  if (Number.isInteger(value) && RADIX_PREFIX.test(cell)) return undefined; // Number('0x1f') is 31
  return value;
}

function parseSpecial(cell: string): number | undefined {
  const word = cell.trim().toLowerCase();
  const sign = word[0] === '-' ? -1 : 1;
  const bare = word[0] === '-' || word[0] === '+' ? word.slice(1) : word;
  if (bare === 'nan') return Number.NaN;
  if (bare === 'inf' || bare === 'infinity') return sign * Infinity;
  return undefined;
}
