/**
 * Re-wrapping many age headers (sharing a dataset) on the calling thread and on worker
 * threads at once. Each header costs five X25519 multiplications in typage over WebCrypto
 * (~0.5 ms of CPU): two inside synchronous PKCS #8 key imports on the calling thread, three
 * as deriveBits jobs on libuv's thread pool. Several headers are kept in progress per
 * thread so the pool's round trips overlap, and worker threads add JavaScript threads
 * for the imports. The calling thread starts at once and the workers join when they have
 * started, taking batches from the same queue: a small share never waits for a worker.
 * Spec: https://github.com/C2SP/C2SP/blob/main/age.md#header
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ERROR_CODES, NotariumError, type ErrorCode } from '../../../shared/errors.ts';
import { workerExecArgv } from './cipher-pool.ts';
import type { RewrapJob, RewrapOutcome, RewrapReply, RewrapWorkerData } from './cipher-protocol.ts';
import { createRewrapper } from './file-key.ts';

/** Options of RewrapPool.start. */
export interface RewrapPoolOptions {
  /**
   * Worker threads besides the calling thread, 0..64. Default: availableParallelism() - 2
   * (the calling thread's deriveBits jobs already use part of a second core), and no more
   * than one per HEADERS_PER_WORKER expected headers. So none on two cores.
   */
  workers?: number;
  /** How many headers the caller will re-wrap (for the default `workers`). */
  expectedHeaders?: number;
  /** Most headers per worker message; default 16. */
  batchHeaders?: number;
  /** The crypto worker module (cipher-worker.ts, or where a bundler emitted it). */
  workerUrl?: URL;
}

/**
 * Expected headers that make one more worker worth it. A worker costs ~0.3-0.5 s of CPU
 * before it is up to speed (thread start, loading age-encryption, JIT warm-up), the work
 * of ~700 headers (measured with bench/share.ts's figures, type-stripped sources).
 */
export const HEADERS_PER_WORKER = 2000;

const DEFAULT_WORKER_URL = new URL('./cipher-worker.ts', import.meta.url);
/** Batches a worker holds at once: one being worked on, one waiting, so it never idles. */
const BATCHES_IN_FLIGHT = 2;
/** Headers in progress on the calling thread, so deriveBits round trips overlap. */
export const REWRAPS_PER_THREAD = 8;

interface Item {
  header: Uint8Array;
  resolve: (header: Uint8Array) => void;
  reject: (e: Error) => void;
}

interface Lane {
  worker: Worker;
  ready: boolean;
  inFlight: Map<number, Item[]>;
  /** Settles the lane's start-up: true once ready, false if it failed first. */
  started: (ok: boolean) => void;
}

/**
 * Re-wraps headers for fixed identities and recipients (createRewrapper's contract) on
 * the calling thread plus worker threads. `close()` it when done; idle workers never keep
 * the process alive. A worker that fails or cannot start is dropped and its headers are
 * re-wrapped by the others (the calling thread always works), so results never depend
 * on workers.
 */
export class RewrapPool {
  /** Headers re-wrapped so far on the calling thread and on workers (for tests and benchmarks). */
  readonly counts = { inThread: 0, workers: 0 };
  readonly #inThread: (header: Uint8Array) => Promise<Uint8Array>;
  readonly #batchHeaders: number;
  readonly #queue: Item[] = [];
  readonly #lanes: Lane[] = [];
  readonly #startups: Promise<boolean>[] = [];
  #inThreadRunning = 0;
  #nextId = 0;
  #closed = false;

  private constructor(inThread: (header: Uint8Array) => Promise<Uint8Array>, batchHeaders: number) {
    this.#inThread = inThread;
    this.#batchHeaders = batchHeaders;
  }

  /**
   * Validates the keys and starts the workers in the background; usable at once.
   * @param identities AGE-SECRET-KEY-1... strings that open the headers (sent to the workers; never logged).
   * @param newRecipients age1... strings the new headers are wrapped for.
   * @throws NotariumError('INVALID_INPUT') for invalid keys or options.
   */
  static start(identities: readonly string[], newRecipients: readonly string[], options: RewrapPoolOptions = {}): RewrapPool {
    const inThread = createRewrapper(identities, newRecipients);
    const batchHeaders = options.batchHeaders ?? 16;
    const spare = Math.max(0, availableParallelism() - 2);
    const workers =
      options.workers ?? (options.expectedHeaders === undefined ? spare : Math.min(spare, Math.floor(options.expectedHeaders / HEADERS_PER_WORKER)));
    for (const [name, v, min] of [['workers', workers, 0], ['batchHeaders', batchHeaders, 1]] as const) {
      if (!Number.isInteger(v) || v < min || v > 64) throw new NotariumError('INVALID_INPUT', `RewrapPool ${name} must be an integer in ${min}..64`);
    }
    const pool = new RewrapPool(inThread, batchHeaders);
    const workerData: RewrapWorkerData = { role: 'rewrap', identities: [...identities], recipients: [...newRecipients] };
    for (let i = 0; i < workers; i++) pool.#addWorker(options.workerUrl ?? DEFAULT_WORKER_URL, workerData);
    return pool;
  }

