/**
 * The renderer's only door to Notarium: `window.notarium` (typed by shared/api), with
 * Outcome envelopes turned into thrown ApiFailure errors carrying the stable code.
 */
import type { ErrorCode } from '../../../shared/errors.ts';
import type { NotariumApi, OperationName, Outcome, ProgressEvent, RequestOf, ResponseOf } from '../../../shared/api/index.ts';

export class ApiFailure extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiFailure';
    this.code = code;
    this.details = details;
  }
}

declare global {
  interface Window {
    notarium?: NotariumApi;
  }
}

function api(): NotariumApi {
  const a = window.notarium;
  if (a === undefined) throw new ApiFailure('INTERNAL', 'The Notarium API is not available in this window.');
  return a;
}

/** Calls `op`; resolves its response, or throws ApiFailure. */
export async function call<K extends OperationName>(op: K, request: RequestOf<K>, callId?: string): Promise<ResponseOf<K>> {
  const fn = api()[op] as (request: unknown, callId?: string) => Promise<Outcome<ResponseOf<K>>>;
  let outcome: Outcome<ResponseOf<K>>;
  try {
    outcome = await fn(request, callId);
  } catch (e) {
    throw new ApiFailure('INTERNAL', e instanceof Error ? e.message : String(e));
  }
  if (!outcome.ok) throw new ApiFailure(outcome.error.code, outcome.error.message, outcome.error.details);
  return outcome.value;
}

export function onProgress(listener: (event: ProgressEvent) => void): () => void {
  return window.notarium?.onProgress(listener) ?? (() => undefined);
}

/** Absolute path of a dropped file, or '' where the platform cannot tell. */
export function pathForFile(file: File): string {
  return window.notarium?.pathForFile(file) ?? '';
}

export function newCallId(): string {
  return crypto.randomUUID();
}

export function asFailure(e: unknown): ApiFailure {
  return e instanceof ApiFailure ? e : new ApiFailure('INTERNAL', e instanceof Error ? e.message : String(e));
}
