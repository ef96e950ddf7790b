/**
 * Write-behind for one import: block writes overlap with chunking and hashing.
 *
 * The UnixFS importer hashes a batch of `blockWriteConcurrency` chunks, then waits for
 * all of their `put`s before it reads the next batch, so the CPU (hashing) and the disk
 * (write + fdatasync) take turns. Handing it a `put` that returns once the write is
 * queued lets the next batch be hashed while the previous one is written; writes in
 * flight are capped at `maxInFlightBytes`, which bounds memory and gives backpressure.
 * `drain()` waits for every write and reports the first failure, so an import is only
 * reported done when its blocks are on disk.
 */
import type { CID } from 'multiformats/cid';

/**
 * What to do with a block's bytes once they are stored, keyed by the bytes object itself
 * (the importer passes a producer's exactly-sized chunk through as the same object): a
 * cipher worker's leaf goes back to it for reuse, so a large file's ciphertext does not
 * pile up as garbage (1 MiB of external memory per leaf) on this thread between V8's
 * major GCs. Called once, only after the sink's put resolved: Helia's blockstore keeps
 * no reference to the bytes after that (it announces the CID only).
 */
const afterStored = new WeakMap<Uint8Array, () => void>();

/**
 * Registers `release` to run once `bytes` were stored as a block by a WriteBehind (not
 * if the write fails, nor if the bytes never reach one). The producer must not change
 * the bytes meanwhile; `release` may detach them.
 */
export function releaseWhenStored(bytes: Uint8Array, release: () => void): void {
  afterStored.set(bytes, release);
}

/** Where the blocks really go (Helia's blockstore). */
export interface BlockSink {
  put(cid: CID, bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>): unknown;
}

/** A `put` target for the importer that queues writes to `sink`. Use once per import. */
export class WriteBehind {
  readonly #sink: BlockSink;
  readonly #maxInFlightBytes: number;
  readonly #pending = new Set<Promise<void>>();
  readonly #waiters: Array<() => void> = [];
  #inFlightBytes = 0;
  #failure: { error: unknown } | undefined;

  /**
   * @param maxInFlightBytes bytes queued or being written at most; a block larger than
   *   this is still accepted when nothing else is in flight.
   */
  constructor(sink: BlockSink, maxInFlightBytes: number) {
    this.#sink = sink;
    this.#maxInFlightBytes = maxInFlightBytes;
  }

  /**
   * Queues `bytes` as `cid`'s block and resolves once there was room for it, before it
   * is written. Rejects with the first earlier write failure, which stops the importer.
   */
  async put(cid: CID, bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<CID> {
    if (!(bytes instanceof Uint8Array)) {
      // Not produced by the importer (it always hands whole blocks); write in line.
      await this.#sink.put(cid, bytes);
      return cid;
    }
    while (this.#inFlightBytes > 0 && this.#inFlightBytes + bytes.byteLength > this.#maxInFlightBytes) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    if (this.#failure !== undefined) throw this.#failure.error;
    const size = bytes.byteLength;
    this.#inFlightBytes += size;
    const tracked: Promise<void> = Promise.resolve()
      .then(() => this.#sink.put(cid, bytes))
      .then(
        () => {
          const release = afterStored.get(bytes);
          afterStored.delete(bytes);
          try {
            release?.();
          } catch {
            // Handing the buffer back is an optimisation: the block is stored either way.
          }
        },
        (error: unknown) => {
          this.#failure ??= { error };
        },
      )
      .finally(() => {
        this.#pending.delete(tracked);
        this.#inFlightBytes -= size;
        this.#waiters.shift()?.();
      });
    this.#pending.add(tracked);
    return cid;
  }

  /** Resolves when every queued write is done; rejects with the first write failure. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    if (this.#failure !== undefined) throw this.#failure.error;
  }
}
