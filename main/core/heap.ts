/**
 * V8 heap sizing for jobs over many files (notarize, draft, retrieve).
 *
 * A notarization of many small files allocates fast (per file: an age header, two IPFS
 * objects, CIDs, pins, promises), and with the 1 MiB semi-space the CLI runs with, most of
 * that garbage is promoted before it dies. V8 then sizes the old generation at 2–4× the live
 * set (its default growing factor, chosen for throughput): at 20,000 files the heap held
 * 123–141 MiB for 56–64 MiB of live objects. A growing factor of 1.5 keeps it nearer its
 * live set at the price of more frequent major GCs (bench/notarize, docs/PERFORMANCE.md):
 * - 20,000 × 16 KiB: peak RSS 366 → 284 MiB, CPU 69–72 → 87 s;
 * - 100,000 × 16 KiB: 524 → 465 MiB (the per-file loop 412 → 303 MiB); retrieve 588 → 359 MiB.
 * A large file's stream churns 1 MiB external buffers instead, which under the frugal factor
 * cost ~25 % more CPU (1 GiB: 8.2–9.0 → 10.6–11.8 CPU-s) for a peak already far below the
 * bar, so jobs of few files keep V8's default.
 *
 * V8 flag: --heap-growing-percent (the old generation's growing factor is 1 + N/100; 0, the
 * default, lets V8 choose). V8 reads it whenever it computes a new heap limit, so setting it
 * at run time applies from the next GC on. It is process-wide: every isolate (main thread and
 * workers) uses it, so holds are counted and the last release restores the default.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The old generation grows to (1 + HEAP_GROWING_PERCENT / 100) × its live size between major GCs. */
export const HEAP_GROWING_PERCENT = 50;

/** Jobs over at least this many files keep their frugal heap; smaller ones release it at once. */
export const FRUGAL_HEAP_MIN_FILES = 1000;

let holders = 0;

/** True while some FrugalHeap hold is not released (process-wide). */
export function frugalHeapHeld(): boolean {
  return holders > 0;
}

/**
 * One job's hold on the frugal heap sizing. Take it when the job starts (`FrugalHeap.hold()`),
 * call `forFiles(n)` once its file count is known (fewer than FRUGAL_HEAP_MIN_FILES releases
 * it), and `release()` when the job ends, in a finally. Never throws.
 */
export class FrugalHeap {
  #held = true;

  private constructor() {}

  /** Sets --heap-growing-percent=HEAP_GROWING_PERCENT unless another hold did already. */
  static hold(): FrugalHeap {
    if (holders++ === 0) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    return new FrugalHeap();
  }

  /** The job turned out to cover `count` files: few files (a large file's stream) release the hold. */
  forFiles(count: number): void {
    if (count < FRUGAL_HEAP_MIN_FILES) this.release();
  }

  /** Ends this hold (idempotent); the last one restores V8's default sizing. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    if (--holders === 0) setFlagsFromString('--heap-growing-percent=0');
  }
}

let gc: (() => void) | undefined;

/**
 * A full (major) GC now, for a stream that churns large buffers faster than V8 collects
 * them: V8 starts a major GC on external memory only after it grew by tens of MB, and the
 * memory freed then is mostly not given back to the system (RSS is a high-water mark).
 * V8 exposes `gc` only under --expose-gc, read when a context is created: the flag is set
 * for one new context, whose `gc` is kept, then unset, so no global `gc` appears.
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    try {
      gc = runInNewContext('gc') as () => void;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  gc();
}

/**
 * A byte counter for a stream that churns buffers: call it with each chunk's length (bytes);
 * it runs collectGarbage each time `bytes` more have passed since the last one. A stream
 * shorter than `bytes` is never collected.
 */
export function collectEvery(bytes: number): (length: number) => void {
  let since = 0;
  return (length) => {
    since += length;
    if (since >= bytes) {
      collectGarbage();
      since = 0;
    }
  };
}
