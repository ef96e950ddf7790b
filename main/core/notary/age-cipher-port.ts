/**
 * The CipherPort (ports.ts) of an AgeCipherPool: age v1 (https://age-encryption.org/v1)
 * encryption and decryption of streams in the pool, and of whole files in its workers.
 */
import { decryptStream, encryptFile, encryptStream, type AgeCipherPool } from '../crypto/index.ts';
import type { CipherPort } from './ports.ts';

/**
 * The port over `pool`. With `files` and a pool that can seal files (a worker pool, see
 * AgeCipherPool.canSealFiles), the port also encrypts whole files in a worker
 * (`encryptFile`), cutting their payload in leaves of `files.leafSize` bytes and telling
 * `files.onLeaf` each leaf's SHA-256 (32 bytes), for an importer with that chunk size,
 * and how to hand the leaf's buffer back once stored (encryptFile's `release`).
 */
export function ageCipherPort(pool: AgeCipherPool, files?: { leafSize: number; onLeaf?: (bytes: Uint8Array, sha256: Uint8Array, release?: () => void) => void }): CipherPort {
  return {
    encrypt: (source, recipients) => encryptStream(source, recipients, pool),
    ...(files !== undefined && pool.canSealFiles
      ? {
          encryptFile: (file: string, recipients: readonly string[], o: { onPlaintextBytes?: (n: number) => void; signal?: AbortSignal }) =>
            encryptFile(file, recipients, pool, { ...files, ...o }),
        }
      : {}),
    decrypt: (header, payload, identities) => decryptStream(header, payload, identities, pool),
  };
}
