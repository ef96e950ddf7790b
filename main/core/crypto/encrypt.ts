/**
 * age v1 encryption with the header and the payload kept apart, as Notarium stores them
 * as two IPFS objects; header || payload is a standard age file.
 * Spec: https://github.com/C2SP/C2SP/blob/main/age.md
 */
import { randomBytes } from 'node:crypto';
import { runInOrder, toBatches } from './batches.ts';
import type { AgeCipherPool } from './cipher-pool.ts';
import { generateFileKey, wrapFileKey } from './file-key.ts';
import { CHUNK_SIZE, derivePayloadKey, PAYLOAD_NONCE_SIZE, TAG_SIZE } from './stream-format.ts';

/** An encrypted file: its header, and its payload as a one-shot stream. */
export interface EncryptedStream {
  /** The age header (stanzas for every recipient + MAC), ready before the payload is read. */
  header: Uint8Array;
  /** 16-byte nonce, then the STREAM chunks (64 KiB + 16-byte tag each). Iterate once. */
  payload: AsyncIterable<Uint8Array>;
}

/**
 * Encrypts `source` for `recipients` (age1... strings) under a fresh random file key.
 * The header is built eagerly; the payload reads `source` lazily as it is iterated, with
 * at most `pool.window` batches of `pool.batchChunks` chunks in flight. Plaintext bytes
 * in = payload bytes out minus 16 minus 16 per 64 KiB chunk (see payloadSize).
 * Throws NotariumError('INVALID_INPUT') for no or invalid recipients; the payload
 * iteration throws NotariumError('CRYPTO_FAILED') if the pool fails, or the source's errors.
 */
export async function encryptStream(source: AsyncIterable<Uint8Array>, recipients: readonly string[], pool: AgeCipherPool): Promise<EncryptedStream> {
  const fileKey = generateFileKey();
  const header = await wrapFileKey(fileKey, recipients);
  const nonce = new Uint8Array(randomBytes(PAYLOAD_NONCE_SIZE));
  const key = derivePayloadKey(fileKey, nonce);
  fileKey.fill(0);
  async function* payload(): AsyncGenerator<Uint8Array> {
    yield nonce;
    for await (const r of runInOrder(toBatches(source, CHUNK_SIZE, pool.batchChunks, TAG_SIZE), pool, 'seal', key)) yield r.data;
  }
  return { header, payload: payload() };
}

/**
 * Encrypts a small in-memory object (e.g. a manifest). Returns the header and the
 * whole payload; concatenated they form a standard age file.
 * Throws as encryptStream.
 */
export async function encryptBytes(plaintext: Uint8Array, recipients: readonly string[], pool: AgeCipherPool): Promise<{ header: Uint8Array; payload: Uint8Array }> {
  const { header, payload } = await encryptStream(
    (async function* one() {
      yield plaintext;
    })(),
    recipients,
    pool,
  );
  const parts: Uint8Array[] = [];
  for await (const p of payload) parts.push(p);
  return { header, payload: new Uint8Array(Buffer.concat(parts)) };
}

/** A file encrypted in a cipher worker (encryptFile). */
export interface EncryptedFile {
  /** The age header (stanzas for every recipient + MAC). */
  header: Uint8Array;
  /**
   * The payload (nonce ‖ STREAM chunks) in leaves of `leafSize` bytes (the last one
   * shorter). Iterate once, to the end; stopping early cancels the worker's job.
   */
  payload: AsyncIterable<Uint8Array>;
  /** SHA-256 of the plaintext as 0x-prefixed lowercase hex, and its size in bytes; settles after the payload's end. */
  plaintext: Promise<{ sha256: string; size: number }>;
}

/**
 * Encrypts the file at `path` for `recipients` (age1... strings) under a fresh random file
 * key, reading, hashing and sealing it in one of `pool`'s workers (file-seal.ts). The
 * payload bytes are those encryptStream would produce for the same key and nonce; they
 * arrive cut in leaves of `leafSize` bytes, and `onLeaf(bytes, sha256)` is told each
 * leaf's SHA-256 digest (32 bytes) before it is yielded, so an importer with the same
 * chunk size need not hash it again, and, for most full leaves, `release`: call it once
 * the leaf is stored and unused, to hand its buffer back to the worker
 * (SealedLeaf.release). `hashLeaves` says which thread hashes the leaves
 * (AgeCipherPool.sealFile; default 'worker').
 * Throws NotariumError('INVALID_INPUT') for no or invalid recipients; the payload throws
 * the file's read error (Node's, e.g. code ENOENT), the signal's reason, or
 * NotariumError('CRYPTO_FAILED') (also when `pool` has no workers: see pool.canSealFiles).
 */
export async function encryptFile(
  path: string,
  recipients: readonly string[],
  pool: AgeCipherPool,
  options: { leafSize: number; hashLeaves?: 'worker' | 'here'; onLeaf?: (bytes: Uint8Array, sha256: Uint8Array, release?: () => void) => void; onPlaintextBytes?: (n: number) => void; signal?: AbortSignal },
): Promise<EncryptedFile> {
  const fileKey = generateFileKey();
  const header = await wrapFileKey(fileKey, recipients);
  const nonce = new Uint8Array(randomBytes(PAYLOAD_NONCE_SIZE));
  const key = derivePayloadKey(fileKey, nonce);
  fileKey.fill(0);
  const sealed = pool.sealFile(path, {
    key,
    nonce,
    leafSize: options.leafSize,
    ...(options.hashLeaves === undefined ? {} : { hashLeaves: options.hashLeaves }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  key.fill(0);
  async function* payload(): AsyncGenerator<Uint8Array> {
    for await (const leaf of sealed.leaves) {
      options.onLeaf?.(leaf.bytes, leaf.digest, leaf.release);
      options.onPlaintextBytes?.(leaf.plaintextBytes);
      yield leaf.bytes;
    }
  }
  const plaintext = sealed.result.then(({ sha256, size }) => ({ sha256: `0x${Buffer.from(sha256).toString('hex')}`, size }));
  plaintext.catch(() => undefined);
  return { header, payload: payload(), plaintext };
}
