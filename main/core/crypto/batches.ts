/**
 * Byte-stream plumbing for the age payload: regrouping arbitrary pieces into batches of
 * whole STREAM chunks, running the batches through the pool in order with a bounded
 * window, and splitting a prefix (the nonce, or a header) off a stream.
 */
import type { AgeCipherPool, BatchResult } from './cipher-pool.ts';

/** `chunks` whole chunks starting at STREAM counter `firstChunk`; `final` marks the stream's end. */
export interface Batch {
  data: Uint8Array;
  firstChunk: number;
  final: boolean;
}

/**
 * Regroups `source` into batches of `chunksPerBatch` chunks of `chunkSize` bytes. A full
 * batch is emitted as non-final only once a further byte is seen, so the STREAM last-chunk
 * flag is known exactly; the final batch (possibly empty, possibly full) ends the stream.
 * Each batch is a view at offset 0 of its own ArrayBuffer, ready to be transferred, with
 * `tagRoom` spare bytes per chunk so a worker can write sealed chunks back into it.
 */
export async function* toBatches(source: AsyncIterable<Uint8Array>, chunkSize: number, chunksPerBatch: number, tagRoom: number): AsyncGenerator<Batch> {
  const batchSize = chunkSize * chunksPerBatch;
  // Uninitialised memory: every byte a worker reads is written first, and the tail of the
  // final batch is zeroed below. Saves zero-filling 1 MiB per batch.
  const allocate = (): Uint8Array => Buffer.allocUnsafeSlow(batchSize + chunksPerBatch * tagRoom);
  let buf = allocate();
  let fill = 0;
  let firstChunk = 0;
  for await (const piece of source) {
    let off = 0;
    while (off < piece.length) {
      if (fill === batchSize) {
        yield { data: buf.subarray(0, fill), firstChunk, final: false };
        firstChunk += chunksPerBatch;
        buf = allocate();
        fill = 0;
      }
      const n = Math.min(batchSize - fill, piece.length - off);
      buf.set(piece.subarray(off, off + n), fill);
      fill += n;
      off += n;
    }
  }
  if (fill < batchSize / 2) {
    // Small files (and the tail of big ones) should not pin a whole batch buffer.
    const chunks = Math.max(1, Math.ceil(fill / chunkSize));
    const small = new Uint8Array(fill + chunks * tagRoom);
    small.set(buf.subarray(0, fill));
    buf = small;
  } else {
    buf.fill(0, fill);
  }
  yield { data: buf.subarray(0, fill), firstChunk, final: true };
}

/**
 * Runs batches through the pool keeping at most `pool.window` in flight and yields the
 * results in stream order. Stops after the first result with a failed chunk (yielding it,
 * so its good prefix can be released). Pulls `batches` only when the window has room,
 * which is the backpressure that keeps memory per stream at a few MiB.
 */
export async function* runInOrder(
  batches: AsyncIterable<Batch>,
  pool: AgeCipherPool,
  op: 'seal' | 'open',
  key: Uint8Array,
): AsyncGenerator<BatchResult> {
  const inFlight: Promise<BatchResult>[] = [];
  try {
    for await (const b of batches) {
      const p = pool.run({ op, key, firstChunk: b.firstChunk, final: b.final, data: b.data });
      // Results we may never await (after an error) must not surface as unhandled rejections.
      p.catch(() => undefined);
      inFlight.push(p);
      if (inFlight.length >= pool.window) {
        const r = await (inFlight.shift() as Promise<BatchResult>);
        yield r;
        if (r.failedChunk !== null) return;
      }
    }
    while (inFlight.length > 0) {
      const r = await (inFlight.shift() as Promise<BatchResult>);
      yield r;
      if (r.failedChunk !== null) return;
    }
  } finally {
    inFlight.length = 0;
  }
}

/**
 * Reads the first `n` bytes of `source`. Returns them (fewer if the stream ends first)
 * and the rest of the stream, which continues the same iterator.
 */
export async function takePrefix(source: AsyncIterable<Uint8Array>, n: number): Promise<{ prefix: Uint8Array; rest: AsyncIterable<Uint8Array> }> {
  return takeUntil(source, (buf) => (buf.length >= n ? n : null), n);
}

/**
 * Reads `source` until `end(buffered)` returns the prefix length, or `max` bytes are
 * buffered, or the stream ends (then the prefix is everything read, possibly short).
 */
export async function takeUntil(
  source: AsyncIterable<Uint8Array>,
  end: (buffered: Uint8Array) => number | null,
  max: number,
): Promise<{ prefix: Uint8Array; rest: AsyncIterable<Uint8Array> }> {
  const it = source[Symbol.asyncIterator]();
  const parts: Uint8Array[] = [];
  let total = 0;
  let buffered: Uint8Array = new Uint8Array(0);
  let done = false;
  let cut: number | null = null;
  while (cut === null && total < max) {
    const r = await it.next();
    if (r.done === true) {
      done = true;
      break;
    }
    parts.push(r.value);
    total += r.value.length;
    buffered = parts.length === 1 ? r.value : Buffer.concat(parts);
    parts.length = 0;
    parts.push(buffered);
    cut = end(buffered);
  }
  const at = cut ?? Math.min(total, max);
  const prefix = buffered.subarray(0, at);
  const leftover = buffered.subarray(at);
  async function* rest(): AsyncGenerator<Uint8Array> {
    if (leftover.length > 0) yield leftover;
    if (done) return;
    try {
      for (;;) {
        const r = await it.next();
        if (r.done === true) return;
        yield r.value;
      }
    } finally {
      await it.return?.();
    }
  }
  return { prefix, rest: rest() };
}
