/**
 * All-or-nothing creation of a small group of new files in one folder.
 *
 * Each file is first written in full to a temporary name and fsynced, then published
 * under its final name with `link()`, which fails instead of overwriting (so two
 * concurrent creators cannot clobber each other), and the folder is fsynced. Files
 * publish in the order given: callers put a "commit marker" last, so a reader that
 * sees the marker sees every other file complete. On any error the files this call
 * already published are removed again; a hard kill between two links can leave
 * earlier files without the marker, which callers must tolerate (see AccountStore).
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

/** One file to create. */
export interface NewFile {
  /** File name inside the folder (no separators). */
  name: string;
  data: string | Uint8Array;
}

/** Thrown (as a plain Error with this code) when a final name already exists. */
export const FILE_EXISTS = 'EEXIST';

/**
 * Creates `files` in `dir` with permission bits `mode`, all or none.
 *
 * @throws an Error with `code === 'EEXIST'` if any final name already exists (nothing
 *   is left behind); any other fs error likewise after rolling back.
 */
export async function createFilesAtomically(dir: string, files: readonly NewFile[], mode: number): Promise<void> {
  const suffix = `.tmp-${randomBytes(6).toString('hex')}`;
  const temps: string[] = [];
  const published: string[] = [];
  try {
    for (const file of files) {
      const temp = path.join(dir, `.${file.name}${suffix}`);
      temps.push(temp);
      await writeDurably(temp, file.data, mode);
    }
    for (const [i, file] of files.entries()) {
      const target = path.join(dir, file.name);
      await publish(temps[i] as string, target);
      published.push(target);
    }
    await fsyncDir(dir);
  } catch (error) {
    for (const target of published.reverse()) await unlink(target).catch(() => undefined);
    await fsyncDir(dir).catch(() => undefined);
    throw error;
  } finally {
    for (const temp of temps) await unlink(temp).catch(() => undefined);
  }
}

async function writeDurably(file: string, data: string | Uint8Array, mode: number): Promise<void> {
  const handle = await open(file, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  // The process umask may have removed bits from `mode`; it must never add any, but
  // an explicit chmod makes the resulting mode exact on every platform.
  await chmod(file, mode);
}

/** Makes `temp` visible as `target` without ever replacing an existing `target`. */
async function publish(temp: string, target: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Some file systems (FAT, some network shares) have no hard links: fall back to
    // check-then-rename, which is atomic per file but racy against a concurrent creator.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw error;
    const exists = await stat(target).then(() => true, () => false);
    if (exists) throw Object.assign(new Error(`${target} already exists`), { code: FILE_EXISTS });
    await rename(temp, target);
  }
}

async function fsyncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; NTFS metadata journaling covers renames.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
