/**
 * Re-wrapping many age headers (sharing a dataset) on the calling thread and on worker
 * threads at once. Each header costs five X25519 multiplications in typage over WebCrypto:
 * two inside the synchronous PKCS #8 imports of the ephemeral key (typage imports it twice)
 * on the re-wrapping thread, three as deriveBits jobs on libuv's thread pool. With
 * WebCrypto's and typage's JavaScript (HKDF, ChaCha20-Poly1305) that is ~0.4 ms of the
 * re-wrapping thread's CPU and ~0.2 ms of the pool's per header (node --cpu-prof and
 * process.threadCpuUsage on bench/share.ts's dataset): the thread is the bottleneck, and a
 * worker thread adds a second one. The calling thread starts at once and the workers join
 * when they are up, taking headers from the same queue: a small share never waits for a
 * worker.
 *
 * A worker costs ~0.15 s of CPU to start (thread, module loading, JIT warm-up), and on two
 * cores, where the pool already uses part of the second core, it adds at most ~40%
 * throughput. So after `close()` a pool's workers are parked, without keys, for `idleMs`:
 * the next pool (the next share) takes them ready, with its own keys; and `prestart`
 * starts them while the caller unlocks its keys or opens the IPFS node.
 * Spec: https://github.com/C2SP/C2SP/blob/main/age.md#header
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ERROR_CODES, NotariumError, type ErrorCode } from '../../../shared/errors.ts';
import { workerExecArgv } from './cipher-pool.ts';
import type { RewrapControl, RewrapJob, RewrapOutcome, RewrapReply, RewrapWorkerData } from './cipher-protocol.ts';
import { createRewrapper } from './file-key.ts';

/** Options of RewrapPool.start. */
export interface RewrapPoolOptions {
  /**
   * Worker threads besides the calling thread, 0..64. Default: availableParallelism() - 1
   * at most (one per core beside the calling thread's), and as many as the expected
   * headers pay for: one per HEADERS_PER_WORKER for a worker to start, one per
   * HEADERS_PER_PARKED_WORKER for a parked one. So one on two cores for 800+ headers (64+ parked).
   */
  workers?: number;
  /** How many headers the caller will re-wrap (for the default `workers`). */
  expectedHeaders?: number;
  /** Most headers per worker message; default 16. */
  batchHeaders?: number;
  /** The worker module: rewrap-worker.ts by default, or a bundle's cipher-worker (role 'rewrap'). */
  workerUrl?: URL;
  /** Milliseconds the workers stay parked after `close()` for a next pool, 0..600000; default 30000. 0: they end at `close()`. */
  idleMs?: number;
}

/**
 * Expected headers that make one more worker worth starting: it is up after ~0.15–0.2 s
 * (the calling thread re-wraps ~500 headers meanwhile) and then adds ≤ 40% throughput on
 * two cores, so it pays off from ~700 headers (type-stripped sources, rewrap-worker.ts).
 */
export const HEADERS_PER_WORKER = 800;
/** Expected headers that make one more parked (already started) worker worth taking: a few batches. */
export const HEADERS_PER_PARKED_WORKER = 64;

const DEFAULT_WORKER_URL = new URL('./rewrap-worker.ts', import.meta.url);
const DEFAULT_IDLE_MS = 30_000;
/** Headers in progress on the calling thread, so deriveBits round trips overlap. */
export const REWRAPS_PER_THREAD = 8;

interface Item {
  header: Uint8Array;
  resolve: (header: Uint8Array) => void;
  reject: (e: Error) => void;
}

/** Who hears a worker thread: the pool that holds it, or nobody while it is parked. */
interface Owner {
  onReply(m: RewrapReply): void;
  onDead(): void;
}

/** A rewrap worker thread; it outlives pools (see `park`). */
class RewrapThread {
  readonly worker: Worker;
  readonly href: string;
  ready = false;
  dead = false;
  owner: Owner | null = null;
  idleTimer: NodeJS.Timeout | undefined;

  /** @throws as `new Worker` (e.g. an unreadable module). */
  constructor(url: URL) {
    const workerData: RewrapWorkerData = { role: 'rewrap' };
    this.href = url.href;
    this.worker = new Worker(url, { execArgv: workerExecArgv(process.execArgv), workerData });
    // Idle workers never keep the process alive; a pool refs one while it has work there.
    this.worker.unref();
    this.worker.on('message', (m: RewrapReply) => {
      if (m.type === 'ready') this.ready = true;
      this.owner?.onReply(m);
    });
    const die = (): void => {
      if (this.dead) return;
      this.dead = true;
      unpark(this);
      this.owner?.onDead();
    };
    this.worker.on('error', die);
    this.worker.on('exit', die);
  }

  send(message: RewrapControl | RewrapJob): void {
    this.worker.postMessage(message);
  }

