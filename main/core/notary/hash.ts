/** Streaming SHA-256 (FIPS 180-4) of files: constant memory whatever the file size. */
import { createHash } from 'node:crypto';
import { close, createReadStream, open, read } from 'node:fs';
import { mapWeighted } from './map-limit.ts';

/** Read size for dataset files: 1 MiB, the IPFS chunk size, so reads line up with blocks. */
export const READ_CHUNK_BYTES = 1 << 20;

/** Files hashed at once by sha256Files: enough to keep the libuv threadpool (4 threads) busy with small-file syscalls. */
export const HASH_CONCURRENCY = 16;

/** Buffer budget (bytes) shared by the files sha256Files hashes at once. */
const HASH_BUFFER_BUDGET = 16 * READ_CHUNK_BYTES;

/** SHA-256 of one file: `sha256` 0x-prefixed lowercase hex, `size` in bytes actually read. */
export interface FileDigest {
  sha256: string;
  size: number;
}

/**
 * SHA-256 of a file's bytes.
 * @returns `sha256` 0x-prefixed lowercase hex, `size` in bytes.
 * @param onBytes called with each chunk's length (progress).
 * @throws the fs error (ENOENT, EACCES…) as is.
 */
export async function sha256File(path: string, onBytes?: (n: number) => void, signal?: AbortSignal): Promise<FileDigest> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES, ...(signal === undefined ? {} : { signal }) }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    onBytes?.(chunk.length);
  }
  return { sha256: `0x${hash.digest('hex')}`, size };
}

const openFd = (path: string): Promise<number> => new Promise((resolve, reject) => open(path, 'r', (e, fd) => (e === null ? resolve(fd) : reject(e))));
const readAt = (fd: number, buffer: Buffer, position: number): Promise<number> =>
  new Promise((resolve, reject) => read(fd, buffer, 0, buffer.length, position, (e, n) => (e === null ? resolve(n) : reject(e))));
const closeFd = (fd: number): Promise<void> => new Promise((resolve, reject) => close(fd, (e) => (e === null ? resolve() : reject(e))));

/**
 * One file through two buffers of `chunkBytes`: the next chunk is read (libuv threadpool)
 * while this one is hashed. Reads until EOF, so a file that changed size since it was
 * listed is hashed as it is now. Uses the callback fs API: its promise twin costs a
 * FileHandle object per file, which shows at 100,000 small files.
 */
async function sha256Fd(path: string, chunkBytes: number, onBytes: ((n: number) => void) | undefined): Promise<FileDigest> {
  const fd = await openFd(path);
  let buffers = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)] as const;
  let pending: Promise<number> | null = null;
  try {
    const hash = createHash('sha256');
    let size = 0;
    let which: 0 | 1 = 0;
    pending = readAt(fd, buffers[0], 0);
    for (;;) {
      const bytesRead = await pending;
      pending = null;
      if (bytesRead === 0) break;
      const chunk = buffers[which];
      size += bytesRead;
      // The file outgrew the size it was listed with: full-size reads from here on.
      if (bytesRead === chunk.length && chunk.length < READ_CHUNK_BYTES) buffers = [Buffer.allocUnsafe(READ_CHUNK_BYTES), Buffer.allocUnsafe(READ_CHUNK_BYTES)];
      which = which === 0 ? 1 : 0;
      pending = readAt(fd, buffers[which], size);
      hash.update(chunk.subarray(0, bytesRead));
      onBytes?.(bytesRead);
    }
    return { sha256: `0x${hash.digest('hex')}`, size };
  } finally {
    // A read still in flight writes into our buffer and uses the descriptor: let it land first.
    if (pending !== null) await pending.catch(() => undefined);
    await closeFd(fd);
  }
}

/**
 * SHA-256 of many files, several at once (small files are latency-bound: their syscalls
 * overlap on the libuv threadpool). Each file is read through two reused buffers of
 * min(size + 1, READ_CHUNK_BYTES) bytes, the next read overlapping the hashing, so a small
 * file takes one data read; at most HASH_CONCURRENCY files and 16 MiB of buffers in flight.
 * @param files `absPath`, and `size` in bytes as last seen (sizes the read buffers; the
 *   digest's `size` is what was actually read).
 * @param opts.onBytes called with each chunk's length in bytes, for progress.
 * @param opts.onFileDone called once per finished file, in completion order.
 * @returns one FileDigest per file, in input order.
 * @throws the first fs error (ENOENT, EACCES…) as is; NotariumError('CANCELLED') once
 *   `opts.signal` is aborted (files already started finish first).
 */
export async function sha256Files(
  files: readonly { absPath: string; size: number }[],
  opts: { onBytes?: (n: number) => void; onFileDone?: (index: number) => void; signal?: AbortSignal; concurrency?: number } = {},
): Promise<FileDigest[]> {
  return mapWeighted(
    files,
    {
      limit: opts.concurrency ?? HASH_CONCURRENCY,
      budget: HASH_BUFFER_BUDGET,
      weight: (f) => 2 * Math.min(f.size + 1, READ_CHUNK_BYTES),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    },
    async (f, i) => {
      // size + 1: a file that did not change is read in one read, and the next read sees EOF.
      const digest = await sha256Fd(f.absPath, Math.min(f.size + 1, READ_CHUNK_BYTES), opts.onBytes);
      opts.onFileDone?.(i);
      return digest;
    },
  );
}
