/**
 * V8 heap sizing for Notarium's processes (the CLI, the desktop app's core worker).
 *
 * A notarization of many small files allocates fast (per file: an age header, two IPFS
 * objects, CIDs, pins, promises), and with the 1 MiB semi-space the CLI runs with most of
 * that garbage is promoted before it dies. V8 then sizes the old generation at up to 2–4×
 * the live set (its default growing factor, chosen for throughput), so at 20,000 files the
 * heap held 123–141 MiB for 56–64 MiB of live objects, and the process peaked at 366 MiB.
 * A growing factor of 1.5 keeps the heap nearer its live set at the price of more frequent
 * major GCs: 20,000 × 16 KiB peaked at 284 MiB instead of 366, with about 20 % more CPU
 * time (69–72 s → 87 s; bench/notarize, docs/PERFORMANCE.md). Streaming a large file
 * allocates little on the V8 heap (its buffers are external), so it is not affected.
 *
 * V8 flag: --heap-growing-percent (the old generation's growing factor is 1 + N/100); V8
 * reads it whenever it computes a new heap limit, so it applies when set at run time. It is
 * process-wide: every isolate (main thread and workers) uses it.
 */
import { setFlagsFromString } from 'node:v8';

/** The old generation grows to (1 + HEAP_GROWING_PERCENT / 100) × its live size between major GCs. */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Sets V8's heap growing factor for this process to 1 + HEAP_GROWING_PERCENT / 100
 * (`--heap-growing-percent`). Call once at a process's start, before long jobs; later flags
 * (e.g. a benchmark's --v8-flags) override it. Never throws.
 */
export function useFrugalHeap(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
