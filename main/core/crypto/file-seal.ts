/**
 * The worker side of AgeCipherPool.sealFile: one file read, hashed, sealed and cut into
 * UnixFS leaves inside the cipher worker, so the main thread only stores finished leaves.
 *
 * For every plaintext byte the pipeline must read it, hash it (the notarized SHA-256),
 * seal it (age STREAM, ChaCha20-Poly1305) and hash the ciphertext again (the raw leaf's
 * CID). Done on the main thread with the payload shipped to the worker and back, that
 * cost a large file about four passes and five buffer allocations per MiB there; here it
 * is one transfer of each finished leaf. Reads are synchronous: this thread has nothing
 * else to do meanwhile, and other jobs get their turn between leaves.
 *
 * Payload layout (https://github.com/C2SP/C2SP/blob/main/age.md#payload): nonce (16
 * bytes) ‖ chunk_0 ‖ … ‖ chunk_n, 64 KiB of plaintext + 16-byte tag per chunk, only the
 * last chunk short (or empty, for an empty file) and flagged last. Leaves are that byte
 * stream cut every `leafSize` bytes (the UnixFS fixed-size chunker's cut).
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import type { AeadWorkspace } from './aead.ts';
import type { FileSealJob, FileSealReply } from './cipher-protocol.ts';
import { CHUNK_SIZE, payloadSize, SEALED_CHUNK_SIZE, TAG_SIZE, writeStreamNonce } from './stream-format.ts';

/** Plaintext chunks sealed per step (1 MiB). */
const BATCH_CHUNKS = 16;
const BATCH_BYTES = BATCH_CHUNKS * CHUNK_SIZE;

/** Flow control of one running job, driven by the main thread's 'ack' and 'cancel' messages. */
export class FileSealCredit {
  #outstanding = 0;
  #cancelled = false;
  #wake: (() => void) | undefined;
  readonly #window: number;

