/** App-wide status (account, lock, network) loaded once and refreshed after account changes. */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { Status } from '../../shared/api/index.ts';
import { asFailure, call, type ApiFailure } from './api/client.ts';

interface StatusValue {
  status: Status | null;
  error: ApiFailure | null;
  refresh(): Promise<void>;
}

const StatusContext = createContext<StatusValue>({ status: null, error: null, refresh: async () => undefined });

export function StatusProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const refresh = useCallback(async () => {
    try {
      setStatus(await call('status', {}));
      setError(null);
    } catch (e) {
      setError(asFailure(e));
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return <StatusContext value={{ status, error, refresh }}>{children}</StatusContext>;
}

export function useStatus(): StatusValue {
  return useContext(StatusContext);
}
