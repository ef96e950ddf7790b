/**
 * Typed errors shared by every layer. Each error carries a stable `code`; the CLI
 * and the UI map codes to messages and exit statuses, never parse message text.
 */

/** Stable error codes. Add, never rename: receipts, scripts and the UI depend on them. */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'ACCOUNT_MISSING',
  'ACCOUNT_EXISTS',
  'WRONG_PASSPHRASE',
  'CRYPTO_FAILED',
  'AGE_DECRYPT_FAILED',
  'IPFS_FAILED',
  'CID_MISMATCH',
  'CHAIN_FAILED',
  'CHAIN_ID_MISMATCH',
  'ALREADY_ANCHORED',
  'ANCHOR_PENDING',
  'DEVNET_REPLAY_MISMATCH',
  'RECEIPT_INVALID',
  'HASH_MISMATCH',
  'PROOF_INVALID',
  'SIGNATURE_INVALID',
  'UNSAFE_PATH',
  'LEDGER_FAILED',
  'CANCELLED',
  'INTERNAL',
  'DEVNET_LOCKED',
  'ACCOUNT_LOCKED',
  'KEYCHAIN_REFUSED',
  'FORBIDDEN',
  // consent (docs/CONSENT.md): a gate refused the use, or needs a named person's recorded override
  'CONSENT_DENIED',
  'CONSENT_REVIEW_REQUIRED',
  // chain: the account cannot pay the quoted worst-case fee (nothing was signed)
  'INSUFFICIENT_FUNDS',
  // managed settings (lab policy, docs/SECURITY.md): the machine's policy forbids this operation
  'POLICY_DENIED',
  // the disk (or quota) holding the data folder or an output is full; the job can be resumed once space is freed
  'DISK_FULL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The one error class of Notarium. `details` is JSON-safe context for `--json` output. */
export class NotariumError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { details?: Record<string, unknown>; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NotariumError';
    this.code = code;
    this.details = options?.details;
  }

  /** JSON shape used by `--json` output and the IPC error channel. */
  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** True when `e` is a NotariumError (also across realms, where instanceof fails). */
export function isNotariumError(e: unknown): e is NotariumError {
  return e instanceof NotariumError || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'NotariumError' && typeof (e as { code?: unknown }).code === 'string');
}
