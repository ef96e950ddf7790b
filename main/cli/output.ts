/** CLI output: human text or `--json`, and the mapping of error codes to exit statuses. */
import { isNotariumError, type ErrorCode } from '../../shared/errors.ts';

/**
 * Exit statuses (documented in README): 0 ok, 1 verification failed (the data does not
 * check out), 2 bad input, 3 operation failed.
 */
export const EXIT = { ok: 0, verifyFailed: 1, badInput: 2, failed: 3 } as const;

const BAD_INPUT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'INVALID_INPUT',
  'RECEIPT_INVALID',
  'UNSAFE_PATH',
  'NOT_FOUND',
  'ACCOUNT_MISSING',
  'ACCOUNT_EXISTS',
  'WRONG_PASSPHRASE',
  'ALREADY_EXISTS',
  'CHAIN_ID_MISMATCH',
  'SIGNATURE_INVALID',
]);

/**
 * Exit status for an error thrown by a command: 1 when it reports data that failed an
 * integrity check (`details.integrity`, whatever its code: a truncated or altered CAR file,
 * a stored block or retrieved file that does not match its CID or SHA-256), 2 for bad
 * input, else 3.
 */
export function exitCodeFor(e: unknown): number {
  if (!isNotariumError(e)) return EXIT.failed;
  if (e.details?.['integrity'] !== undefined) return EXIT.verifyFailed;
  if (BAD_INPUT.has(e.code)) return EXIT.badInput;
  return EXIT.failed;
}

/**
 * Request fields (shared/api/schemas.ts) as the CLI's options name them, for validation
 * errors: `--orcid`, not the API's `authorOrcid`. Fields not listed keep their API name.
 */
const OPTION_OF_FIELD: Readonly<Record<string, string>> = {
  authorName: '--name',
  authorOrcid: '--orcid',
  authors: '--author',
  confirmations: '--confirmations',
  draftOut: '--draft-out',
  inputs: 'the files or folder',
  out: '--out',
  purpose: '--purpose',
  receipt: '--receipt',
  receiptOut: '--receipt-out',
  recipient: '--recipient',
  recipients: '--recipient',
  rpc: '--rpc',
  title: '--title',
};

/** An issue's field label (`authorOrcid`, `recipients #2`) with its leading field named as the CLI option. */
export function optionLabel(field: string): string {
  const m = /^([A-Za-z]+)(.*)$/s.exec(field);
  const option = m === null ? undefined : OPTION_OF_FIELD[m[1] as string];
  return option === undefined ? field : `${option}${m?.[2] ?? ''}`;
}

/** Prints an error: `{"error": {code, message, details}}` on stdout with --json, else "notarium: message [CODE]" on stderr. */
export function printError(e: unknown, json: boolean): void {
  const err = isNotariumError(e)
    ? e.toJSON()
    : { code: 'INTERNAL' as const, message: e instanceof Error ? e.message : String(e) };
  if (json) {
    process.stdout.write(`${JSON.stringify({ error: err })}\n`);
    return;
  }
  // Validation errors (parseRequest) name each field as the CLI's option.
  const issues = 'details' in err ? (err.details as { issues?: unknown } | undefined)?.issues : undefined;
  const message =
    err.code === 'INVALID_INPUT' && Array.isArray(issues) && issues.every((i: { field?: unknown; message?: unknown }) => typeof i.field === 'string' && typeof i.message === 'string')
      ? `Invalid input:\n${(issues as { field: string; message: string }[]).map((i) => `  - ${optionLabel(i.field)}: ${i.message}`).join('\n')}`
      : err.message;
  process.stderr.write(`notarium: ${message} [${err.code}]\n`);
}

/** Prints a command's result: JSON (one line) or the human text. */
export function printResult(json: boolean, value: unknown, human: () => string): void {
  if (json) process.stdout.write(`${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
  else process.stdout.write(`${human()}\n`);
}
