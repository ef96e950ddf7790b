/**
 * Reads the managed settings file, trusting it only when no ordinary user could have
 * written it. On Linux and macOS the file must be a regular file (a symbolic link is
 * refused: O_NOFOLLOW), owned by root, and not writable by group or others; the checks run
 * on the open descriptor that is then read, so the file cannot be swapped in between.
 * A file failing them is ignored with a warning the UI and CLI show. A trusted file that
 * is not valid JSON or not valid settings is NOT ignored: it blocks the operations a
 * policy may restrict (see merge.ts), so a broken policy never silently lifts restrictions.
 *
 * Windows has no POSIX owner or mode: there the folder's ACL (administrators only, set by
 * the installer or IT) is what protects the file; symbolic links are still refused.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { isNotariumError } from '../../../shared/errors.ts';
import { defaultManagedSettingsFile } from './locations.ts';
import { MAX_MANAGED_SETTINGS_BYTES, parseManagedSettings, type ManagedSettings } from './schema.ts';

/** What was found at the managed settings location. */
export type ManagedSettingsStatus =
  /** No file: nothing is managed. */
  | 'absent'
  /** A trusted, valid file: its settings apply. */
  | 'applied'
  /** A file that an ordinary user could have written (owner, mode, symlink): ignored, with a warning. */
  | 'refused'
  /** A trusted file that cannot be parsed: restricted operations are blocked until IT fixes it. */
  | 'invalid';

export interface ManagedSettingsState {
  /** The file looked at (absolute path). */
  file: string;
  status: ManagedSettingsStatus;
  /** The settings, when `status` is 'applied'. */
  settings: ManagedSettings | null;
  /** Human warnings for 'refused' and 'invalid' (empty otherwise). */
  warnings: string[];
}

export interface LoadManagedSettingsOptions {
  /** The file; default {@link defaultManagedSettingsFile} for the platform. Tests inject a temp file. */
  file?: string;
  /** Default `process.platform`; decides whether owner and mode are checked. */
  platform?: NodeJS.Platform;
  /** uids trusted to own the file; default [0] (root). */
  trustedUids?: readonly number[];
}

/** Why the stat of a candidate file makes it untrustworthy, or null. POSIX only. */
export function untrustedReason(st: Pick<Stats, 'isFile' | 'uid' | 'mode'>, trustedUids: readonly number[] = [0]): string | null {
  if (!st.isFile()) return 'it is not a regular file';
  if (!trustedUids.includes(st.uid)) return `it is owned by uid ${st.uid}, not by root`;
  if ((st.mode & 0o022) !== 0) return `it is writable by group or others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')})`;
  return null;
}

function refused(file: string, reason: string): ManagedSettingsState {
  return { file, status: 'refused', settings: null, warnings: [`Managed settings ${file} ignored: ${reason}. Lab IT: make it a regular file owned by root with mode 0644 (or 0600).`] };
}

/**
 * Loads the managed settings. Never throws for a bad file: the state says what happened.
 * @throws only for unexpected I/O errors other than ENOENT/ELOOP/EACCES/EISDIR (e.g. EIO).
 */
export async function loadManagedSettings(options: LoadManagedSettingsOptions = {}): Promise<ManagedSettingsState> {
  const platform = options.platform ?? process.platform;
  const file = options.file ?? defaultManagedSettingsFile(platform);
  const posix = platform !== 'win32';
  let handle: FileHandle;
  try {
    if (!posix) {
      const st = await lstat(file);
      if (st.isSymbolicLink()) return refused(file, 'it is a symbolic link');
    }
    // O_NONBLOCK: opening a FIFO planted there must not hang the app.
    const flags = posix ? constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK : constants.O_RDONLY;
    handle = await open(file, flags);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { file, status: 'absent', settings: null, warnings: [] };
    if (code === 'ELOOP') return refused(file, 'it is a symbolic link');
    if (code === 'EACCES' || code === 'EPERM') return refused(file, 'it cannot be read');
    if (code === 'EISDIR') return refused(file, 'it is not a regular file');
    throw e;
  }
  try {
    const st = await handle.stat();
    const reason = posix ? untrustedReason(st, options.trustedUids ?? [0]) : st.isFile() ? null : 'it is not a regular file';
    if (reason !== null) return refused(file, reason);
    if (st.size > MAX_MANAGED_SETTINGS_BYTES) {
      return { file, status: 'invalid', settings: null, warnings: [`Managed settings ${file} is larger than ${MAX_MANAGED_SETTINGS_BYTES} bytes: anchoring and public mode are disabled until IT fixes it.`] };
    }
    const text = await handle.readFile({ encoding: 'utf8' });
    try {
      return { file, status: 'applied', settings: parseManagedSettings(text, file), warnings: [] };
    } catch (e) {
      if (!isNotariumError(e)) throw e;
      return { file, status: 'invalid', settings: null, warnings: [`${e.message}\nAnchoring and public mode are disabled until IT fixes it.`] };
    }
  } finally {
    await handle.close();
  }
}
