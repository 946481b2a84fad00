import { createContext, useContext } from 'react';
import type { CheckpointSeriesController } from '../state/checkpointSeriesController.ts';
import type { InteractionController } from '../state/interactionController.ts';
import type { CorrelationController } from '../state/correlationController.ts';
import type { MultitaskController } from '../state/multitaskController.ts';
import type { SequenceController } from '../state/sequenceController.ts';
import type { TrainingController } from '../state/trainingController.ts';

/** The run views' controllers, built by the composition root (src/state/compositionRoot.ts). */
export interface RunControllers {
  training: TrainingController;
  multitask: MultitaskController;
  /** Behaviour-sequence runs (DIN, TWIN, DARE, TIN). */
  sequence: SequenceController;
  /** Uploaded DCNv2 checkpoints' interaction matrices. */
  interaction: InteractionController;
  /** Uploaded sequence checkpoints' learned correlation. */
  correlation: CorrelationController;
  /** Several checkpoints of one training: IA per field over steps. */
  series: CheckpointSeriesController;
}

export const RunControllersContext = createContext<RunControllers | null>(null);

export function useRunControllers(): RunControllers {
  const c = useContext(RunControllersContext);
  if (!c) throw new Error('useRunControllers outside <RunControllersContext.Provider>');
  return c;
}

export const useTrainingController = (): TrainingController => useRunControllers().training;
export const useMultitaskController = (): MultitaskController => useRunControllers().multitask;
export const useSequenceController = (): SequenceController => useRunControllers().sequence;
export const useInteractionController = (): InteractionController => useRunControllers().interaction;
export const useCheckpointSeriesController = (): CheckpointSeriesController => useRunControllers().series;
export const useCorrelationController = (): CorrelationController => useRunControllers().correlation;
