/**
 * Maps better-sqlite3 failures to NotariumError codes, so callers never see SQLite
 * error strings. Constraint failures mean the caller passed bad data (the schema's
 * CHECKs mirror the receipt formats); anything else is the ledger's own failure.
 */
import { NotariumError, isNotariumError } from '../../../shared/errors.ts';
import type { ErrorCode } from '../../../shared/errors.ts';

const INPUT_CONSTRAINTS = new Set([
  'SQLITE_CONSTRAINT_CHECK',
  'SQLITE_CONSTRAINT_NOTNULL',
  'SQLITE_CONSTRAINT_DATATYPE',
  'SQLITE_MISMATCH',
  'SQLITE_RANGE',
]);
const UNIQUE_CONSTRAINTS = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

export interface ErrorContext {
  /** What was being done, e.g. "insert dataset". */
  action: string;
  /** Code for a UNIQUE/PRIMARY KEY violation; defaults to 'ALREADY_EXISTS'. */
  onUnique?: ErrorCode;
  /** Code for a FOREIGN KEY violation; defaults to 'NOT_FOUND'. */
  onForeignKey?: ErrorCode;
  details?: Record<string, unknown>;
}

/** NotariumError for `cause` (returned as-is when it already is one). */
export function toLedgerError(cause: unknown, context: ErrorContext): NotariumError {
  if (isNotariumError(cause)) return cause;
  const sqliteCode = typeof (cause as { code?: unknown } | null)?.code === 'string' ? (cause as { code: string }).code : undefined;
  const detail = cause instanceof Error ? cause.message : String(cause);
  let code: ErrorCode = 'LEDGER_FAILED';
  if (sqliteCode !== undefined && INPUT_CONSTRAINTS.has(sqliteCode)) code = 'INVALID_INPUT';
  else if (sqliteCode !== undefined && UNIQUE_CONSTRAINTS.has(sqliteCode)) code = context.onUnique ?? 'ALREADY_EXISTS';
  else if (sqliteCode === 'SQLITE_CONSTRAINT_FOREIGNKEY') code = context.onForeignKey ?? 'NOT_FOUND';
  // better-sqlite3 throws TypeError/RangeError for values it cannot bind (booleans,
  // objects, integers beyond 64 bits): the caller's data again.
  else if (cause instanceof TypeError || cause instanceof RangeError) code = 'INVALID_INPUT';
  return new NotariumError(code, `Ledger: cannot ${context.action}: ${detail}`, {
    cause,
    details: { ...context.details, ...(sqliteCode === undefined ? {} : { sqliteCode }) },
  });
}
