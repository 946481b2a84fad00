import type { FieldResult } from '../contracts/tables.ts';
import { fieldStatus, iaRatio, sortFields, type FieldOrder } from '../analysis/collapseVerdict.ts';
import { formatIA, formatRatio, formatRows } from './format.ts';
import { shortenName } from '../charts/chartStyle.ts';

export const METRIC_HELP = {
  ia: 'IA (information abundance) = Σ s_i / s_1: from 1 (rank one, fully collapsed) to K (every dimension used equally).',
  ratio: 'IA/K: the fraction of the embedding dimension K in use.',
  erank: 'effective rank (RankMe) = exp(H(p)), p_i = s_i / Σ s_j.',
  excluded: 'Rows dropped because they hold NaN or Inf.',
};

const STATUS_TEXT = { collapsed: 'collapsed', healthy: 'healthy', small: 'rows < K', zero: 'no spectrum: every row is zero (identical, when centred)' };

/** The exact numbers per field; rows carry full-precision IA for tests and copy-paste. */
export function FieldTable({ fields, order, caption }: { fields: FieldResult[]; order: FieldOrder; caption: string }) {
  return (
    <div className="table-scroll">
      <table className="field-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col" className="num">
              Rows
            </th>
            <th scope="col" className="num">
              K
            </th>
            <th scope="col" className="num" title={METRIC_HELP.ia}>
              <abbr title={METRIC_HELP.ia}>IA</abbr>
            </th>
            <th scope="col" className="num" title={METRIC_HELP.ratio}>
              IA/K
            </th>
            <th scope="col" className="num" title={METRIC_HELP.erank}>
              <abbr title={METRIC_HELP.erank}>Eff. rank</abbr>
            </th>
            <th scope="col" className="num" title={METRIC_HELP.excluded}>
              <abbr title={METRIC_HELP.excluded}>Excl.</abbr>
            </th>
          </tr>
        </thead>
        <tbody>
          {sortFields(fields, order).map((f) => {
            const status = fieldStatus(f);
            return (
              <tr
                key={f.name}
                data-testid="field-row"
                data-field={f.name}
                data-ia={String(f.information_abundance)}
                data-rows={f.rows}
                data-excluded={f.excluded_rows}
              >
                <th scope="row" className="field-name" title={f.name}>
                  <span className={`status-dot status-${status}`} title={STATUS_TEXT[status]} aria-label={STATUS_TEXT[status]} role="img" />
                  {shortenName(f.name, 32)}
                </th>
                <td className="num">{formatRows(f.rows)}</td>
                <td className="num">{f.dim}</td>
                <td className="num">{status === 'zero' ? '—' : formatIA(f.information_abundance)}</td>
                <td className="num">
                  <span className="ratio-cell">
                    <span className="ratio-track" aria-hidden="true">
                      <span className={`ratio-fill status-${status}`} style={{ width: `${Math.min(100, iaRatio(f) * 100)}%` }} />
                    </span>
                    <span className="ratio-text">{status === 'zero' ? '—' : formatRatio(iaRatio(f))}</span>
                  </span>
                </td>
                <td className="num">{status === 'zero' ? '—' : formatIA(f.effective_rank)}</td>
                <td className={`num ${f.excluded_rows > 0 ? 'warn-text' : 'muted'}`}>{formatRows(f.excluded_rows)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
