import { METRIC_HELP } from './FieldTable.tsx';

/** What the numbers mean, for readers new to dimensional collapse. */
export function Glossary() {
  return (
    <details className="panel glossary">
      <summary>What the numbers mean</summary>
      <dl>
        <dt>IA (information abundance) = Σ s_i / s_1</dt>
        <dd>{METRIC_HELP.ia}</dd>
        <dt>IA/K</dt>
        <dd>{METRIC_HELP.ratio} Fields with at least K rows and IA/K below 0.25 are flagged as collapsed.</dd>
        <dt>effective rank (RankMe)</dt>
        <dd>{METRIC_HELP.erank}</dd>
        <dt>Spectrum heatmap</dt>
        <dd>
          One row per field (fewest rows at the top), s_i / s_1 on a fixed white-to-red scale: a row that turns white after a few columns has collapsed onto a
          few directions.
        </dd>
      </dl>
      <p className="hint">
        Recipe: RecScope (Pan et al., KDD 2024) — rows L2-normalised, no centering. Guo et al. (ICML 2024) show collapse limits scaling up embeddings.
      </p>
    </details>
  );
}
