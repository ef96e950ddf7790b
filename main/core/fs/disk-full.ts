/**
 * One clear error for a full disk, whichever layer hit it: the file system (ENOSPC,
 * EDQUOT, POSIX) or SQLite (SQLITE_FULL, https://www.sqlite.org/rescode.html#full).
 */
import { isNotariumError, NotariumError } from '../../../shared/errors.ts';

const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** True if `error`, or an error in its `cause` chain, says the disk or quota is full. */
export function isDiskFull(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (isNotariumError(e) && e.code === 'DISK_FULL') return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && FULL_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * NotariumError('DISK_FULL') naming `where` (a folder or file), with `cause` attached, if
 * `error` is a full disk (see isDiskFull); otherwise `error` unchanged.
 */
export function asDiskFull(error: unknown, where: string): unknown {
  if (!isDiskFull(error) || (isNotariumError(error) && error.code === 'DISK_FULL')) return error;
  return new NotariumError('DISK_FULL', `The disk holding ${where} is full. Free some space, then run the same command again: the job resumes where it stopped and nothing already stored is lost.`, {
    cause: error,
    details: { path: where },
  });
}
