/**
 * Constants and key derivation of the age v1 payload (STREAM over ChaCha20-Poly1305).
 * Spec: https://github.com/C2SP/C2SP/blob/main/age.md#payload
 *
 * payload = nonce (16 bytes) || chunk_0 || ... || chunk_n, every chunk is
 * ChaCha20-Poly1305(payloadKey, streamNonce(i, last), plaintext[i*64KiB ..]) with a
 * 16-byte tag, every chunk but the last holds exactly 64 KiB of plaintext.
 */
import { hkdfSync } from 'node:crypto';

/** Plaintext bytes per STREAM chunk (64 KiB). */
export const CHUNK_SIZE = 64 * 1024;
/** Poly1305 tag bytes appended to each chunk. */
export const TAG_SIZE = 16;
/** Ciphertext bytes of a full chunk. */
export const SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;
/** Bytes of the random nonce that opens the payload (the HKDF salt of the payload key). */
export const PAYLOAD_NONCE_SIZE = 16;
/** Bytes of an age file key. */
export const FILE_KEY_SIZE = 16;

const PAYLOAD_INFO = new TextEncoder().encode('payload');

/**
 * payloadKey = HKDF-SHA-256(ikm = fileKey, salt = nonce, info = "payload"), 32 bytes.
 * node:crypto HKDF is also present in Electron's BoringSSL build, unlike ChaCha20-Poly1305.
 */
export function derivePayloadKey(fileKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', fileKey, nonce, PAYLOAD_INFO, 32));
}

/**
 * Writes the 12-byte ChaCha20-Poly1305 nonce of chunk `counter` into `out`:
 * an 11-byte big-endian counter followed by 0x01 for the last chunk, else 0x00.
 * `counter` is below 2^53, far beyond any file we will see (2^53 chunks = 512 EiB).
 */
export function writeStreamNonce(out: Uint8Array, counter: number, last: boolean): void {
  const view = new DataView(out.buffer, out.byteOffset, 12);
  view.setUint8(0, 0);
  view.setUint16(1, 0);
  view.setUint32(3, Math.floor(counter / 2 ** 32));
  view.setUint32(7, counter >>> 0);
  view.setUint8(11, last ? 1 : 0);
}

/** Payload size in bytes (nonce + sealed chunks) for a plaintext of `plaintextSize` bytes. */
export function payloadSize(plaintextSize: number): number {
  const chunks = plaintextSize === 0 ? 1 : Math.ceil(plaintextSize / CHUNK_SIZE);
  return PAYLOAD_NONCE_SIZE + plaintextSize + chunks * TAG_SIZE;
}
