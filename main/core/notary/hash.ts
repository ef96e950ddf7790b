/** Streaming SHA-256 (FIPS 180-4) of files: constant memory whatever the file size. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Read size for dataset files: 1 MiB, the IPFS chunk size, so reads line up with blocks. */
export const READ_CHUNK_BYTES = 1 << 20;

/**
 * SHA-256 of a file's bytes.
 * @returns `sha256` 0x-prefixed lowercase hex, `size` in bytes.
 * @param onBytes called with each chunk's length (progress).
 * @throws the fs error (ENOENT, EACCES…) as is.
 */
export async function sha256File(path: string, onBytes?: (n: number) => void, signal?: AbortSignal): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK_BYTES, ...(signal === undefined ? {} : { signal }) }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    onBytes?.(chunk.length);
  }
  return { sha256: `0x${hash.digest('hex')}`, size };
}
