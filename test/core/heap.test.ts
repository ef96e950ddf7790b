import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { collectEvery, collectGarbage, FRUGAL_HEAP_MIN_FILES, FrugalHeap, frugalHeapHeld } from '../../main/core/heap.ts';

const run = promisify(execFile);
const HEAP_MODULE = pathToFileURL(new URL('../../main/core/heap.ts', import.meta.url).pathname).href;

/**
 * A live set of ~20 MiB plus garbage that outlives a few scavenges before it dies (as a
 * notarization's per-file I/O state does); prints the largest heapTotal seen, MiB.
 */
const churn = (frugal: boolean): string => `
${frugal ? `(await import(${JSON.stringify(HEAP_MODULE)})).FrugalHeap.hold();` : ''}
const live = Array.from({ length: 200000 }, (_, i) => '0x' + i.toString(16).padStart(64, '0'));
let maxTotal = 0;
const keep = [];
for (let round = 0; round < 3000; round++) {
  keep.push(Array.from({ length: 2000 }, (_, i) => ({ a: round + ':' + i, b: [i] })));
  if (keep.length > 20) keep.shift();
  await new Promise((r) => setImmediate(r));
  maxTotal = Math.max(maxTotal, process.memoryUsage().heapTotal);
}
console.log(Math.round(maxTotal / 1048576), live.length);
`;

async function maxHeapTotalMiB(frugal: boolean): Promise<number> {
  // The CLI's own semi-space (main/cli/bin.ts), under which short-lived garbage is promoted.
  const { stdout } = await run(process.execPath, ['--max-semi-space-size=1', '--input-type=module', '-e', churn(frugal)], { timeout: 60_000 });
  const [mib, live] = stdout.trim().split(' ').map(Number);
  expect(live).toBe(200000);
  return mib as number;
}

describe('FrugalHeap', () => {
  it('is held while any hold is, released once per hold, and by few files', () => {
    expect(frugalHeapHeld()).toBe(false);
    const a = FrugalHeap.hold();
    const b = FrugalHeap.hold();
    a.release();
    a.release(); // idempotent: b still holds
    expect(frugalHeapHeld()).toBe(true);
    b.forFiles(FRUGAL_HEAP_MIN_FILES); // many files: kept
    expect(frugalHeapHeld()).toBe(true);
    b.forFiles(FRUGAL_HEAP_MIN_FILES - 1); // few files: released
    expect(frugalHeapHeld()).toBe(false);
    b.release();
    expect(frugalHeapHeld()).toBe(false);
  });

  it('collectGarbage() frees unreachable external buffers at once, without exposing a global gc', () => {
    collectGarbage();
    const base = process.memoryUsage().arrayBuffers;
    let garbage: Buffer[] | null = Array.from({ length: 64 }, () => Buffer.allocUnsafeSlow(1 << 20).fill(1));
    expect(process.memoryUsage().arrayBuffers - base).toBeGreaterThanOrEqual(56 << 20);
    expect(garbage.length).toBe(64);
    garbage = null;
    collectGarbage();
    expect(process.memoryUsage().arrayBuffers - base).toBeLessThan(8 << 20);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });

  it('collectEvery(n) collects only once n more bytes have passed, counting again from there', () => {
    collectGarbage();
    const base = process.memoryUsage().arrayBuffers;
    const passed = collectEvery(10);
    for (const [lengths, collected] of [[[6], false], [[3, 1], true], [[9], false], [[1], true]] as const) {
      let garbage: Buffer[] | null = Array.from({ length: 32 }, () => Buffer.allocUnsafeSlow(1 << 20).fill(1));
      expect(garbage.length).toBe(32);
      garbage = null;
      for (const n of lengths) passed(n);
      const held = process.memoryUsage().arrayBuffers - base;
      if (collected) expect(held, `after ${lengths.join('+')} bytes`).toBeLessThan(8 << 20);
      else expect(held, `after ${lengths.join('+')} bytes`).toBeGreaterThanOrEqual(24 << 20);
      collectGarbage();
    }
  });

  it('keeps the heap much nearer its live set than V8 does by default', async () => {
    const [byDefault, frugal] = await Promise.all([maxHeapTotalMiB(false), maxHeapTotalMiB(true)]);
    // Measured: ~290–320 MiB by default, ~155–165 MiB frugal.
    expect(frugal).toBeLessThan(byDefault * 0.75);
  }, 90_000);
});
