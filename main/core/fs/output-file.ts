/**
 * The rule for a file a command writes at a path the user named (`-o`): a folder there is
 * refused, and an existing file is left untouched unless the user asked to replace it
 * (`--force`). Receipts and CARs are evidence: a typo in `-o` must not destroy another one.
 */
import { lstat } from 'node:fs/promises';
import { NotariumError } from '../../../shared/errors.ts';

/**
 * Checks that `file` may be written: nothing there, or a file when `replace`.
 * @throws NotariumError('INVALID_INPUT') (details.path = file) for a folder at `file`, even
 *   with `replace`, or for an existing file without `replace`.
 */
export async function assertOutputFileFree(file: string, replace: boolean): Promise<void> {
  const st = await lstat(file).catch(() => null);
  if (st === null) return;
  if (st.isDirectory()) {
    throw new NotariumError('INVALID_INPUT', `${file} is a folder; name the file to write (in it or elsewhere).`, { details: { path: file } });
  }
  if (!replace) throw outputFileExists(file);
}

/** The error for an existing output file (also when one appears between the check and the write). */
export function outputFileExists(file: string, cause?: unknown): NotariumError {
  return new NotariumError('INVALID_INPUT', `${file} already exists; choose another file name, or pass --force to replace it.`, { ...(cause === undefined ? {} : { cause }), details: { path: file } });
}
