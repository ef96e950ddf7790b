/**
 * Reading a UnixFS file with bounded memory.
 *
 * The UnixFS exporter behind `@helia/unixfs` `cat` pushes every block of the requested
 * range into an unbounded queue as fast as the disk delivers, whatever the consumer's
 * pace: reading a 256 MiB file and pausing after the first chunk held all 256 MiB in
 * memory (measured). Notarium streams multi-GB payloads into decryption, so the range
 * is read as consecutive windows of a few chunks; each window is one exporter call,
 * started only when the consumer has taken the previous one. A window re-reads only the
 * root and inner nodes above its leaves (≈ 40 KiB per 8 MiB window).
 */
import type { UnixFS } from '@helia/unixfs';
import type { CID } from 'multiformats/cid';

/** What to read and how far ahead. */
export interface WindowedCatOptions {
  /** First byte, default 0. */
  offset?: number;
  /** Most bytes, default to the end. */
  length?: number;
  signal?: AbortSignal;
  /** Bytes per window; windows end on multiples of it so a leaf is read once. */
  windowSize: number;
  /** Blocks the exporter reads in parallel within a window. */
  blockReadConcurrency: number;
}

/**
 * Streams `[offset, offset + length)` of the file `cid`, holding at most about one
 * window of bytes beyond what the consumer took. Always reads the root, so a missing
 * CID fails even for `length: 0`. Throws the exporter's and blockstore's errors as is.
 */
export async function* catInWindows(fs: UnixFS, cid: CID, options: WindowedCatOptions): AsyncGenerator<Uint8Array> {
  let position = options.offset ?? 0;
  let remaining = options.length ?? Number.POSITIVE_INFINITY;
  for (;;) {
    const windowEnd = (Math.floor(position / options.windowSize) + 1) * options.windowSize;
    const wanted = Math.min(remaining, windowEnd - position);
    // Offline: a block not on disk fails at once instead of being looked for.
    const catOptions = { offline: true, signal: options.signal, offset: position, length: wanted, blockReadConcurrency: options.blockReadConcurrency };
    let got = 0;
    for await (const chunk of fs.cat(cid, catOptions)) {
      got += chunk.byteLength;
      yield chunk;
    }
    position += got;
    remaining -= got;
    // A short window means the file ended.
    if (got < wanted || remaining <= 0) return;
  }
}
