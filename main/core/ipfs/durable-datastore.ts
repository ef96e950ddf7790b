/**
 * The on-disk datastore of the embedded node (Helia keeps its pin records here):
 * datastore-fs's layout with crash-safe writes (durable-files.ts) and commit keys.
 *
 * Helia pins a DAG by first writing one `/pinned-block/...` record per block, then the
 * `/pin/<cid>` record. Written as datastore-fs does (rename, no fsync), a power cut can
 * leave the pin record durable while block records are lost or empty, and an empty
 * record later breaks pinning that block again. Here every record is flushed before its
 * rename, and a put under a commit prefix first makes all earlier puts durable, then
 * itself: a durable pin record implies durable block records. With durability 'batched'
 * (group commit) nothing is flushed per put: a commit-prefix record is held back and put
 * in place by the next `flush()`, after everything written before it is durable — so
 * the same implication holds. Until then this datastore reads it from its temporary file
 * (read-your-writes), while other processes, and this one after a crash, do not see it:
 * with Helia's '/pinned-block/' records held too, a pin cut short by a crash leaves no
 * record that would keep its blocks from garbage collection forever.
 */
import { readFile, unlink } from 'node:fs/promises';
import { FsDatastore } from 'datastore-fs';
import { NotariumError } from '../../../shared/errors.ts';
import { DirtyFolders, makeFolder, writeFileAtomic, writeTemp, type Durability } from '../fs/durable-files.ts';

type Key = Parameters<FsDatastore['put']>[0];

interface AbortOptions {
  signal?: AbortSignal;
}

/** Options of DurableFsDatastore. */
export interface DurableFsDatastoreOptions {
  /** See Durability; default 'fsync'. */
  durability?: Durability;
  /** Key prefixes (e.g. '/pin/') whose puts are ordering barriers, as described above. */
  commitPrefixes?: readonly string[];
}

/** A datastore-fs compatible store whose puts are atomic and, by default, durable. */
export class DurableFsDatastore extends FsDatastore {
  readonly #durability: Durability;
  readonly #commitPrefixes: readonly string[];
  readonly #dirty: DirtyFolders;
  readonly #knownFolders = new Set<string>();
  /** Held records not renamed yet: final file -> temporary file holding the latest value. */
  readonly #held = new Map<string, string>();

  constructor(location: string, options: DurableFsDatastoreOptions = {}) {
    super(location);
    this.#durability = options.durability ?? 'fsync';
    this.#commitPrefixes = options.commitPrefixes ?? [];
    this.#dirty = new DirtyFolders(this.#durability);
  }

  override async open(): Promise<void> {
    await makeFolder(this.path, this.#dirty);
    await super.open();
  }

  /**
   * Stores `value` under `key`, atomically, replacing any previous value.
   *
   * @throws NotariumError('IPFS_FAILED') on a file-system error (cause attached);
   *   the signal's reason when aborted.
   */
  override async put(key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    const { dir, file } = this._encode(key);
    const name = key.toString();
    const commit = this.#commitPrefixes.some((prefix) => name.startsWith(prefix));
    const batched = this.#durability === 'batched';
    try {
      if (commit && !batched) await this.#dirty.flush();
      if (!this.#knownFolders.has(dir)) {
        await makeFolder(dir, this.#dirty);
        this.#knownFolders.add(dir);
      }
      if (commit && batched) {
        const temp = await writeTemp(file, value, options?.signal);
        await this.#dirty.hold(temp, file);
        this.#held.set(file, temp);
        return key;
      }
      await writeFileAtomic(file, value, batched ? 'none' : this.#durability, options?.signal);
      this.#dirty.markFile(file);
      this.#dirty.mark(dir);
      if (commit) await this.#dirty.flush();
    } catch (error) {
      if (options?.signal?.aborted === true) throw options.signal.reason;
      throw new NotariumError('IPFS_FAILED', `cannot write datastore key ${name}`, { cause: error });
    }
    return key;
  }

  /** Reads a held record's latest value (see the module comment), else as datastore-fs. */
  override async get(key: Key, options?: AbortOptions): Promise<Uint8Array> {
    const temp = this.#held.get(this._encode(key).file);
    if (temp !== undefined) {
      try {
        return await readFile(temp);
      } catch (error) {
        // A flush running now has just put it in place: read it there.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return super.get(key, options);
  }

  override async has(key: Key, options?: AbortOptions): Promise<boolean> {
    if (this.#held.has(this._encode(key).file)) return true;
    return super.has(key, options);
  }

  /** Deletes `key`, including a held value that was not put in place yet. */
  override async delete(key: Key, options?: AbortOptions): Promise<void> {
    const { file } = this._encode(key);
    const temp = this.#held.get(file);
    if (temp !== undefined) {
      this.#held.delete(file);
      this.#dirty.unhold(file);
      await unlink(temp).catch(() => undefined);
    }
    await super.delete(key, options);
  }

  /**
   * Makes every put made before the call survive a power cut (and puts held records in place).
   *
   * @throws NotariumError('IPFS_FAILED') if an fsync fails.
   */
  async flush(): Promise<void> {
    try {
      await this.#dirty.flush();
    } catch (error) {
      throw new NotariumError('IPFS_FAILED', 'cannot flush the datastore to disk', { cause: error });
    } finally {
      for (const [file, temp] of this.#held) if (!this.#dirty.isHeld(temp)) this.#held.delete(file);
    }
  }
}
