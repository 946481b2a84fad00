/**
 * The one display spelling of every model kind (CTR, multi-task and sequence), read by charts, legends,
 * forms and run labels. Keys are the kinds as configs and workers spell them.
 */
export const MODEL_NAMES: Readonly<Record<string, string>> = {
  lr: 'LR',
  fm: 'FM',
  dnn: 'DNN',
  deepfm: 'DeepFM',
  dcnv2: 'DCNv2',
  ipnn: 'IPNN',
  xdeepfm: 'xDeepFM',
  finalmlp: 'FinalMLP',
  'shared-bottom': 'Shared-bottom',
  mmoe: 'MMoE',
  ple: 'PLE',
  stem: 'STEM',
  single: 'Single-task',
  'single-task': 'Single-task',
  din: 'DIN',
  twin: 'TWIN',
  dare: 'DARE',
  tin: 'TIN',
};

/** The display name of a model kind; an unknown kind is shown as given. */
export function modelName(kind: string): string {
  return MODEL_NAMES[kind.toLowerCase()] ?? kind;
}
