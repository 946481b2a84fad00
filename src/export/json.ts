/** Pretty JSON of a chart's data; non-finite numbers (which JSON cannot hold) become null. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
}
