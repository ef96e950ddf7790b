/**
 * age v1 decryption of a detached header + payload, and splitting a whole age file
 * (e.g. one written by the `age` CLI) into those two parts.
 * Spec: https://github.com/C2SP/C2SP/blob/main/age.md
 */
import { NotariumError } from '../../../shared/errors.ts';
import { runInOrder, takePrefix, takeUntil, toBatches } from './batches.ts';
import type { AgeCipherPool } from './cipher-pool.ts';
import { unwrapFileKey } from './file-key.ts';
import { findHeaderEnd, headerError } from './header.ts';
import { derivePayloadKey, PAYLOAD_NONCE_SIZE, SEALED_CHUNK_SIZE } from './stream-format.ts';

/** Largest header we read: room for hundreds of post-quantum stanzas (~1.6 KiB each). */
export const MAX_HEADER_SIZE = 1024 * 1024;

function payloadError(message: string): NotariumError {
  return new NotariumError('AGE_DECRYPT_FAILED', `age payload: ${message}`, { details: { reason: 'payload' } });
}

/**
 * Decrypts an age payload (16-byte nonce + STREAM chunks) under `header` with any of
 * `identities` (AGE-SECRET-KEY-1... strings), yielding plaintext in order while keeping
 * at most `pool.window` batches in flight.
 *
 * The payload is authenticated chunk by chunk, so plaintext is released before the end
 * is verified: a caller must treat everything as invalid if iteration throws (write to
 * a temporary file and rename only on success).
 *
 * Iteration throws NotariumError('AGE_DECRYPT_FAILED') with `details.reason`
 * 'header' | 'no-match' | 'hmac' (see unwrapFileKey) before yielding anything, or
 * 'payload' when a chunk fails to authenticate, the payload is truncated (the last-chunk
 * flag was never seen), has trailing data, or lacks its nonce.
 * Throws NotariumError('INVALID_INPUT') for an invalid identity string.
 */
export async function* decryptStream(
  header: Uint8Array,
  payload: AsyncIterable<Uint8Array>,
  identities: readonly string[],
  pool: AgeCipherPool,
): AsyncGenerator<Uint8Array> {
  const fileKey = await unwrapFileKey(header, identities);
  const { prefix: nonce, rest } = await takePrefix(payload, PAYLOAD_NONCE_SIZE);
  if (nonce.length < PAYLOAD_NONCE_SIZE) throw payloadError('missing or short nonce');
  const key = derivePayloadKey(fileKey, nonce);
  fileKey.fill(0);
  for await (const r of runInOrder(toBatches(rest, SEALED_CHUNK_SIZE, pool.batchChunks, 0), pool, 'open', key)) {
    if (r.data.length > 0) yield r.data;
    if (r.failedChunk !== null) throw payloadError('a chunk is truncated, altered, out of place, or missing');
  }
}

/**
 * Decrypts a small object (header + whole payload) into memory.
 * Throws as decryptStream.
 */
export async function decryptBytes(header: Uint8Array, payload: Uint8Array, identities: readonly string[], pool: AgeCipherPool): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const source = (async function* one() {
    yield payload;
  })();
  for await (const p of decryptStream(header, source, identities, pool)) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * Splits a whole age file (binary, not armored) into its header and payload.
 * Throws NotariumError('AGE_DECRYPT_FAILED', reason 'header') when no header end is
 * found within MAX_HEADER_SIZE bytes. The header itself is validated later, by unwrapFileKey.
 */
export function splitAgeFile(file: Uint8Array): { header: Uint8Array; payload: Uint8Array } {
  const end = findHeaderEnd(file.subarray(0, MAX_HEADER_SIZE));
  if (end === null) throw headerError('no MAC line');
  return { header: file.subarray(0, end), payload: file.subarray(end) };
}

/**
 * Streaming splitAgeFile: reads the header off `file` and returns it with the rest of
 * the stream as the payload. Throws as splitAgeFile.
 */
export async function readAgeHeader(file: AsyncIterable<Uint8Array>): Promise<{ header: Uint8Array; payload: AsyncIterable<Uint8Array> }> {
  const { prefix, rest } = await takeUntil(file, findHeaderEnd, MAX_HEADER_SIZE);
  if (findHeaderEnd(prefix) !== prefix.length) throw headerError('no MAC line');
  return { header: prefix, payload: rest };
}
