import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setUnauthorizedHandler } from '../api';
import type { Me } from '../api/types';

export type SessionState =
  | { status: 'loading' }
  /** `expired`: we were logged in and the server ended the session */
  | { status: 'anonymous'; expired: boolean }
  | { status: 'authenticated'; me: Me }
  /** the server could not be reached to find out */
  | { status: 'unreachable'; error: ApiError };

interface SessionValue {
  session: SessionState;
  login: (email: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  /** The server said our session is gone (401 anywhere, or the socket refused it). */
  sessionLost: () => void;
  retry: () => void;
}

const SessionContext = createContext<SessionValue | null>(null);

/**
 * Who is logged in. The session itself is the httpOnly cookie set by
 * POST /auth/login: nothing is kept in storage; GET /me tells whether it is alive.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: 'loading' });

  const check = useCallback(async () => {
    try {
      const me = await api.me();
      setSession({ status: 'authenticated', me });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setSession({ status: 'anonymous', expired: false });
      else setSession({ status: 'unreachable', error: err instanceof ApiError ? err : new ApiError(0, 'network_error', String(err)) });
    }
  }, []);

  useEffect(() => {
    void check();
  }, [check]);

  const sessionLost = useCallback(() => {
    setSession((s) => (s.status === 'authenticated' ? { status: 'anonymous', expired: true } : s));
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(sessionLost);
    return () => setUnauthorizedHandler(null);
  }, [sessionLost]);

  const login = useCallback(async (email: string, password: string) => {
    await api.login(email, password);
    const me = await api.me();
    setSession({ status: 'authenticated', me });
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      /* the cookie may already be gone; we leave either way */
    }
    setSession({ status: 'anonymous', expired: false });
  }, []);

  const retry = useCallback(() => {
    setSession({ status: 'loading' });
    void check();
  }, [check]);

  const value = useMemo(() => ({ session, login, logout, sessionLost, retry }), [session, login, logout, sessionLost, retry]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
