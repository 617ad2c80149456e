import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { Me } from '../../api/types';
import { useI18n } from '../../i18n';
import { useStore } from '../store';
import { WorkspaceController } from './controller';
import type { WorkspaceState } from './state';

const WorkspaceContext = createContext<WorkspaceController | null>(null);

/** One controller (socket, store) per logged-in session. */
export function WorkspaceProvider({ me, onSessionLost, children }: { me: Me; onSessionLost: () => void; children: ReactNode }) {
  const { t } = useI18n();
  const [controller] = useState(() => new WorkspaceController({ me, t, onSessionLost }));
  useEffect(() => {
    controller.start();
    return () => controller.stop();
  }, [controller]);
  useEffect(() => controller.setTranslate(t), [controller, t]);
  return <WorkspaceContext.Provider value={controller}>{children}</WorkspaceContext.Provider>;
}

export function useController(): WorkspaceController {
  const c = useContext(WorkspaceContext);
  if (!c) throw new Error('useController outside WorkspaceProvider');
  return c;
}

/** Reads a slice of the workspace state; re-renders only when it changes. */
export function useWorkspace<T>(selector: (s: WorkspaceState) => T): T {
  return useStore(useController().store, selector);
}
