/** Progress of long operations (notarize, verify, retrieve), reported as typed events. */

export interface Progress {
  phase: 'hashing' | 'encrypting' | 'anchoring' | 'verifying' | 'retrieving';
  filesDone: number;
  filesTotal: number;
  /** Plaintext bytes processed so far. */
  bytesDone: number;
  bytesTotal: number;
  /** Average throughput since start, bytes per second. */
  bytesPerSecond: number;
  /** Estimated seconds left, or null when unknown (also during the first ETA_AFTER_SECONDS). */
  etaSeconds: number | null;
}

/** Seconds of work before an ETA is given. */
export const ETA_AFTER_SECONDS = 1;

/** Accumulates bytes/files and emits throttled Progress events. */
export class ProgressMeter {
  readonly #start = performance.now();
  #files = 0;
  #bytes = 0;
  #lastEmit = 0;
  readonly #phase: Progress['phase'];
  readonly #filesTotal: number;
  readonly #bytesTotal: number;
  readonly #emit: ((p: Progress) => void) | undefined;

  constructor(phase: Progress['phase'], filesTotal: number, bytesTotal: number, emit?: (p: Progress) => void) {
    this.#phase = phase;
    this.#filesTotal = filesTotal;
    this.#bytesTotal = bytesTotal;
    this.#emit = emit;
  }

  bytes(n: number): void {
    this.#bytes += n;
    this.#maybeEmit(false);
  }

  fileDone(): void {
    this.#files += 1;
    this.#maybeEmit(this.#files === this.#filesTotal);
  }

  snapshot(): Progress {
    const seconds = (performance.now() - this.#start) / 1000;
    const rate = seconds > 0 ? this.#bytes / seconds : 0;
    return {
      phase: this.#phase,
      filesDone: this.#files,
      filesTotal: this.#filesTotal,
      bytesDone: this.#bytes,
      bytesTotal: this.#bytesTotal,
      bytesPerSecond: rate,
      // Not before a second of work: the first chunks' rate (start-up, a burst into the page
      // cache) gave estimates like 315 minutes for a job of seconds.
      etaSeconds: seconds >= ETA_AFTER_SECONDS && rate > 0 ? (this.#bytesTotal - this.#bytes) / rate : null,
    };
  }

  #maybeEmit(force: boolean): void {
    if (this.#emit === undefined) return;
    const now = performance.now();
    if (!force && now - this.#lastEmit < 100) return;
    this.#lastEmit = now;
    this.#emit(this.snapshot());
  }
}
