import { createContext, useContext } from 'react';
import type { MultitaskController } from '../state/multitaskController.ts';
import type { TrainingController } from '../state/trainingController.ts';

/** The run views' controllers, built by the composition root (src/state/compositionRoot.ts). */
export interface RunControllers {
  training: TrainingController;
  multitask: MultitaskController;
}

export const RunControllersContext = createContext<RunControllers | null>(null);

export function useRunControllers(): RunControllers {
  const c = useContext(RunControllersContext);
  if (!c) throw new Error('useRunControllers outside <RunControllersContext.Provider>');
  return c;
}

export const useTrainingController = (): TrainingController => useRunControllers().training;
export const useMultitaskController = (): MultitaskController => useRunControllers().multitask;
