/**
 * A value read from a file, as an error message shows it: strings quoted and cut at 40
 * characters, containers by kind and length. Never JSON.stringify a file's value whole: a
 * container nested 100,000 deep overflows its recursion.
 */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object' && v !== null) return 'an object';
  return String(v);
}
