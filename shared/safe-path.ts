/**
 * Validation of dataset-relative paths. Manifests and receipts come from outside (a
 * receipt by mail, a manifest from IPFS), so a path is data, never trusted: retrieve must
 * refuse anything that could escape the output folder.
 */
import { NotariumError } from './errors.ts';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * Why `path` is not a safe relative POSIX path, or null when it is.
 * Safe: non-empty, '/'-separated, no leading '/', no '.', '..' or empty segment, no
 * backslash, NUL or other control character, no drive letter (`C:`), at most 4096 bytes
 * long, no Windows reserved device names.
 */
export function unsafePathReason(path: string): string | null {
  if (path.length === 0) return 'empty path';
  if (path.length > 4096) return 'path longer than 4096 characters';
  if (path.startsWith('/')) return 'absolute path';
  if (path.includes('\\')) return 'backslash in path';
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'control character in path';
  if (/^[a-zA-Z]:/.test(path)) return 'drive letter in path';
  for (const segment of path.split('/')) {
    if (segment === '') return 'empty path segment';
    if (segment === '.' || segment === '..') return `'${segment}' segment`;
    if (WINDOWS_RESERVED.test(segment)) return `reserved device name '${segment}'`;
  }
  return null;
}

/**
 * Asserts `path` is a safe relative POSIX path (see unsafePathReason).
 * @throws NotariumError('UNSAFE_PATH') naming the path and the reason.
 */
export function assertSafeRelativePath(path: string): void {
  const reason = unsafePathReason(path);
  if (reason !== null) {
    throw new NotariumError('UNSAFE_PATH', `Refusing unsafe path ${JSON.stringify(path)}: ${reason}`, { details: { path, reason } });
  }
}
