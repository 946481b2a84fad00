/**
 * How a field's spectrum reads: its IA/K, whether it collapsed, and the order fields are listed
 * in. Shared by the cards, the charts (a transform they run on plain data) and the lessons.
 */

/** What the field charts read of an analysed field (an analysis FieldResult has these and more). */
export interface FieldSpectrum {
  name: string;
  rows: number;
  dim: number;
  normalized_spectrum: readonly number[];
  information_abundance: number;
  effective_rank: number;
}

/** IA/K below this marks a field (with at least K rows) as collapsed in summaries and bar colours. */
export const COLLAPSED_BELOW = 0.25;

export type FieldOrder = 'cardinality' | 'ia';

export function iaRatio(f: FieldSpectrum): number {
  return f.dim > 0 ? f.information_abundance / f.dim : 0;
}

/** Stable sort: by rows (cardinality) ascending, or by IA ascending (most collapsed first); ties by name. */
export function sortFields<F extends FieldSpectrum>(fields: readonly F[], order: FieldOrder): F[] {
  const key = order === 'cardinality' ? (f: F) => f.rows : (f: F) => f.information_abundance;
  return [...fields].sort((a, b) => key(a) - key(b) || a.name.localeCompare(b.name));
}

/**
 * 'zero': no spectrum at all (every row is zero, or every row the same in the centred recipe:
 * IA is 0), which is not a collapse;
 * 'small': fewer rows than K, so IA cannot exceed the row count whatever the training did;
 * 'collapsed': IA/K below COLLAPSED_BELOW; else 'healthy'.
 */
export type FieldStatus = 'zero' | 'small' | 'collapsed' | 'healthy';

export function fieldStatus(f: FieldSpectrum): FieldStatus {
  if (f.information_abundance === 0) return 'zero';
  if (f.rows < f.dim) return 'small';
  return iaRatio(f) < COLLAPSED_BELOW ? 'collapsed' : 'healthy';
}

export interface CollapseSummary<F extends FieldSpectrum = FieldSpectrum> {
  collapsed: number;
  /** Fields with fewer rows than K (not counted as collapsed). */
  small: number;
  /** Fields with no spectrum: all rows zero (not counted as collapsed). */
  zero: number;
  total: number;
  /** The field with the lowest IA/K among those with at least K rows (else among all). */
  worst?: F;
  meanRatio: number;
}

export function summarizeCollapse<F extends FieldSpectrum>(fields: readonly F[]): CollapseSummary<F> {
  const ratios = fields.map(iaRatio);
  const full = fields.filter((f) => fieldStatus(f) === 'collapsed' || fieldStatus(f) === 'healthy');
  const worst = (full.length ? full : fields.filter((f) => fieldStatus(f) === 'small')).reduce<F | undefined>(
    (w, f) => (!w || iaRatio(f) < iaRatio(w) ? f : w),
    undefined,
  );
  return {
    collapsed: fields.filter((f) => fieldStatus(f) === 'collapsed').length,
    small: fields.filter((f) => fieldStatus(f) === 'small').length,
    zero: fields.filter((f) => fieldStatus(f) === 'zero').length,
    total: fields.length,
    worst,
    meanRatio: ratios.length ? ratios.reduce((a, b) => a + b, 0) / ratios.length : 0,
  };
}
