/**
 * Maps errors from Helia, the UnixFS importer/exporter and the file system to
 * NotariumError codes. Those libraries mark errors by `name` (they may come from
 * duplicated package copies, so `instanceof` is unreliable).
 */
import { isNotariumError, NotariumError, type ErrorCode } from '../../../shared/errors.ts';
import { isDiskFull } from '../fs/disk-full.ts';

const CODE_BY_NAME: Readonly<Record<string, ErrorCode>> = {
  AbortError: 'CANCELLED',
  // Helia: a block is missing and the node is offline (we always read offline).
  BlockNotFoundWhileOfflineError: 'NOT_FOUND',
  NotFoundError: 'NOT_FOUND',
  // Importer: content that is not bytes; exporter: offset/length out of range.
  InvalidContentError: 'INVALID_INPUT',
  InvalidParametersError: 'INVALID_INPUT',
  // The CID is not a UnixFS file (a directory, dag-cbor...): Notarium stores only files.
  NotAFileError: 'INVALID_INPUT',
  NotUnixFSError: 'INVALID_INPUT',
  NoResolverError: 'INVALID_INPUT',
  NoContentError: 'INVALID_INPUT',
};

/**
 * `error` as a NotariumError: kept as is if it already is one, else wrapped (as cause)
 * with the code its name maps to, or 'IPFS_FAILED'; a full disk (ENOSPC/EDQUOT anywhere
 * in the cause chain) gives 'DISK_FULL'. An aborted `signal` always gives 'CANCELLED'.
 */
export function toIpfsError(error: unknown, message: string, details?: Record<string, unknown>, signal?: AbortSignal): NotariumError {
  if (isNotariumError(error) && (error.code !== 'IPFS_FAILED' || !isDiskFull(error))) return error;
  if (isDiskFull(error)) {
    return new NotariumError('DISK_FULL', `${message}: the disk holding the IPFS store is full. Free some space, then run the same command again: the job resumes where it stopped and nothing already stored is lost.`, details === undefined ? { cause: error } : { cause: error, details });
  }
  const name = error instanceof Error ? error.name : undefined;
  const code = signal?.aborted === true ? 'CANCELLED' : ((name !== undefined ? CODE_BY_NAME[name] : undefined) ?? 'IPFS_FAILED');
  const reason = error instanceof Error ? `: ${error.message}` : '';
  return new NotariumError(code, `${message}${reason}`, details === undefined ? { cause: error } : { cause: error, details });
}
