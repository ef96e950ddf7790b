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
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { chmod, copyFile, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { mapLimit } from '../notary/map-limit.ts';

/**
 * 'fsync': every file is flushed before its rename and folders are flushed before an
 * operation reports success (survives power loss).
 * 'batched' (group commit): files are renamed into place without a flush and recorded;
 * the next `flush()` of their DirtyFolders fdatasyncs all of them at once, many in
 * flight, then their folders. Same guarantee as 'fsync' for whatever a flush covered,
 * at a fraction of the cost: the kernel writes back in large batches while the job runs
 * and concurrent fdatasyncs share journal commits. Records that must not become
 * visible before what they depend on (Helia's pin records) are held and renamed by the
 * flush, after everything written before them is durable.
 * 'none': rely on the OS page cache (survives an app crash, not a power cut); for
 * scratch stores and benchmarks.
 */
export type Durability = 'fsync' | 'batched' | 'none';

/** fdatasyncs a flush runs at once: enough for ext4/jbd2 to merge them into few commits. */
const SYNCS_IN_FLIGHT = 32;

/** Files + folders from which one syncfs beats syncing each (a `sync` process costs a few ms). */
const SYNCFS_THRESHOLD = 32;
/**
 * Bytes written without a flush after which DirtyFolders starts the disk's writeback in
 * the background (one syncfs, not awaited): a commit after a multi-GiB file then finds
 * little dirty data left, instead of waiting for all of it at the end (the kernel starts
 * on its own only at 10 % of memory dirty).
 */
const WRITEBACK_HINT_BYTES = 256 * 1024 * 1024;

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

/**
 * Copies `source` to `target` atomically (temp + rename in the target's folder), flushed
 * with fdatasync before the rename. Replaces an existing file.
 *
 * @throws the underlying fs error; the temporary file is removed on failure.
 */
export async function copyFileAtomic(source: string, target: string): Promise<void> {
  const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await copyFile(source, temp, fsConstants.COPYFILE_EXCL);
    await chmod(temp, FILE_MODE);
    await datasyncFile(temp);
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Writes `bytes` to a new temporary file next to `file` (not flushed) and returns its
 * path, for a rename held until a flush (DirtyFolders.hold).
 *
 * @throws the underlying fs error; the temporary file is removed on failure.
 */
export async function writeTemp(file: string, bytes: Uint8Array, signal?: AbortSignal): Promise<string> {
  signal?.throwIfAborted();
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', FILE_MODE);
    try {
      await handle.writeFile(bytes);
    } finally {
      await handle.close();
    }
    return temp;
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

const run = promisify(execFile);
let syncfsAvailable = process.platform === 'linux';

/**
 * Linux: flushes the whole file system holding `folder` with one syncfs(2), through
 * coreutils `sync --file-system` (Node has no syncfs binding). One call replaces an
 * fdatasync per file and an fsync per folder: ~20 ms for hundreds of small files where
 * the per-file way takes hundreds. Returns false (caller syncs file by file) elsewhere
 * or when `sync` is missing; also covers other processes' dirty data on that file
 * system, which only costs time.
 */
async function syncFileSystem(folder: string): Promise<boolean> {
  if (!syncfsAvailable) return false;
  try {
    await run('sync', ['--file-system', folder]);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      syncfsAvailable = false;
      return false;
    }
    throw error;
  }
}

/** fdatasyncs one file by name (it may have been renamed since it was written: same inode). */
async function datasyncFile(file: string): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    // Deleted since (e.g. garbage collected): nothing left to make durable.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/**
 * True if `file` exists (stat succeeds), false if it does not (ENOENT).
 * @throws any other fs error (EACCES...): an unreadable path is not reported as absent.
 */
export async function fileExists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
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
 * What is not durable yet: folders whose entries changed, and with durability 'batched'
 * files written without a flush and renames held back. `flush()` makes them durable;
 * concurrent flushes are chained so a flush never returns while something it depends on
 * is still being synced by an earlier one. No-op with durability 'none'.
 */
export class DirtyFolders {
  readonly #durability: Durability;
  readonly #dirty = new Set<string>();
  readonly #files = new Set<string>();
  #held: Array<{ temp: string; file: string }> = [];
  #chain: Promise<void> = Promise.resolve();
  #unflushedBytes = 0;
  #writeback: Promise<unknown> | undefined;

  constructor(durability: Durability) {
    this.#durability = durability;
  }

  /** Records that `folder` gained or lost an entry. */
  mark(folder: string): void {
    if (this.#durability !== 'none') this.#dirty.add(folder);
  }

  /**
   * With durability 'batched': records that `file` (`bytes` long) was written without a
   * flush. Past WRITEBACK_HINT_BYTES of such writes, starts the file system's writeback in
   * the background (an optimisation only: durability still comes from `flush`).
   */
  markFile(file: string, bytes = 0): void {
    if (this.#durability !== 'batched') return;
    this.#files.add(file);
    this.#unflushedBytes += bytes;
    if (this.#unflushedBytes >= WRITEBACK_HINT_BYTES && this.#writeback === undefined) {
      this.#unflushedBytes = 0;
      this.#writeback = syncFileSystem(path.dirname(file))
        .catch(() => false)
        .finally(() => (this.#writeback = undefined));
    }
  }

  /**
   * With durability 'batched': `temp` (from writeTemp) becomes `file` at the next flush,
   * after every file and folder marked before this call is durable; until then readers
   * do not see it. Other durabilities rename at once (flushing first with 'fsync').
   */
  async hold(temp: string, file: string): Promise<void> {
    if (this.#durability === 'batched') {
      this.#files.add(temp);
      this.#held.push({ temp, file });
      return;
    }
    if (this.#durability === 'fsync') await datasyncFile(temp);
    await rename(temp, file);
    this.mark(path.dirname(file));
  }

  /** True while `temp` (given to hold) waits for its rename. */
  isHeld(temp: string): boolean {
    return this.#held.some((h) => h.temp === temp);
  }

  /** Drops every held rename to `file` (its value was deleted before a flush). */
  unhold(file: string): void {
    const dropped = this.#held.filter((h) => h.file === file);
    this.#held = this.#held.filter((h) => h.file !== file);
    for (const h of dropped) this.#files.delete(h.temp);
  }

  /**
   * Resolves once everything marked or held before the call is durable and held files
   * are in place. Flushes run one after another and each syncs what is marked when its
   * turn comes, so it may also cover (and fail on) things marked after the call:
   * conservative, never too optimistic.
   *
   * @throws the fs error of a failed fsync or rename; what failed stays marked for the next flush.
   */
  flush(): Promise<void> {
    const run = this.#chain.then(() => this.#syncMarked());
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #syncMarked(): Promise<void> {
    const files = [...this.#files];
    const folders = [...this.#dirty];
    const held = this.#held;
    this.#files.clear();
    this.#dirty.clear();
    this.#held = [];
    try {
      const anchor = folders[0] ?? (files[0] === undefined ? undefined : path.dirname(files[0]));
      // One syncfs covers every file and folder on that file system (all of a store is on one).
      // Few entries: syncing them one by one is cheaper than starting `sync`.
      const many = files.length + folders.length >= SYNCFS_THRESHOLD;
      if (anchor === undefined || this.#durability !== 'batched' || !many || !(await syncFileSystem(anchor))) {
        await mapLimit(files, SYNCS_IN_FLIGHT, datasyncFile);
        // A few folders at a time: up to 1024 shard folders could be dirty, and each holds an fd.
        await mapLimit(folders, 8, fsyncFolder);
      }
    } catch (error) {
      for (const file of files) this.#files.add(file);
      for (const folder of folders) this.#dirty.add(folder);
      this.#held = [...held, ...this.#held];
      throw error;
    }
    if (held.length === 0) return;
    const renamed = new Set<string>();
    const heldFolders = [...new Set(held.map(({ file }) => path.dirname(file)))];
    try {
      for (const { temp, file } of held) {
        try {
          await rename(temp, file);
        } catch (error) {
          // Deleted (unheld) while this flush ran: nothing to put in place.
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
        renamed.add(temp);
      }
      if (heldFolders.length < SYNCFS_THRESHOLD || !(await syncFileSystem(heldFolders[0] as string))) await mapLimit(heldFolders, 8, fsyncFolder);
    } catch (error) {
      this.#held = [...held.filter(({ temp }) => !renamed.has(temp)), ...this.#held];
      for (const folder of heldFolders) this.#dirty.add(folder);
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
