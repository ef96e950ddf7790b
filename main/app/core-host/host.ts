/**
 * The main-thread side of the core worker: starts it, forwards calls of the contract's
 * core operations, relays their progress events, and closes it. Works in plain Node (the
 * test bridge and tests use it) as in Electron's main process.
 */
import { Worker } from 'node:worker_threads';
import { NotariumError } from '../../../shared/errors.ts';
import { failure, type Outcome, type ProgressEvent } from '../../../shared/api/index.ts';
import type { SecretStore } from '../../core/ipfs/secret-store.ts';
import type { CoreWorkerData, FromWorker, ToWorker } from './protocol.ts';

export interface CoreHostOptions extends CoreWorkerData {
  /** The worker module; default worker.ts next to this file (a bundle passes its own emitted file). */
  workerUrl?: URL;
  /** The shell's keychain of secrets (pinning token), read on the worker's demand; none: the worker gets no secrets. */
  secrets?: SecretStore;
}

const DEFAULT_WORKER_URL = new URL('./worker.ts', import.meta.url);

/** Options that must not reach the worker: `--eval` code would run again there. */
function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i] as string;
    if (a === '-e' || a === '--eval' || a === '-p' || a === '--print') i += 1;
    else if (!/^(-e|--eval|-p|--print)=/.test(a) && !a.startsWith('--input-type')) out.push(a);
  }
  return out;
}

export class CoreHost {
  readonly #worker: Worker;
  readonly #pending = new Map<number, (o: Outcome<unknown>) => void>();
  readonly #listeners = new Set<(e: ProgressEvent) => void>();
  #nextId = 1;
  #dead: string | null = null;
  #closing: Promise<void> | null = null;
  readonly #secrets: SecretStore | undefined;

  private constructor(worker: Worker, secrets: SecretStore | undefined) {
    this.#worker = worker;
    this.#secrets = secrets;
    worker.on('message', (m: FromWorker) => this.#onMessage(m));
    worker.on('error', (e) => this.#fail(`The core stopped: ${e.message}`));
    worker.on('exit', (code) => this.#fail(`The core stopped (exit code ${code}).`));
  }

  /**
   * Starts the worker and opens the data folder in it.
   * @throws NotariumError('INTERNAL') when the worker cannot start or open the data folder.
   */
  static async start(options: CoreHostOptions): Promise<CoreHost> {
    const { workerUrl, secrets, ...data } = options;
    const worker = new Worker(workerUrl ?? DEFAULT_WORKER_URL, { workerData: data satisfies CoreWorkerData, execArgv: workerExecArgv(process.execArgv) });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromWorker): void => {
        if (m.type === 'ready') done(null);
        else if (m.type === 'failed') done(new NotariumError('INTERNAL', `Cannot open the data folder: ${m.message}`));
      };
      const onError = (e: Error): void => done(new NotariumError('INTERNAL', `Cannot start the core: ${e.message}`, { cause: e }));
      const done = (e: Error | null): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (e === null) resolve();
        else void worker.terminate().finally(() => reject(e));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
    });
    return new CoreHost(worker, secrets);
  }

  /** Runs a contract operation in the worker. Never throws; see shared/api/dispatch.ts. */
  call(op: string, request: unknown, callId?: string): Promise<Outcome<unknown>> {
    if (this.#dead !== null) return Promise.resolve(failure(new NotariumError('INTERNAL', this.#dead)));
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      const message: ToWorker = callId === undefined ? { type: 'call', id, op, request } : { type: 'call', id, op, request, callId };
      try {
        this.#worker.postMessage(message);
      } catch (e) {
        // A request that cannot be cloned (functions, symbols) is malformed input.
        this.#pending.delete(id);
        resolve(failure(new NotariumError('INVALID_INPUT', `The request cannot be sent: ${(e as Error).message}`)));
      }
    });
  }

  /** Subscribes to progress events of all calls; returns the unsubscribe function. */
  onProgress(listener: (e: ProgressEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Closes the services (aborting running calls) and stops the worker. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#dead === null) {
        const closed = new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 10_000);
          this.#worker.on('message', (m: FromWorker) => {
            if (m.type === 'closed') {
              clearTimeout(t);
              resolve();
            }
          });
        });
        this.#worker.postMessage({ type: 'close' } satisfies ToWorker);
        await closed;
      }
      this.#dead ??= 'The core is closed.';
      await this.#worker.terminate();
    })();
    return this.#closing;
  }

  #onMessage(m: FromWorker): void {
    if (m.type === 'result') {
      const resolve = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      resolve?.(m.outcome);
    } else if (m.type === 'progress') {
      const event: ProgressEvent = m.feeQuote === undefined ? { callId: m.callId, progress: m.progress } : { callId: m.callId, progress: m.progress, feeQuote: m.feeQuote };
      for (const l of this.#listeners) l(event);
    } else if (m.type === 'secret-get') {
      void this.#answerSecret(m.id, m.name);
    }
  }

  async #answerSecret(id: number, name: string): Promise<void> {
    // A keychain failure reads as "no secret": the worker then reports the missing token.
    const value = (await this.#secrets?.get(name).catch(() => undefined)) ?? null;
    if (this.#dead === null) this.#worker.postMessage({ type: 'secret', id, value } satisfies ToWorker);
  }

  #fail(message: string): void {
    this.#dead ??= message;
    for (const resolve of this.#pending.values()) resolve(failure(new NotariumError('INTERNAL', message)));
    this.#pending.clear();
  }
}
