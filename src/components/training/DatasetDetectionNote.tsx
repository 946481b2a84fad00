import type { DatasetDetection } from '../../data/ctr/ctrDataset.ts';

const RULES = { 'log-squared': "Criteo's log² buckets", deciles: 'deciles' } as const;

/** Up to `max` names, then how many more. */
function names(list: readonly string[], max = 6): string {
  return list.length <= max ? list.join(', ') : `${list.slice(0, max).join(', ')} and ${list.length - max} more`;
}

/** How the Train tab read a dropped text file: its layout, label, bucketed and unused columns; a file without a header is said plainly. */
export function DatasetDetectionNote({ detection }: { detection: DatasetDetection }) {
  const byRule = (['log-squared', 'deciles'] as const)
    .map((rule) => ({ rule, list: detection.bucketed.filter((b) => b.rule === rule).map((b) => b.name) }))
    .filter((g) => g.list.length > 0);
  return (
    <>
      {!detection.header && !detection.headerless && (
        <div className="notice warning" role="status" data-testid="dataset-no-header">
          <p>
            <strong>No header line:</strong> line 1 of this file is data, so it was read as a row, with column 1 as the 0/1 label. If line 1 was meant to name
            the columns, name the label column label, clk or click.
          </p>
        </div>
      )}
      <p className="hint" data-testid="dataset-detection">
        Read as {detection.layout}; label: {detection.label}.
        {byRule.map((g) => (
          <span key={g.rule}>
            {' '}
            Bucketed ({RULES[g.rule]}): {names(g.list)}.
          </span>
        ))}
        {detection.ignored.length > 0 && <> Not used: {detection.ignored.map((i) => `${i.name} (${i.why})`).join(', ')}.</>}
        {detection.allRare && detection.allRare.length > 0 && (
          <span className="warn-text" data-testid="dataset-all-rare">
            {' '}
            Every value seen only once, so all out-of-vocabulary (the field tells rows nothing): {names(detection.allRare)}.
          </span>
        )}
      </p>
    </>
  );
}
