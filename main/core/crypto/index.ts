/**
 * The age encryption service (age v1, https://age-encryption.org/v1, C2SP age.md).
 *
 * Each file gets its own random file key. Its header (one stanza per recipient + MAC)
 * and its payload (nonce + STREAM of ChaCha20-Poly1305 64 KiB chunks) are produced
 * separately, as they are stored as separate IPFS objects; header || payload is a
 * standard age file. Sharing writes a new header for the same file key (rewrapHeader),
 * never re-encrypting the payload, so payload CIDs never change.
 *
 * The payload path runs libsodium (native or WASM) in worker threads (AgeCipherPool;
 * AgeCipherPool.inThread for a few small objects): Electron's node:crypto has no
 * chacha20-poly1305. RewrapPool re-wraps many headers on the calling thread plus workers. Headers use typage (age-encryption) recipient
 * and identity types: X25519 (age1...), hybrid ML-KEM-768 + X25519 (age1pq1...), and
 * wrapping for tag recipients (age1tag1..., age1tagpq1...).
 *
 * Errors: NotariumError 'INVALID_INPUT' (bad key strings, no recipients),
 * 'AGE_DECRYPT_FAILED' (details.reason 'header' | 'no-match' | 'hmac' | 'payload'),
 * 'CRYPTO_FAILED' (the worker pool failed or was closed).
 */
export { AgeCipherPool, type AgeCipherPoolOptions, type InThreadCipherOptions } from './cipher-pool.ts';
export { RewrapPool, HEADERS_PER_WORKER, REWRAPS_PER_THREAD, type RewrapPoolOptions } from './rewrap-pool.ts';
export { encryptStream, encryptBytes, encryptFile, type EncryptedFile, type EncryptedStream } from './encrypt.ts';
export { decryptStream, decryptBytes, splitAgeFile, readAgeHeader, MAX_HEADER_SIZE } from './decrypt.ts';
export { unwrapFileKey, rewrapHeader, createRewrapper } from './file-key.ts';
export { generateAgeIdentity, identityToRecipient, parseRecipient, parseIdentity, type RecipientType, type IdentityType, type ParsedRecipient } from './keys.ts';
export { payloadSize, CHUNK_SIZE } from './stream-format.ts';
