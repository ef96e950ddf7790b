/** A scripted window.notarium for component tests: each operation answers what the test queued. */
import type { NotariumApi, Outcome, ProgressEvent } from '../../shared/api/index.ts';
import { OPERATION_LIST } from '../../shared/api/channels.ts';

export interface FakeApi {
  api: NotariumApi;
  calls: { op: string; request: unknown; callId?: unknown }[];
  answer(op: string, outcome: Outcome<unknown> | (() => Promise<Outcome<unknown>>)): void;
  emit(event: ProgressEvent): void;
}

export function installFakeApi(): FakeApi {
  const answers = new Map<string, Outcome<unknown> | (() => Promise<Outcome<unknown>>)>();
  const listeners = new Set<(e: ProgressEvent) => void>();
  const calls: FakeApi['calls'] = [];
  const api: Record<string, unknown> = {};
  for (const op of OPERATION_LIST) {
    api[op] = async (request: unknown, callId?: unknown) => {
      calls.push({ op, request, callId });
      const a = answers.get(op);
      if (a === undefined) return { ok: false, error: { code: 'INTERNAL', message: `no answer for ${op}` } };
      return typeof a === 'function' ? a() : a;
    };
  }
  api['onProgress'] = (l: (e: ProgressEvent) => void) => {
    listeners.add(l);
    return () => listeners.delete(l);
  };
  api['pathForFile'] = () => '';
  window.notarium = api as NotariumApi;
  return { api: api as NotariumApi, calls, answer: (op, o) => answers.set(op, o), emit: (e) => listeners.forEach((l) => l(e)) };
}

export const never = (): Promise<Outcome<unknown>> => new Promise(() => undefined);
