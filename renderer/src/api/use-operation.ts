/** Runs one contract operation with the states every screen shows: idle, loading (with progress), error, success. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FeeQuote, OperationName, ProgressData, RequestOf, ResponseOf } from '../../../shared/api/index.ts';
import { asFailure, call, newCallId, onProgress, type ApiFailure } from './client.ts';

export type OperationState<T> =
  | { status: 'idle' }
  /** `feeQuote`: the call waits for the user to accept this public-chain fee (answerFee). */
  | { status: 'loading'; progress: ProgressData | null; feeQuote?: FeeQuote }
  | { status: 'error'; error: ApiFailure }
  | { status: 'success'; value: T };

export interface Operation<K extends OperationName> {
  state: OperationState<ResponseOf<K>>;
  run(request: RequestOf<K>): Promise<ResponseOf<K> | undefined>;
  cancel(): void;
  reset(): void;
  /** Answers the fee quote the running call waits on: true sends, false declines (nothing sent). */
  answerFee(accept: boolean): Promise<void>;
}

export function useOperation<K extends OperationName>(op: K): Operation<K> {
  const [state, setState] = useState<OperationState<ResponseOf<K>>>({ status: 'idle' });
  const callId = useRef<string | null>(null);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    const off = onProgress((e) => {
      if (e.callId === callId.current && mounted.current) setState(e.feeQuote === undefined ? { status: 'loading', progress: e.progress } : { status: 'loading', progress: e.progress, feeQuote: e.feeQuote });
    });
    return () => {
      mounted.current = false;
      off();
    };
  }, []);

  const run = useCallback(
    async (request: RequestOf<K>) => {
      const id = newCallId();
      callId.current = id;
      setState({ status: 'loading', progress: null });
      try {
        const value = await call(op, request, id);
        if (mounted.current && callId.current === id) setState({ status: 'success', value });
        return value;
      } catch (e) {
        if (mounted.current && callId.current === id) setState({ status: 'error', error: asFailure(e) });
        return undefined;
      } finally {
        if (callId.current === id) callId.current = null;
      }
    },
    [op],
  );

  const cancel = useCallback(() => {
    const id = callId.current;
    if (id !== null) void call('cancel', { callId: id }).catch(() => undefined);
  }, []);

  const reset = useCallback(() => {
    callId.current = null;
    setState({ status: 'idle' });
  }, []);

  const answerFee = useCallback(async (accept: boolean) => {
    const id = callId.current;
    if (id === null) return;
    setState((s) => (s.status === 'loading' ? { status: 'loading', progress: s.progress } : s));
    await call('confirmFee', { callId: id, accept }).catch(() => undefined);
  }, []);

  return { state, run, cancel, reset, answerFee };
}
