/**
 * Maps what kubo-rpc-client throws to NotariumError codes. Kubo answers a failed RPC
 * with HTTP 500 and `{"Message": "...", "Code": 0, "Type": "error"}` (docs.ipfs.tech,
 * Kubo RPC "HTTP status codes"); kubo-rpc-client turns that into an `HTTPError` whose
 * message is Kubo's, `TimeoutError` for Kubo's deadline messages, and fetch's own
 * errors (`TypeError: fetch failed`, cause ECONNREFUSED...) when the daemon is down.
 */
import { isNotariumError, NotariumError } from '../../../shared/errors.ts';

/** Kubo's wordings for "this block/object is not here" across releases. */
const NOT_FOUND = /not found|could not find|no link named|block was not found locally|merkledag: not found/i;

/** The HTTP status of a kubo-rpc-client HTTPError, if it is one. */
export function kuboStatus(error: unknown): number | undefined {
  if (error instanceof Error && error.name === 'HTTPError') {
    const response = (error as Error & { response?: { status?: unknown } }).response;
    return typeof response?.status === 'number' ? response.status : undefined;
  }
  return undefined;
}

/**
 * `error` as a NotariumError: 'CANCELLED' when `signal` aborted; 'NOT_FOUND' for Kubo's
 * "not found" answers; 'IPFS_FAILED' otherwise, with Kubo's message, the HTTP status and
 * a hint when the daemon cannot be reached or lacks the endpoint.
 */
export function toKuboError(error: unknown, what: string, url: string, signal?: AbortSignal, details: Record<string, unknown> = {}): NotariumError {
  if (isNotariumError(error)) return error;
  if (signal?.aborted === true || (error instanceof Error && error.name === 'AbortError')) {
    return new NotariumError('CANCELLED', `${what}: cancelled`, { cause: error, details });
  }
  const message = error instanceof Error ? error.message : String(error);
  const status = kuboStatus(error);
  if (status !== undefined) {
    if (status === 500 && NOT_FOUND.test(message)) return new NotariumError('NOT_FOUND', `${what}: ${message}`, { cause: error, details: { ...details, status } });
    const hint = status === 404 ? ' (this Kubo has no such RPC endpoint: upgrade Kubo)' : status === 403 ? ' (the Kubo RPC refused the request: check API.Authorizations or the Origin)' : '';
    return new NotariumError('IPFS_FAILED', `${what}: Kubo answered ${status}: ${message}${hint}`, { cause: error, details: { ...details, status } });
  }
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new NotariumError('IPFS_FAILED', `${what}: Kubo timed out`, { cause: error, details });
  }
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const reach = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ECONNRESET' || message === 'fetch failed';
  return new NotariumError('IPFS_FAILED', reach ? `${what}: cannot reach the Kubo RPC API at ${url}${code === undefined ? '' : ` (${code})`}; is the daemon running?` : `${what}: ${message}`, {
    cause: error,
    details: { ...details, url },
  });
}
