import { format } from 'd3';

export const formatRows = format(',');
export const formatIA = format('.2f');
export const formatRatio = format('.2f');

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(1, Math.round(ms))} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatRate(rowsPerSecond: number): string {
  if (rowsPerSecond >= 1e6) return `${(rowsPerSecond / 1e6).toFixed(1)} M rows/s`;
  if (rowsPerSecond >= 1e3) return `${(rowsPerSecond / 1e3).toFixed(1)} k rows/s`;
  return `${Math.round(rowsPerSecond)} rows/s`;
}

export function formatShape(shape: number[]): string {
  return shape.map((d) => (d < 0 ? '?' : formatRows(d))).join(' × ');
}
