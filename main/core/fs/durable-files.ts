/**
 * Crash-safe small-file writes for the on-disk block and data stores.
 *
 * A file appears under its final name only complete: it is written to a unique
 * temporary name in the same folder, flushed with fdatasync, then renamed. Without the
 * flush, ext4 (delayed allocation) and other file systems can leave a zero-length or
 * partial file under the final name after a power cut, and a store that trusts `has()`
 * would never rewrite it. The rename itself becomes durable only when its folder is
 * fsynced; callers batch that (DirtyFolders) so one folder fsync covers many files.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * 'fsync': every file is flushed before its rename and folders are flushed before an
 * operation reports success (survives power loss; the default).
 * 'none': rely on the OS page cache (survives an app crash, not a power cut); for
 * scratch stores and benchmarks.
 */
export type Durability = 'fsync' | 'none';

/** Files are private to the user: they hold encrypted payloads and pin records. */
export const FILE_MODE = 0o600;

/** Folders likewise (as the data folder itself, see main/core/paths.ts). */
export const FOLDER_MODE = 0o700;

/**
 * Writes `bytes` to `file` atomically (temp + rename in the same folder) and, with
 * `durability` 'fsync', flushes the data before the rename. Replaces an existing file.
 * The temporary name ends in `.tmp`, which the blockstore and datastore never list.
 *
 * @throws the underlying fs error (ENOENT if the folder is missing, ENOSPC, EACCES...);
 *   the temporary file is removed on failure.
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array, durability: Durability, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', FILE_MODE);
    try {
      await handle.writeFile(bytes);
      // fdatasync is enough: the size is data-relevant metadata and is flushed with it.
      if (durability === 'fsync') await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** fsyncs a folder so the renames and creations inside it survive a power cut. */
export async function fsyncFolder(folder: string): Promise<void> {
  // Windows cannot open a folder for fsync; NTFS journals the metadata of renames.
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The folders whose entries changed since they were last fsynced. `flush()` makes them
 * durable; concurrent flushes are chained so a flush never returns while a folder it
 * depends on is still being synced by an earlier one. No-op with durability 'none'.
 */
export class DirtyFolders {
  readonly #durability: Durability;
  readonly #dirty = new Set<string>();
  #chain: Promise<void> = Promise.resolve();

  constructor(durability: Durability) {
    this.#durability = durability;
  }

  /** Records that `folder` gained or lost an entry. */
  mark(folder: string): void {
    if (this.#durability === 'fsync') this.#dirty.add(folder);
  }

  /**
   * Resolves once every folder marked before the call is durable. Flushes run one after
   * another and each syncs what is marked when its turn comes, so it may also cover
   * (and fail on) folders marked after the call: conservative, never too optimistic.
   *
   * @throws the fs error of a failed fsync; the folders stay marked for the next flush.
   */
  flush(): Promise<void> {
    const run = this.#chain.then(() => this.#syncMarked());
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #syncMarked(): Promise<void> {
    const folders = [...this.#dirty];
    this.#dirty.clear();
    try {
      // A few at a time: up to 1024 shard folders could be dirty, and each holds an fd.
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < folders.length) await fsyncFolder(folders[next++] as string);
      };
      await Promise.all(Array.from({ length: Math.min(8, folders.length) }, worker));
    } catch (error) {
      for (const folder of folders) this.#dirty.add(folder);
      throw error;
    }
  }
}

/**
 * Creates `folder` (and missing parents, mode 0700) and marks the parent of each folder
 * it created in `dirty`, so the new entries become durable on the next flush.
 *
 * @throws the underlying fs error (EACCES, ENOTDIR...).
 */
export async function makeFolder(folder: string, dirty: DirtyFolders): Promise<void> {
  const target = path.resolve(folder);
  const first = await mkdir(target, { recursive: true, mode: FOLDER_MODE });
  if (first === undefined) return;
  const top = path.resolve(first);
  for (let created = target; ; created = path.dirname(created)) {
    dirty.mark(path.dirname(created));
    if (created === top || created === path.dirname(created)) return;
  }
}