  /**
   * A new header wrapping `header`'s file key for the pool's recipients only.
   * @throws as createRewrapper's function (NotariumError 'AGE_DECRYPT_FAILED' with
   *   details.reason, 'INVALID_INPUT'); ('CRYPTO_FAILED') once the pool is closed.
   */
  rewrap(header: Uint8Array): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(new NotariumError('CRYPTO_FAILED', 'the rewrap pool is closed'));
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#queue.push({ header, resolve, reject });
      this.#pump();
    });
  }

  /** Resolves once every worker has started or failed to, with the number that started. */
  async started(): Promise<number> {
    return (await Promise.all(this.#startups)).filter(Boolean).length;
  }

  /** Stops the workers; headers not yet re-wrapped reject with CRYPTO_FAILED. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const error = new NotariumError('CRYPTO_FAILED', 'the rewrap pool was closed');
    for (const item of this.#queue.splice(0)) item.reject(error);
    const lanes = this.#lanes.splice(0);
    for (const lane of lanes) {
      lane.started(lane.ready);
      for (const items of lane.inFlight.values()) for (const item of items) item.reject(error);
    }
    await Promise.all(lanes.map((l) => l.worker.terminate()));
  }

  #addWorker(url: URL, workerData: RewrapWorkerData): void {
    let worker: Worker;
    try {
      worker = new Worker(url, { execArgv: workerExecArgv(process.execArgv), workerData });
    } catch {
      return;
    }
    let started: (ok: boolean) => void = () => undefined;
    this.#startups.push(new Promise<boolean>((resolve) => (started = resolve)));
    const lane: Lane = { worker, ready: false, inFlight: new Map(), started };
    this.#lanes.push(lane);
    worker.unref();
    worker.on('message', (m: RewrapReply) => this.#onReply(lane, m));
    worker.on('error', () => this.#drop(lane));
    worker.on('exit', () => this.#drop(lane));
  }

  /** Hands out work: the workers that have room get a fair share, the calling thread the rest. */
  #pump(): void {
    if (this.#closed) return;
    const ready = this.#lanes.filter((l) => l.ready);
    for (const lane of ready) {
      while (lane.inFlight.size < BATCHES_IN_FLIGHT && this.#queue.length > 0) {
        // A worker's share leaves as much for every other thread, the calling one included.
        const take = Math.min(this.#batchHeaders, Math.ceil(this.#queue.length / (ready.length + 1)));
        const items = this.#queue.splice(0, take);
        const id = this.#nextId++;
        lane.inFlight.set(id, items);
        if (lane.inFlight.size === 1) lane.worker.ref();
        const job: RewrapJob = { id, headers: items.map((i) => i.header) };
        lane.worker.postMessage(job);
      }
    }
    while (this.#inThreadRunning < REWRAPS_PER_THREAD && this.#queue.length > 0) void this.#runInThread();
  }

  /** One of the calling thread's runners: takes headers off the queue until it is empty. */
  async #runInThread(): Promise<void> {
    this.#inThreadRunning += 1;
    try {
      for (let item = this.#queue.shift(); item !== undefined && !this.#closed; item = this.#queue.shift()) {
        try {
          item.resolve(await this.#inThread(item.header));
        } catch (e) {
          item.reject(e as Error);
        }
        this.counts.inThread += 1;
      }
    } finally {
      this.#inThreadRunning -= 1;
    }
  }

  #onReply(lane: Lane, m: RewrapReply): void {
    if (m.type === 'ready') {
      lane.ready = true;
      lane.started(true);
      this.#pump();
      return;
    }
    const items = lane.inFlight.get(m.id);
    if (items === undefined) return;
    lane.inFlight.delete(m.id);
    if (lane.inFlight.size === 0) lane.worker.unref();
    items.forEach((item, i) => settle(item, m.outcomes[i]));
    this.counts.workers += items.length;
    this.#pump();
  }

  /** A failed worker's batches go back to the front of the queue, for the others. */
  #drop(lane: Lane): void {
    lane.started(false);
    const at = this.#lanes.indexOf(lane);
    if (at < 0) return;
    this.#lanes.splice(at, 1);
    const orphans = [...lane.inFlight.values()].flat();
    lane.inFlight.clear();
    if (this.#closed) return;
    this.#queue.unshift(...orphans);
    void lane.worker.terminate();
    this.#pump();
  }
}

function settle(item: Item, outcome: RewrapOutcome | undefined): void {
  if (outcome === undefined) item.reject(new NotariumError('INTERNAL', 'a rewrap worker answered for fewer headers than it was given'));
  else if (outcome.ok) item.resolve(outcome.header);
  else {
    const code: ErrorCode = (ERROR_CODES as readonly string[]).includes(outcome.code) ? (outcome.code as ErrorCode) : 'CRYPTO_FAILED';
    item.reject(new NotariumError(code, outcome.message, outcome.details === undefined ? undefined : { details: outcome.details }));
  }
}
