/**
 * A small pool of worker threads that seal and open age STREAM chunks with libsodium
 * (WASM) ChaCha20-Poly1305, so payload encryption never blocks the Electron main
 * process and never needs node:crypto's chacha20-poly1305 (absent from BoringSSL).
 * AgeCipherPool.inThread() is the same interface without workers, for callers that only
 * seal or open a few small objects (sharing), where starting a worker costs more than the work.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { NotariumError } from '../../../shared/errors.ts';
import { loadAead, type AeadWorkspace } from './aead.ts';
import type { CipherBackend, CipherJob, CipherReply, FileSealControl, FileSealJob, FileSealReply } from './cipher-protocol.ts';
import { NativeChaCha } from './native-chacha.ts';
import { runBatch } from './stream-batch.ts';

/** The result of one batch. `failedChunk` is the batch index of the first chunk not released because opening failed there. */
export interface BatchResult {
  data: Uint8Array;
  failedChunk: number | null;
}

/**
 * One batch of chunks to seal or open. `data` must start at offset 0 of its ArrayBuffer,
 * which is transferred (detached) and comes back holding the result when it has room
 * (sealing adds 16 bytes per chunk).
 */
export interface BatchJob {
  op: 'seal' | 'open';
  key: Uint8Array;
  firstChunk: number;
  final: boolean;
  data: Uint8Array;
}

/** One leaf of a file sealed by AgeCipherPool.sealFile. */
export interface SealedLeaf {
  /** Payload bytes of the leaf: `leafSize` of them, except in the last leaf. */
  bytes: Uint8Array;
  /** SHA-256 of `bytes` (32 bytes), computed in the worker or, with hashLeaves 'here', by sealFile's caller thread. */
  digest: Uint8Array;
  /** Plaintext bytes read since the previous leaf (for progress). */
  plaintextBytes: number;
  /**
   * Gives the leaf's buffer (ciphertext) back to the worker, to cut a later leaf into,
   * instead of leaving it to this thread's GC. Call it once nothing will read `bytes`
   * again: it detaches them (length 0 after). Absent for a file's first leaf (an importer
   * may hold that one until it knows whether more follow) and for leaves shorter than
   * `leafSize`. Does nothing once the pool is closed.
   */
  release?: () => void;
}

/** A file being sealed in a worker: its payload leaves in order, then its plaintext digest. */
export interface SealedFile {
  /** Iterate once, to the end: the worker waits for the consumer (bounded window). Stopping early cancels the job. */
  leaves: AsyncGenerator<SealedLeaf>;
  /** SHA-256 (32 bytes) and size (bytes) of the plaintext; settles after the last leaf was taken. */
  result: Promise<{ sha256: Uint8Array; size: number }>;
}

/** What AgeCipherPool.sealFile needs besides the path. */
export interface SealFileOptions {
  /** 32-byte payload key (derivePayloadKey). */
  key: Uint8Array;
  /** The payload's 16-byte nonce. */
  nonce: Uint8Array;
  /** Payload bytes per leaf (the UnixFS chunk size), at least 16. */
  leafSize: number;
  /** Leaves handed over and not yet taken by the consumer, at most; default 8. */
  window?: number;
  /**
   * Where leaves are hashed: 'worker' (default) or 'here', the calling thread, as each
   * leaf is taken (about 0.6 ms per MiB with SHA extensions), which balances the work
   * across two cores when the worker is the bottleneck.
   */
  hashLeaves?: 'worker' | 'here';
  signal?: AbortSignal;
}

interface FileJobState {
  onReply(reply: FileSealReply): void;
  fail(error: Error): void;
}

