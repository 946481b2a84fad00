import type { SpectrumMode } from '../contracts/tables.ts';

export const MODE_LABELS: Record<SpectrumMode, string> = {
  recscope: 'RecScope (row-normalised, default)',
  raw: 'Raw',
  centered: 'Mean-centred',
};