  constructor(window: number) {
    this.#window = window;
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** A leaf was sent. */
  sent(): void {
    this.#outstanding++;
  }

  ack(count: number): void {
    this.#outstanding -= count;
    this.#wakeUp();
  }

  cancel(): void {
    this.#cancelled = true;
    this.#wakeUp();
  }

  /** Resolves when fewer than `window` leaves are unacknowledged, or the job is cancelled. */
  async room(): Promise<void> {
    while (this.#outstanding >= this.#window && !this.#cancelled) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/**
 * Leaf buffers given back by the main thread once stored ('recycle'), kept for the next
 * full-size leaves. Reusing them saves allocating, zeroing and page-faulting 1 MiB per
 * leaf here, and the main thread the garbage: each leaf it receives is 1 MiB of external
 * memory, and V8 runs a major GC of that thread's whole heap every 64 MiB or so of it.
 */
export class LeafSpares {
  readonly #spares: ArrayBuffer[] = [];
  readonly #max: number;

  /** Keeps at most `max` buffers (the rest are left to the GC). */
  constructor(max: number) {
    this.#max = max;
  }

  /** Keeps `buffer` for reuse, if there is room. */
  give(buffer: ArrayBuffer): void {
    if (this.#spares.length < this.#max && buffer.byteLength > 0) this.#spares.push(buffer);
  }

  /** A buffer of exactly `bytes` bytes: a spare one (old ciphertext in it) or a new one. */
  take(bytes: number): Uint8Array<ArrayBuffer> {
    const i = this.#spares.findIndex((b) => b.byteLength === bytes);
    return i < 0 ? new Uint8Array(bytes) : new Uint8Array(this.#spares.splice(i, 1)[0] as ArrayBuffer);
  }
}

class Cancelled extends Error {}

const NO_LEAF = new Uint8Array(0);

/** Reads into `buf` until it is full or the file ends; returns the bytes read. */
function readFull(fd: number, buf: Uint8Array): number {
  let filled = 0;
  while (filled < buf.length) {
    const n = readSync(fd, buf, filled, buf.length - filled, null);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}

/**
 * Runs `job` to its end, posting 'leaf' messages and then 'file-end', or one
 * 'file-error' (read failure, cancel, or a bug). Never throws. `aead` is shared with the
 * worker's batch jobs: every step sets the key again and wipes the workspace after.
 */
export async function runFileSeal(aead: AeadWorkspace, job: FileSealJob, credit: FileSealCredit, port: MessagePort, spares: LeafSpares = new LeafSpares(0)): Promise<void> {
  const post = (reply: FileSealReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);
  let fd: number | undefined;
  let plain = new Uint8Array(0);
  let ahead = new Uint8Array(0);
  let sealed = new Uint8Array(0);
  let leaf = NO_LEAF;
  const nonce = new Uint8Array(12);
  try {
    if (!Number.isSafeInteger(job.leafSize) || job.leafSize < job.nonce.length) throw new Error('leafSize is too small');
    fd = openSync(job.path, 'r');
    // Buffers fit the file as it is now: a 16 KiB file needs no 1 MiB batch and leaf. A
    // file that grows meanwhile still seals correctly (a full buffer means "read ahead";
    // a leaf cut short is re-cut by the importer's chunker, its digest then unused), and
    // the caller flags the size change.
    const expectedSize = fstatSync(fd).size;
    const expectedPayload = payloadSize(expectedSize);
    const batchBytes = Math.min(BATCH_BYTES, Math.ceil((expectedSize + 1) / CHUNK_SIZE) * CHUNK_SIZE);
    plain = new Uint8Array(batchBytes);
    ahead = new Uint8Array(batchBytes);
    sealed = new Uint8Array(batchBytes + (batchBytes / CHUNK_SIZE) * TAG_SIZE);
    let emitted = 0;
    const leafCapacity = (): number => {
      const rest = expectedPayload - emitted;
      return rest > 0 ? Math.min(job.leafSize, rest) : job.leafSize;
    };
    const hash = createHash('sha256');
    leaf = spares.take(leafCapacity());
    leaf.set(job.nonce);
    let leafFill = job.nonce.length;
    let plaintextSinceLeaf = 0;
    let size = 0;
    let counter = 0;

    const emit = async (length: number): Promise<void> => {
      await credit.room();
      if (credit.cancelled) throw new Cancelled();
      const bytes = leaf.subarray(0, length);
      const digest = job.hashLeaves ? new Uint8Array(createHash('sha256').update(bytes).digest()) : null;
      credit.sent();
      post({ type: 'leaf', id: job.id, data: leaf.buffer, length, digest, plaintextBytes: plaintextSinceLeaf }, [leaf.buffer]);
      plaintextSinceLeaf = 0;
      emitted += length;
      // The next leaf is taken when bytes come for it: none after the last.
      leaf = NO_LEAF;
      leafFill = 0;
      // Let acks, cancels and other jobs' batches in between leaves.
      await new Promise<void>((resolve) => setImmediate(resolve));
    };

    let length = readFull(fd, plain);
    for (;;) {
      // A full batch is the last only if nothing follows it: read ahead to know.
      let nextLength = 0;
      if (length === batchBytes) nextLength = readFull(fd, ahead);
      const final = length < batchBytes || nextLength === 0;
      const input = plain.subarray(0, length);
      hash.update(input);
      size += length;
      plaintextSinceLeaf += length;

      const chunks = length === 0 ? 1 : Math.ceil(length / CHUNK_SIZE);
      const outLength = length + chunks * TAG_SIZE;
      aead.reserve(sealed.length);
      try {
        aead.setKey(job.key);
        aead.setInput(input);
        for (let i = 0; i < chunks; i++) {
          writeStreamNonce(nonce, counter + i, final && i === chunks - 1);
          aead.setNonce(nonce);
          aead.seal(i * CHUNK_SIZE, Math.min(CHUNK_SIZE, length - i * CHUNK_SIZE), i * SEALED_CHUNK_SIZE);
        }
        aead.readOutput(sealed.subarray(0, outLength));
      } finally {
        aead.wipe(length, outLength);
      }
      counter += chunks;

      let off = 0;
      while (off < outLength) {
        if (leaf.length === 0) leaf = spares.take(leafCapacity());
        const n = Math.min(leaf.length - leafFill, outLength - off);
        leaf.set(sealed.subarray(off, off + n), leafFill);
        leafFill += n;
        off += n;
        if (leafFill === leaf.length && !(final && off === outLength)) await emit(leaf.length);
      }
      if (final) break;
      [plain, ahead] = [ahead, plain];
      length = nextLength;
    }
    // The last leaf: short, or exactly full when the payload ends on a leaf boundary.
    await emit(leafFill);
    post({ type: 'file-end', id: job.id, sha256: new Uint8Array(hash.digest()), size });
  } catch (error) {
    if (error instanceof Cancelled) {
      post({ type: 'file-error', id: job.id, message: 'cancelled', cancelled: true });
    } else {
      const e = error as NodeJS.ErrnoException;
      post({
        type: 'file-error',
        id: job.id,
        message: e instanceof Error ? e.message : String(e),
        ...(typeof e.code === 'string' ? { code: e.code } : {}),
        ...(typeof e.syscall === 'string' ? { syscall: e.syscall } : {}),
      });
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
    // A leaf not sent (an error or cancel on the way) holds only ciphertext: keep it.
    if (leaf.byteLength > 0) spares.give(leaf.buffer);
    plain.fill(0);
    ahead.fill(0);
    sealed.fill(0);
  }
}
