/**
 * Which JSON-RPC failures are worth waiting out. Public endpoints go down, stall, and throttle
 * (HTTP 429, or HTTP 200 with a JSON-RPC "limit exceeded" error): none of that says anything about
 * a transaction, so a tracked anchoring keeps waiting (and ends ANCHOR_PENDING at its deadline)
 * instead of being declared failed. Everything else (a revert, "nonce too low", "insufficient
 * funds", a malformed answer) is an answer, and callers act on it.
 */

/** Node socket and DNS errors that mean "no answer", not "refused by the node". */
const TRANSIENT_ERRNO = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

/** ethers v6 error codes for a request that got no usable answer (HTTP 5xx/429 after retries, timeout, socket). */
const TRANSIENT_ETHERS = new Set(['TIMEOUT', 'NETWORK_ERROR', 'SERVER_ERROR']);

/**
 * JSON-RPC error codes providers use for throttling and overload: -32005 "limit exceeded"
 * (EIP-1474; Infura, Alchemy), -32090 (some gateways' "rate limited").
 */
const TRANSIENT_RPC_CODES = new Set([-32005, -32090]);

/** Messages of throttling/overload errors sent with a generic code (-32000, -32603). */
const TRANSIENT_MESSAGE = /rate.?limit|too many requests|limit exceeded|request timed? ?out|temporar(il)?y unavailable|service unavailable|bad gateway|gateway time-?out|try again later|socket hang up|header not found/i;

/**
 * True when `e` (an ethers error, a Node socket error, a NotariumError wrapping one, ...) means the
 * endpoint did not answer or refused to answer for now: unreachable, timed out, throttled or
 * overloaded. Walks `cause`, `error` and `info.error` a few levels deep.
 */
export function isTransientRpcError(e: unknown, depth = 0): boolean {
  if (e === null || typeof e !== 'object' || depth > 6) return false;
  const err = e as { code?: unknown; message?: unknown; cause?: unknown; error?: unknown; info?: { error?: unknown; responseStatus?: unknown } };
  if (typeof err.code === 'string' && (TRANSIENT_ERRNO.has(err.code) || TRANSIENT_ETHERS.has(err.code))) return true;
  if (typeof err.code === 'number' && TRANSIENT_RPC_CODES.has(err.code)) return true;
  if (typeof err.message === 'string' && TRANSIENT_MESSAGE.test(err.message)) return true;
  return [err.cause, err.error, err.info?.error].some((inner) => isTransientRpcError(inner, depth + 1));
}