interface Pending {
  resolve: (r: BatchResult) => void;
  reject: (e: Error) => void;
  slot: Slot;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/** Options of AgeCipherPool.create. */
export interface AgeCipherPoolOptions {
  /**
   * Worker threads. Default: 1 when native libsodium loads (one core seals ~1.7 GB/s, more
   * than the rest of the pipeline consumes, and each worker costs ~30 MiB), else
   * min(2, availableParallelism()) for the WASM build.
   */
  size?: number;
  /** 64 KiB chunks per worker message; default 16 (1 MiB). */
  batchChunks?: number;
  /** Batches in flight per stream; default 2 per worker. Bounds memory per file. */
  window?: number;
  /** Worker module, for bundlers that emit it elsewhere; default ./cipher-worker.ts next to this file. */
  workerUrl?: URL;
  /**
   * 'auto' (default): native libsodium (sodium-native) when its binary loads, else WASM.
   * 'wasm' / 'native': force one (tests exercise both; 'native' fails if it cannot load).
   */
  backend?: CipherBackend | 'auto';
}

const DEFAULT_WORKER_URL = new URL('./cipher-worker.ts', import.meta.url);

/** Options of AgeCipherPool.inThread. */
export type InThreadCipherOptions = Pick<AgeCipherPoolOptions, 'batchChunks' | 'backend'>;

/**
 * Worker pool running libsodium ChaCha20-Poly1305 for age payloads. Create it once per
 * process with `await AgeCipherPool.create()`, share it between streams, `close()` it
 * at shutdown. Workers only keep the process alive while they have work.
 */
export class AgeCipherPool {
  /** Number of worker threads; 0 for an in-thread pool (AgeCipherPool.inThread). */
  readonly size: number;
  /** 64 KiB chunks per batch message. */
  readonly batchChunks: number;
  /** Batches a single stream keeps in flight. */
  readonly window: number;
  /** The libsodium build the workers run. */
  readonly backend: CipherBackend;
  readonly #slots: Slot[];
  readonly #pending = new Map<number, Pending>();
  readonly #files = new Map<number, FileJobState>();
  /** The in-thread workspace, or null for a worker pool. */
  readonly #inline: AeadWorkspace | null;
  #nextId = 0;
  #closed = false;

