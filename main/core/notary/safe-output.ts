/**
 * Writing retrieved files under an output folder without ever escaping it, even when a
 * manifest is malicious: every path is validated (no absolute path, '..', drive letter or
 * backslash), parent folders are created one level at a time and must be real folders
 * (a symbolic link planted in the output folder is refused), and files are created with
 * O_EXCL under a temporary name, then renamed into place only after their hash matched.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, realpath, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { NotariumError } from '../../../shared/errors.ts';
import { assertSafeRelativePath } from '../../../shared/safe-path.ts';

function outputIsAFile(out: string, cause?: unknown): NotariumError {
  return new NotariumError('INVALID_INPUT', `Output ${out} is a file, not a folder; choose a new or empty folder.`, cause === undefined ? {} : { cause });
}

function outputNotEmpty(out: string): NotariumError {
  return new NotariumError('INVALID_INPUT', `Output folder ${out} is not empty; choose a new or empty folder.`);
}

/**
 * Checks, writing nothing, that prepareOutputDir(`out`) would accept it: `out` is missing
 * (its first existing ancestor a folder) or an empty folder. For a check before a long
 * step (the passphrase, the unlock); prepareOutputDir checks again.
 * @throws NotariumError('INVALID_INPUT') for a file, or a folder with files in it.
 */
export async function assertOutputDirUsable(out: string): Promise<void> {
  const st = await stat(out).catch((e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') throw outputIsAFile(out, e);
    throw e;
  });
  if (st === null) return;
  if (!st.isDirectory()) throw outputIsAFile(out);
  if ((await readdir(out)).length > 0) throw outputNotEmpty(out);
}

/**
 * Prepares `out` (created if missing, must be empty if present) and returns its real path.
 * @throws NotariumError('INVALID_INPUT') if `out` is not an empty folder.
 */
export async function prepareOutputDir(out: string): Promise<string> {
  await mkdir(out, { recursive: true, mode: 0o700 }).catch((e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    // An existing file (EEXIST) or a file on the way (ENOTDIR): a user error, not an internal one.
    if (code === 'EEXIST' || code === 'ENOTDIR') throw outputIsAFile(out, e);
    throw e;
  });
  const real = await realpath(out);
  const st = await lstat(real);
  if (!st.isDirectory()) throw new NotariumError('INVALID_INPUT', `Output ${out} is not a folder.`);
  if ((await readdir(real)).length > 0) throw outputNotEmpty(out);
  return real;
}

/** A file being written: write chunks, then `commit()` (rename into place) or `abort()` (delete). */
export interface PendingOutput {
  handle: FileHandle;
  finalPath: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * Creates `rel` (a dataset-relative POSIX path) under `root` (from prepareOutputDir) for writing.
 * @throws NotariumError('UNSAFE_PATH') when the path is unsafe, escapes `root`, crosses a
 *   symbolic link or a non-folder, or already exists.
 */
export async function createOutputFile(root: string, rel: string): Promise<PendingOutput> {
  assertSafeRelativePath(rel);
  const segments = rel.split('/');
  const finalPath = path.join(root, ...segments);
  const back = path.relative(root, finalPath);
  if (back.startsWith('..') || path.isAbsolute(back)) {
    throw new NotariumError('UNSAFE_PATH', `Refusing ${JSON.stringify(rel)}: it escapes the output folder.`);
  }
  let dir = root;
  for (const seg of segments.slice(0, -1)) {
    dir = path.join(dir, seg);
    await mkdir(dir, { mode: 0o700 }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    const st = await lstat(dir);
    if (st.isSymbolicLink() || !st.isDirectory()) {
      throw new NotariumError('UNSAFE_PATH', `Refusing ${JSON.stringify(rel)}: ${path.relative(root, dir)} is not a real folder.`);
    }
  }
  const exists = await lstat(finalPath).then(() => true, () => false);
  if (exists) throw new NotariumError('UNSAFE_PATH', `Refusing ${JSON.stringify(rel)}: a file with that path was already written (duplicate path).`);
  const tmp = path.join(dir, `.${segments.at(-1) ?? 'file'}.${randomBytes(6).toString('hex')}.partial`);
  const handle = await open(tmp, 'wx', 0o600);
  return {
    handle,
    finalPath,
    async commit() {
      await handle.close();
      if (await lstat(finalPath).then(() => true, () => false)) {
        await rm(tmp, { force: true });
        throw new NotariumError('UNSAFE_PATH', `Refusing ${JSON.stringify(rel)}: the target appeared while writing.`);
      }
      await rename(tmp, finalPath);
    },
    async abort() {
      await handle.close().catch(() => undefined);
      await rm(tmp, { force: true });
    },
  };
}
