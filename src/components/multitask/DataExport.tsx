import { downloadBlob } from '../download.ts';
import { toCsv, type CsvTable } from './mtlExport.ts';

interface Props {
  filename: string;
  /** Built on click, so the table is never computed for a chart nobody exports. */
  table: () => CsvTable;
  json: () => unknown;
}

/** CSV and JSON downloads of one chart's data. */
export function DataExport({ filename, table, json }: Props) {
  return (
    <div className="mtl-data-export" role="group" aria-label="Download chart data">
      <button type="button" className="ghost small" onClick={() => downloadBlob(new Blob([toCsv(table())], { type: 'text/csv' }), `${filename}.csv`)}>CSV</button>
      <button type="button" className="ghost small" onClick={() => downloadBlob(new Blob([JSON.stringify(json(), (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)], { type: 'application/json' }), `${filename}.json`)}>JSON</button>
    </div>
  );
}
