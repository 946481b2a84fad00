import { downloadBlob } from '../download.ts';

interface Props {
  filename: string;
  csv: () => string;
  json: () => unknown;
}

/** CSV / JSON download of a chart's data. */
export function DataExport({ filename, csv, json }: Props) {
  return (
    <div className="data-export" role="group" aria-label="Download chart data">
      <button type="button" className="ghost small" onClick={() => downloadBlob(new Blob([csv()], { type: 'text/csv' }), `${filename}.csv`)}>CSV</button>
      <button type="button" className="ghost small" onClick={() => downloadBlob(new Blob([JSON.stringify(json(), null, 1)], { type: 'application/json' }), `${filename}.json`)}>JSON</button>
    </div>
  );
}