  async end(): Promise<void> {
    this.dead = true;
    unpark(this);
    await this.worker.terminate();
  }
}

/** Workers between pools, by module URL; each ends after its pool's `idleMs`. */
const parked: RewrapThread[] = [];

/** Most workers parked at once: as many as one pool would use on this machine. */
function parkLimit(): number {
  return Math.max(1, availableParallelism() - 1);
}

function park(thread: RewrapThread, idleMs: number): void {
  thread.owner = null;
  thread.worker.unref();
  if (thread.dead || idleMs === 0 || parked.length >= parkLimit()) {
    void thread.end();
    return;
  }
  // The keys leave with the pool that sent them.
  thread.send({ type: 'forget' });
  thread.idleTimer = setTimeout(() => void thread.end(), idleMs);
  thread.idleTimer.unref();
  parked.push(thread);
}

function unpark(thread: RewrapThread): void {
  clearTimeout(thread.idleTimer);
  const at = parked.indexOf(thread);
  if (at >= 0) parked.splice(at, 1);
}

/** A parked worker of this module, started ones first. */
function takeParked(href: string): RewrapThread | undefined {
  const thread = parked.find((t) => t.href === href && t.ready) ?? parked.find((t) => t.href === href);
  if (thread !== undefined) unpark(thread);
  return thread;
}

/** How many workers `expectedHeaders` pay for; `warm`: how many of them are parked already. */
function defaultWorkers(expectedHeaders: number | undefined, href: string, warm = parked.filter((t) => t.href === href).length): number {
  const most = Math.max(0, availableParallelism() - 1);
  if (expectedHeaders === undefined) return most;
  let n = 0;
  // The k-th worker: a parked one pays off sooner than one that has to start.
  while (n < most && expectedHeaders >= (n + 1) * (n < warm ? HEADERS_PER_PARKED_WORKER : HEADERS_PER_WORKER)) n += 1;
  return n;
}

interface Lane extends Owner {
  thread: RewrapThread;
  inFlight: Map<number, Item[]>;
  /** Headers in `inFlight`. */
  inFlightHeaders: number;
  /** Settles the lane's start-up: true once ready, false if it failed or closed first. */
  started: (ok: boolean) => void;
}

/** Job ids, unique in the process: a parked worker may still answer for its last pool. */
let nextJobId = 0;

/**
 * Re-wraps headers for fixed identities and recipients (createRewrapper's contract) on
 * the calling thread plus worker threads. `close()` it when done; idle workers never keep
 * the process alive. A worker that fails or cannot start is dropped and its headers are
 * re-wrapped by the others (the calling thread always works), so results never depend
 * on workers.
 */
export class RewrapPool {
  /** Headers re-wrapped so far on the calling thread and on workers, and the batches sent to workers (for tests and benchmarks). */
  readonly counts = { inThread: 0, workers: 0, workerBatches: 0 };
  readonly #inThread: (header: Uint8Array) => Promise<Uint8Array>;
  readonly #batchHeaders: number;
  readonly #idleMs: number;
  readonly #queue: Item[] = [];
  readonly #lanes: Lane[] = [];
  readonly #startups: Promise<boolean>[] = [];
  #inThreadRunning = 0;
  #closed = false;

  private constructor(inThread: (header: Uint8Array) => Promise<Uint8Array>, batchHeaders: number, idleMs: number) {
    this.#inThread = inThread;
    this.#batchHeaders = batchHeaders;
    this.#idleMs = idleMs;
  }

  /**
   * Validates the keys and takes parked workers or starts new ones; usable at once.
   * @param identities AGE-SECRET-KEY-1... strings that open the headers (sent to the workers; never logged).
   * @param newRecipients age1... strings the new headers are wrapped for.
   * @throws NotariumError('INVALID_INPUT') for invalid keys or options.
   */
  static start(identities: readonly string[], newRecipients: readonly string[], options: RewrapPoolOptions = {}): RewrapPool {
    const inThread = createRewrapper(identities, newRecipients);
    const batchHeaders = options.batchHeaders ?? 16;
    const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    const url = options.workerUrl ?? DEFAULT_WORKER_URL;
    const workers = options.workers ?? defaultWorkers(options.expectedHeaders, url.href);
    for (const [name, v, min, max] of [['workers', workers, 0, 64], ['batchHeaders', batchHeaders, 1, 64], ['idleMs', idleMs, 0, 600_000]] as const) {
      if (!Number.isInteger(v) || v < min || v > max) throw new NotariumError('INVALID_INPUT', `RewrapPool ${name} must be an integer in ${min}..${max}`);
    }
    const pool = new RewrapPool(inThread, batchHeaders, idleMs);
    const keys: RewrapControl = { type: 'keys', identities: [...identities], recipients: [...newRecipients] };
    for (let i = 0; i < workers; i++) pool.#addWorker(url, keys);
    return pool;
  }