  private constructor(slots: Slot[], batchChunks: number, window: number, backend: CipherBackend, inline: AeadWorkspace | null = null) {
    this.#slots = slots;
    this.#inline = inline;
    this.backend = backend;
    this.size = slots.length;
    this.batchChunks = batchChunks;
    this.window = window;
    for (const slot of slots) {
      slot.worker.on('message', (m: CipherReply) => this.#onReply(m));
      slot.worker.on('error', (e) => this.#onWorkerFailure(slot, e));
      slot.worker.on('exit', (code) => this.#onWorkerFailure(slot, new Error(`cipher worker exited with code ${code}`)));
      slot.worker.unref();
    }
  }

  /**
   * Starts the workers and waits until libsodium is ready in each.
   * Throws NotariumError('INVALID_INPUT') for bad options, ('CRYPTO_FAILED') if a worker cannot start.
   */
  static async create(options: AgeCipherPoolOptions | number = {}): Promise<AgeCipherPool> {
    const opts = typeof options === 'number' ? { size: options } : options;
    const env = process.env['NOTARIUM_CIPHER_BACKEND'];
    const backend = opts.backend ?? (env === 'wasm' || env === 'native' ? env : 'auto');
    const size = opts.size ?? (backend !== 'wasm' && nativeLoads() ? 1 : Math.min(2, availableParallelism()));
    const batchChunks = opts.batchChunks ?? 16;
    const window = opts.window ?? 2 * size;
    for (const [name, v] of [['size', size], ['batchChunks', batchChunks], ['window', window]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > 64) throw new NotariumError('INVALID_INPUT', `AgeCipherPool ${name} must be an integer in 1..64`);
    }
    const url = opts.workerUrl ?? DEFAULT_WORKER_URL;
    const execArgv = workerExecArgv(process.execArgv);
    const workers = Array.from({ length: size }, () => new Worker(url, { execArgv, workerData: { backend }, resourceLimits: { maxYoungGenerationSizeMb: 4 } }));
    let backends: CipherBackend[];
    try {
      backends = await Promise.all(workers.map(waitReady));
    } catch (cause) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw new NotariumError('CRYPTO_FAILED', 'cannot start the age cipher workers', { cause });
    }
    return new AgeCipherPool(
      workers.map((worker) => ({ worker, busy: 0 })),
      batchChunks,
      window,
      backends.includes('wasm') ? 'wasm' : 'native',
    );
  }

  /**
   * The same interface run in the calling thread, no workers: each batch (1 MiB by
   * default) is sealed or opened synchronously, ~0.6 ms native or ~2.5 ms WASM, between
   * event-loop turns. For a few small objects only: payload streams belong on a worker pool.
   * Throws NotariumError('INVALID_INPUT') for bad options, ('CRYPTO_FAILED') if libsodium cannot load.
   */
  static async inThread(options: InThreadCipherOptions = {}): Promise<AgeCipherPool> {
    const env = process.env['NOTARIUM_CIPHER_BACKEND'];
    const backend = options.backend ?? (env === 'wasm' || env === 'native' ? env : 'auto');
    const batchChunks = options.batchChunks ?? 16;
    if (!Number.isInteger(batchChunks) || batchChunks < 1 || batchChunks > 64) throw new NotariumError('INVALID_INPUT', 'AgeCipherPool batchChunks must be an integer in 1..64');
    let loaded;
    try {
      loaded = await loadAead(backend);
    } catch (cause) {
      throw new NotariumError('CRYPTO_FAILED', 'cannot load libsodium', { cause });
    }
    return new AgeCipherPool([], batchChunks, 1, loaded.backend, loaded.aead);
  }

  /**
   * Seals or opens one batch on the least busy worker (in-thread pool: on a later
   * event-loop turn). `job.data`'s buffer is transferred to the worker; in-thread, the
   * result is written back into it when it has room.
   * Throws NotariumError('CRYPTO_FAILED') if the pool is closed or a worker fails.
   */
  run(job: BatchJob): Promise<BatchResult> {
    if (this.#closed) return Promise.reject(new NotariumError('CRYPTO_FAILED', 'the age cipher pool is closed'));
    if (job.data.byteOffset !== 0) return Promise.reject(new NotariumError('INTERNAL', 'batch data must start at offset 0 of its buffer'));
    if (this.#inline !== null) return this.#runInline(this.#inline, job);
    const slot = this.#slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.#nextId++;
    const message: CipherJob = {
      id,
      op: job.op,
      key: job.key,
      firstChunk: job.firstChunk,
      final: job.final,
      data: job.data.buffer as ArrayBuffer,
      length: job.data.byteLength,
    };
    return new Promise<BatchResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, slot });
      if (slot.busy++ === 0) slot.worker.ref();
      slot.worker.postMessage(message, [message.data]);
    });
  }

  /** Transfers a stored leaf's buffer back to the worker that sealed it (SealedLeaf.release). */
  #recycle(slot: Slot, data: ArrayBuffer): void {
    if (this.#closed || data.byteLength === 0) return;
    const message: FileSealControl = { type: 'recycle', data };
    slot.worker.postMessage(message, [data]);
  }

  /** True when sealFile can run (a worker pool, not AgeCipherPool.inThread). */
  get canSealFiles(): boolean {
    return this.#slots.length > 0;
  }

