/** Number labels every layer writes the same way (charts, cards, lessons). */

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** "1", "10⁻³": readable labels for decade ticks. */
export function decadeLabel(v: number): string {
  const k = Math.round(Math.log10(v));
  return k === 0 ? '1' : `10${String(k).replace(/./g, (c) => SUPERSCRIPT[c])}`;
}
