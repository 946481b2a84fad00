import { createContext, useContext } from 'react';
import type { StudioController } from '../state/studioController.ts';

export const ControllerContext = createContext<StudioController | null>(null);

export function useController(): StudioController {
  const c = useContext(ControllerContext);
  if (!c) throw new Error('useController outside <ControllerContext.Provider>');
  return c;
}