  /**
   * Seals the file at `path` in a worker (file-seal.ts): the worker reads it, hashes the
   * plaintext (SHA-256), seals it as an age payload under `options.key` with
   * `options.nonce` first, cuts the payload into leaves of `options.leafSize` bytes and
   * hashes each leaf. The main thread receives finished leaves only.
   * Errors (through `leaves` and `result`): the file's read error as Node reports it
   * (code ENOENT, EACCES, EISDIR…); the signal's reason on abort; NotariumError('CRYPTO_FAILED')
   * if the pool is closed, has no workers, or a worker fails.
   */
  sealFile(path: string, options: SealFileOptions): SealedFile {
    const id = this.#nextId++;
    const slot = this.#slots.length === 0 ? undefined : this.#slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const queue: SealedLeaf[] = [];
    let leafCount = 0;
    let failure: { error: Error } | undefined;
    let ended = false;
    let settled = false;
    let wake: (() => void) | undefined;
    const wakeUp = (): void => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    let resolveResult!: (r: { sha256: Uint8Array; size: number }) => void;
    let rejectResult!: (e: Error) => void;
    const result = new Promise<{ sha256: Uint8Array; size: number }>((resolve, reject) => {
      resolveResult = resolve;
      rejectResult = reject;
    });
    result.catch(() => undefined);
    const send = (m: FileSealControl | FileSealJob): void => {
      if (!settled && slot !== undefined) slot.worker.postMessage(m);
    };
    const settle = (): void => {
      if (settled) return;
      settled = true;
      this.#files.delete(id);
      options.signal?.removeEventListener('abort', onAbort);
      if (slot !== undefined && --slot.busy === 0) slot.worker.unref();
    };
    const fail = (error: Error): void => {
      failure ??= { error };
      rejectResult(error);
      settle();
      wakeUp();
    };
    const onAbort = (): void => {
      send({ type: 'cancel', id });
      fail(options.signal?.reason instanceof Error ? options.signal.reason : new NotariumError('CANCELLED', 'cancelled'));
    };
    const state: FileJobState = {
      onReply: (reply) => {
        if (reply.type === 'leaf') {
          const bytes = new Uint8Array(reply.data, 0, reply.length);
          const recyclable = leafCount++ > 0 && reply.length === options.leafSize && reply.data.byteLength === options.leafSize;
          queue.push({
            bytes,
            digest: reply.digest ?? new Uint8Array(0),
            plaintextBytes: reply.plaintextBytes,
            ...(recyclable && slot !== undefined ? { release: () => this.#recycle(slot, reply.data) } : {}),
          });
        } else if (reply.type === 'file-end') {
          ended = true;
          resolveResult({ sha256: reply.sha256, size: reply.size });
          settle();
        } else if (reply.cancelled !== true) {
          fail(
            reply.code === undefined
              ? new NotariumError('CRYPTO_FAILED', `age cipher worker: ${reply.message}`)
              : Object.assign(new Error(reply.message), { code: reply.code, syscall: reply.syscall, path }),
          );
        }
        wakeUp();
      },
      fail,
    };

    async function* leaves(): AsyncGenerator<SealedLeaf> {
      try {
        for (;;) {
          const leaf = queue.shift();
          if (leaf !== undefined) {
            send({ type: 'ack', id, count: 1 });
            if (leaf.digest.length === 0) leaf.digest = new Uint8Array(createHash('sha256').update(leaf.bytes).digest());
            yield leaf;
          } else if (failure !== undefined) {
            throw failure.error;
          } else if (ended) {
            return;
          } else {
            await new Promise<void>((resolve) => (wake = resolve));
          }
        }
      } finally {
        if (!ended && failure === undefined) {
          send({ type: 'cancel', id });
          fail(new NotariumError('CANCELLED', 'the sealed file was not read to its end'));
        }
        queue.length = 0;
      }
    }

    if (this.#closed || slot === undefined) {
      fail(new NotariumError('CRYPTO_FAILED', this.#closed ? 'the age cipher pool is closed' : 'sealFile needs a worker pool'));
      settled = true;
    } else if (options.signal?.aborted === true) {
      fail(options.signal.reason instanceof Error ? options.signal.reason : new NotariumError('CANCELLED', 'cancelled'));
    } else {
      this.#files.set(id, state);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (slot.busy++ === 0) slot.worker.ref();
      slot.worker.postMessage({ type: 'seal-file', id, path, key: options.key, nonce: options.nonce, leafSize: options.leafSize, window: options.window ?? 8, hashLeaves: options.hashLeaves !== 'here' } satisfies FileSealJob);
    }
    return { leaves: leaves(), result };
  }

  #runInline(aead: AeadWorkspace, job: BatchJob): Promise<BatchResult> {
    return new Promise<BatchResult>((resolve, reject) => {
      setImmediate(() => {
        if (this.#closed) {
          reject(new NotariumError('CRYPTO_FAILED', 'the age cipher pool was closed'));
          return;
        }
        try {
          const out = runBatch(aead, { ...job, data: job.data.buffer as ArrayBuffer, length: job.data.byteLength });
          resolve({ data: new Uint8Array(out.data, 0, out.length), failedChunk: out.failedChunk });
        } catch (e) {
          reject(new NotariumError('CRYPTO_FAILED', `age cipher: ${e instanceof Error ? e.message : String(e)}`));
        }
      });
    });
  }

  /** Terminates the workers; pending batches reject with CRYPTO_FAILED. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#rejectAll(new NotariumError('CRYPTO_FAILED', 'the age cipher pool was closed'));
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  #settle(id: number): Pending | undefined {
    const p = this.#pending.get(id);
    if (p === undefined) return undefined;
    this.#pending.delete(id);
    if (--p.slot.busy === 0) p.slot.worker.unref();
    return p;
  }

  #onReply(m: CipherReply): void {
    if (m.type === 'ready') return;
    if (m.type === 'leaf' || m.type === 'file-end' || m.type === 'file-error') {
      this.#files.get(m.id)?.onReply(m);
      return;
    }
    const p = this.#settle(m.id);
    if (p === undefined) return;
    if (m.type === 'done') p.resolve({ data: new Uint8Array(m.data, 0, m.length), failedChunk: m.failedChunk });
    else p.reject(new NotariumError('CRYPTO_FAILED', `age cipher worker: ${m.message}`));
  }

  #onWorkerFailure(slot: Slot, cause: Error): void {
    if (this.#closed) return;
    // A dead worker cannot be trusted with later jobs either: fail the pool loudly.
    this.#closed = true;
    this.#rejectAll(new NotariumError('CRYPTO_FAILED', 'an age cipher worker failed', { cause }));
    for (const s of this.#slots) if (s !== slot) void s.worker.terminate();
  }

  #rejectAll(error: NotariumError): void {
    for (const file of [...this.#files.values()]) file.fail(error);
    for (const [id, p] of this.#pending) {
      this.#settle(id);
      p.reject(error);
    }
  }
}

/**
 * The parent's Node flags minus those that only make sense for a main script: workers
 * refuse `--input-type` (set with `node -e`), and the eval/print source is not theirs.
 * Everything else (e.g. `--import` preloads) still applies to the workers.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i] as string;
    if (a.startsWith('--input-type')) continue;
    // Per-process heap sizing flags are refused by new Worker(); workers get V8 defaults.
    if (/^--(max-semi-space-size|max-old-space-size|max-heap-size|min-semi-space-size)(=|$)/.test(a)) continue;
    if (a === '-e' || a === '--eval' || a === '-p' || a === '--print') {
      i += 1;
      continue;
    }
    if (/^(-e|--eval|-p|--print)=/.test(a)) continue;
    out.push(a);
  }
  return out;
}

let nativeProbe: boolean | undefined;
/** True when sodium-native's binary loads on this platform (probed once). */
function nativeLoads(): boolean {
  if (nativeProbe === undefined) {
    try {
      NativeChaCha.load();
      nativeProbe = true;
    } catch {
      nativeProbe = false;
    }
  }
  return nativeProbe;
}

function waitReady(worker: Worker): Promise<CipherBackend> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: CipherReply): void => {
      if (m.type !== 'ready') return;
      worker.off('error', reject);
      worker.off('exit', onExit);
      worker.off('message', onMessage);
      resolve(m.backend);
    };
    const onExit = (code: number): void => reject(new Error(`cipher worker exited with code ${code}`));
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', onExit);
  });
}
