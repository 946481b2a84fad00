/** What configures a multi-task run: model kinds, optimisers and the settings the form, the link and the worker share. */

export type MultiTaskKind = 'shared-bottom' | 'mmoe' | 'ple' | 'stem' | 'single';

export const MULTI_TASK_KINDS: readonly MultiTaskKind[] = ['shared-bottom', 'mmoe', 'ple', 'stem', 'single'];

/** Adam, and the AdaTask forms compared with it. */
export type MultiTaskOptimizerKind = 'adam' | 'adatask' | 'adatask-rmsprop' | 'adatask-adagrad';

/** The models the view trains (the single-task baseline serves the conflict-pair measure). */
export type MtlModelKind = Exclude<MultiTaskKind, 'single'>;
export const MTL_MODEL_KINDS: readonly MtlModelKind[] = ['shared-bottom', 'mmoe', 'ple', 'stem'];

/** The optimiser compared with Adam. */
export type MtlAlternative = Exclude<MultiTaskOptimizerKind, 'adam'>;
export const MTL_ALTERNATIVES: readonly MtlAlternative[] = ['adatask', 'adatask-rmsprop', 'adatask-adagrad'];

/** The two trainers stepped alternately: Adam and the chosen AdaTask form. */
export type MtlArm = 'adam' | 'alt';
export const MTL_ARMS: readonly MtlArm[] = ['adam', 'alt'];

/** What a multi-task run trains: the form's settings and the worker's request share them. */
export interface MtlTrainSettings {
  model: MtlModelKind;
  alternative: MtlAlternative;
  /** AU decay. */
  beta: number;
  lr: number;
  batchSize: number;
  /** Steps of each trainer. */
  steps: number;
  seed: number;
}
