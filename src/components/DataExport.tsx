import { toCsv, type CsvTable } from '../data/csv.ts';
import { downloadBlob } from '../export/download.ts';
import { toJson } from '../export/json.ts';

interface Props {
  filename: string;
  /** Built on click, so the table is never computed for a chart nobody exports. */
  table: () => CsvTable;
  json: () => unknown;
}

/** CSV (RFC 4180) and JSON downloads of one chart's data. */
export function DataExport({ filename, table, json }: Props) {
  return (
    <div className="data-export" role="group" aria-label="Download chart data">
      <button type="button" className="ghost small" onClick={() => downloadBlob(new Blob([toCsv(table())], { type: 'text/csv' }), `${filename}.csv`)}>
        CSV
      </button>
      <button type="button" className="ghost small" onClick={() => downloadBlob(new Blob([toJson(json())], { type: 'application/json' }), `${filename}.json`)}>
        JSON
      </button>
    </div>
  );
}
