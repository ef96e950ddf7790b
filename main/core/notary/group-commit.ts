/**
 * Group commit of finished files: one storage commit (one sync of the IPFS store, see
 * durable-files.ts) and one journal append for many files, instead of syncs per block.
 *
 * A file is `add`ed once its blocks and pins are written (not yet durable). A commit
 * runs when enough files or bytes are waiting, or some time after the first one, and
 * always at `finish()`: first `storage.commit()`, then `record(files)` (the job journal),
 * so whatever the journal lists is durable in the store. Commits run one at a time; the
 * first failure (e.g. DISK_FULL) is kept and rethrown by the next `add` and by `finish`.
 *
 * A producer faster than the commits waits on `ready()`. Without it, commits starved of
 * the thread pool by the files' own I/O fell behind: at 88,000 of 100,000 small files,
 * 75,000 finished files waited for a commit, holding ~50 MB of records, and a kill then
 * would have lost all of them to the resumed job.
 */
import type { StoragePort } from './ports.ts';

/** When a commit starts (whichever comes first). */
export interface GroupCommitLimits {
  /** Files waiting; default 512. */
  files?: number;
  /** Bytes of content waiting, bytes; default 256 MiB. */
  bytes?: number;
  /** After the first waiting file, ms; default 250 (what a kill can cost at most, besides files in progress). */
  delayMs?: number;
}

/** Collects finished items and commits them in groups; see the module comment. */
export class GroupCommitter<T> {
  readonly #storage: Pick<StoragePort, 'commit'>;
  readonly #record: (items: T[]) => Promise<void>;
  readonly #maxFiles: number;
  readonly #maxBytes: number;
  readonly #delayMs: number;
  #waiting: T[] = [];
  #waitingBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Commits started and not finished, oldest first (they run in this order, each after the one before). */
  readonly #queued: Promise<void>[] = [];
  #failure: { error: unknown } | undefined;

  /**
   * @param storage whose `commit()` makes the items' blocks and pins durable.
   * @param record called after each storage commit with the items it covered, in order
   *   of `add` (e.g. a journal append); may be a no-op.
   */
  constructor(storage: Pick<StoragePort, 'commit'>, record: (items: T[]) => Promise<void>, limits: GroupCommitLimits = {}) {
    this.#storage = storage;
    this.#record = record;
    this.#maxFiles = limits.files ?? 512;
    this.#maxBytes = limits.bytes ?? 256 * 1024 * 1024;
    this.#delayMs = limits.delayMs ?? 250;
  }

  /**
   * Queues `item` (`bytes` of content) for the next commit; starts one if a limit is reached.
   * @throws the error of an earlier failed commit.
   */
  add(item: T, bytes: number): void {
    if (this.#failure !== undefined) throw this.#failure.error;
    this.#waiting.push(item);
    this.#waitingBytes += bytes;
    if (this.#waiting.length >= this.#maxFiles || this.#waitingBytes >= this.#maxBytes) this.#commit();
    else this.#timer ??= setTimeout(() => this.#commit(), this.#delayMs);
  }

  /**
   * Resolves once at most `maxQueued` commits are started and unfinished (the one running
   * and those waiting behind it): await it after `add` to keep pace with the commits.
   * Never rejects; a failure is rethrown by the next `add` or `finish`.
   * @param maxQueued commits, default 2 (one running, the next one filling).
   */
  async ready(maxQueued = 2): Promise<void> {
    while (this.#queued.length > maxQueued && this.#failure === undefined) await this.#queued[0];
  }

  /**
   * Commits what is waiting and resolves when every commit is done.
   * @throws the first commit failure (storage or record).
   */
  async finish(): Promise<void> {
    this.#commit();
    await this.#queued.at(-1);
    if (this.#failure !== undefined) throw this.#failure.error;
  }

  #commit(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const items = this.#waiting;
    this.#waiting = [];
    this.#waitingBytes = 0;
    const done = (this.#queued.at(-1) ?? Promise.resolve()).then(async () => {
      try {
        if (this.#failure !== undefined) return;
        await this.#storage.commit();
        if (items.length > 0) await this.#record(items);
      } catch (error) {
        this.#failure ??= { error };
      } finally {
        this.#queued.shift();
      }
    });
    this.#queued.push(done);
  }
}
