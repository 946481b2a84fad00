import { useMemo, useState } from 'react';
import { SQL_DIALECTS, type SqlDialect } from '../analysis/warehouseSql.ts';
import { useStudioStore } from '../state/studioStore.ts';
import { warehouseQuery } from '../state/warehouseQuery.ts';
import { useController } from './controllerContext.ts';

const DIALECT_NAMES: Record<SqlDialect, string> = { duckdb: 'DuckDB', spark: 'Spark SQL', bigquery: 'BigQuery', trino: 'Trino / Presto' };

/**
 * The warehouse route (docs/warehouse.md): the SQL that sums each field's Gram where the table lives,
 * to copy, and a place to drop the small result, which opens through the import dialog like any file.
 * The table itself never comes here.
 */
export function WarehousePanel() {
  const controller = useController();
  const busy = useStudioStore((s) => s.flow.phase === 'analysing');
  const [dialect, setDialect] = useState<SqlDialect>('duckdb');
  const [table, setTable] = useState('embeddings');
  const [embeddingColumn, setEmbeddingColumn] = useState('emb');
  const [fieldColumn, setFieldColumn] = useState('field');
  const [dimText, setDimText] = useState('64');
  const [normalised, setNormalised] = useState(true);
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  const { sql, problem } = useMemo(
    () => warehouseQuery({ dialect, table, embeddingColumn, fieldColumn, dimText, normalised }),
    [dialect, table, embeddingColumn, fieldColumn, dimText, normalised],
  );
  const open = (files: FileList | null) => {
    const [file, ...others] = files ? Array.from(files) : [];
    if (file && !busy) void controller.pickFile(file, others);
  };
  const edit =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setCopied(null);
    };
  return (
    <section
      className="panel warehouse-panel"
      aria-labelledby="warehouse-heading"
      data-testid="warehouse-panel"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        e.stopPropagation();
        open(e.dataTransfer.files);
      }}
    >
      <h2 id="warehouse-heading">Warehouse</h2>
      <p className="hint">
        A table too large to move: run this SQL where it lives. It sums each field's K x K Gram there, and only those numbers come back; drop the saved result
        (CSV or JSON) here. See docs/warehouse.md for each engine's command.
      </p>
      <div className="series-form">
        <label>
          Dialect{' '}
          <select data-testid="warehouse-dialect" value={dialect} onChange={(e) => edit(setDialect)(e.currentTarget.value as SqlDialect)}>
            {SQL_DIALECTS.map((d) => (
              <option key={d} value={d}>
                {DIALECT_NAMES[d]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Table <input type="text" data-testid="warehouse-table" value={table} onChange={(e) => edit(setTable)(e.currentTarget.value)} />
        </label>
        <label>
          Embedding column{' '}
          <input type="text" data-testid="warehouse-embedding" value={embeddingColumn} onChange={(e) => edit(setEmbeddingColumn)(e.currentTarget.value)} />
        </label>
        <label>
          Field column (optional){' '}
          <input type="text" data-testid="warehouse-field" value={fieldColumn} onChange={(e) => edit(setFieldColumn)(e.currentTarget.value)} />
        </label>
        <label>
          K <input type="number" min={1} data-testid="warehouse-dim" value={dimText} onChange={(e) => edit(setDimText)(e.currentTarget.value)} />
        </label>
        <label>
          <input type="checkbox" data-testid="warehouse-normalised" checked={normalised} onChange={(e) => edit(setNormalised)(e.currentTarget.checked)} />{' '}
          row-normalised Gram (RecScope recipe)
        </label>
      </div>
      {problem ? (
        <p className="error-message" role="alert" data-testid="warehouse-problem">
          {problem}
        </p>
      ) : (
        <>
          <div className="series-form">
            <button
              type="button"
              data-testid="warehouse-copy"
              onClick={() =>
                navigator.clipboard.writeText(sql).then(
                  () => setCopied('copied'),
                  () => setCopied('failed'),
                )
              }
            >
              Copy SQL
            </button>
            <span role="status" className="hint">
              {copied === 'copied' ? 'Copied.' : copied === 'failed' ? 'The browser refused the clipboard: select the text and copy it.' : ''}
            </span>
          </div>
          <pre className="warehouse-sql" data-testid="warehouse-sql" tabIndex={0} aria-label={`${DIALECT_NAMES[dialect]} SQL`}>
            {sql}
          </pre>
        </>
      )}
      <label className="series-form">
        Result file{' '}
        <input type="file" accept=".csv,.tsv,.json,.jsonl,.txt" data-testid="warehouse-result" disabled={busy} onChange={(e) => open(e.currentTarget.files)} />
      </label>
    </section>
  );
}