  /**
   * Starts the workers a `start` with these options would start, ahead of it and without
   * keys, e.g. while the caller unlocks its identity (scrypt) or opens the IPFS node: they
   * wait parked (`idleMs`), and the next `start` with the same `workerUrl` takes them, so a
   * share does not wait for its workers. Workers already parked count.
   * @throws NotariumError('INVALID_INPUT') for invalid options.
   */
  static prestart(options: Omit<RewrapPoolOptions, 'batchHeaders'> = {}): void {
    const url = options.workerUrl ?? DEFAULT_WORKER_URL;
    const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    const workers = options.workers ?? defaultWorkers(options.expectedHeaders, url.href, 0);
    for (const [name, v, max] of [['workers', workers, 64], ['idleMs', idleMs, 600_000]] as const) {
      if (!Number.isInteger(v) || v < 0 || v > max) throw new NotariumError('INVALID_INPUT', `RewrapPool ${name} must be an integer in 0..${max}`);
    }
    if (idleMs === 0) return;
    for (let n = parked.filter((t) => t.href === url.href).length; n < Math.min(workers, parkLimit()); n++) {
      try {
        park(new RewrapThread(url), idleMs);
      } catch {
        return;
      }
    }
  }

  /** Workers parked now, waiting for a next pool (for tests and benchmarks). */
  static get parkedWorkers(): number {
    return parked.length;
  }

  /** Ends every parked worker now (they end by themselves after their `idleMs` otherwise). */
  static async endParked(): Promise<void> {
    await Promise.all(parked.slice().map((t) => t.end()));
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

  /**
   * Parks the workers for the next pool (or ends them: `idleMs` 0, or one busy with a
   * batch); headers not yet re-wrapped reject with CRYPTO_FAILED. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const error = new NotariumError('CRYPTO_FAILED', 'the rewrap pool was closed');
    for (const item of this.#queue.splice(0)) item.reject(error);
    const ending: Promise<void>[] = [];
    for (const lane of this.#lanes.splice(0)) {
      lane.started(lane.thread.ready);
      const busy = lane.inFlight.size > 0;
      for (const items of lane.inFlight.values()) for (const item of items) item.reject(error);
      lane.inFlight.clear();
      lane.inFlightHeaders = 0;
      if (busy) {
        lane.thread.owner = null;
        ending.push(lane.thread.end());
      } else park(lane.thread, this.#idleMs);
    }
    await Promise.all(ending);
  }

  #addWorker(url: URL, keys: RewrapControl): void {
    let thread = takeParked(url.href);
    if (thread === undefined) {
      try {
        thread = new RewrapThread(url);
      } catch {
        return;
      }
    }
    let started: (ok: boolean) => void = () => undefined;
    this.#startups.push(new Promise<boolean>((resolve) => (started = resolve)));
    const lane: Lane = {
      thread,
      inFlight: new Map(),
      inFlightHeaders: 0,
      started,
      onReply: (m) => this.#onReply(lane, m),
      onDead: () => this.#drop(lane),
    };
    thread.owner = lane;
    // Ordered before any job; a starting worker receives it once it listens.
    thread.send(keys);
    this.#lanes.push(lane);
    if (thread.ready) started(true);
  }

  /** Hands out work: the workers that have room get a fair share, the calling thread the rest. */
  #pump(): void {
    if (this.#closed) return;
    const ready = this.#lanes.filter((l) => l.thread.ready);
    // Headers a worker holds at once, however they arrived (one by one as reads complete,
    // or all at once): enough to overlap its deriveBits round trips and never idle.
    const most = 2 * this.#batchHeaders;
    for (const lane of ready) {
      while (lane.inFlightHeaders < most && this.#queue.length > 0) {
        // A worker's share leaves as much for every other thread, the calling one included.
        const take = Math.min(this.#batchHeaders, most - lane.inFlightHeaders, Math.ceil(this.#queue.length / (ready.length + 1)));
        const items = this.#queue.splice(0, take);
        const id = nextJobId++;
        lane.inFlight.set(id, items);
        lane.inFlightHeaders += items.length;
        if (lane.inFlight.size === 1) lane.thread.worker.ref();
        lane.thread.send({ id, headers: items.map((i) => i.header) });
        this.counts.workerBatches += 1;
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
      lane.started(true);
      this.#pump();
      return;
    }
    const items = lane.inFlight.get(m.id);
    if (items === undefined) return;
    lane.inFlight.delete(m.id);
    lane.inFlightHeaders -= items.length;
    if (lane.inFlight.size === 0) lane.thread.worker.unref();
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
    lane.inFlightHeaders = 0;
    if (this.#closed) return;
    this.#queue.unshift(...orphans);
    void lane.thread.end();
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
