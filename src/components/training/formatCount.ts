/**
 * Thousands-separated counts from one shared formatter: Number#toLocaleString builds a new ICU
 * formatter per call (tens of ms in a profile of a training start here), and the training form
 * and status re-render on training events.
 */
const formatter = new Intl.NumberFormat();

export const formatCount = (n: number): string => formatter.format(n);
