/**
 * What the notary pipeline needs from the other services, stated narrowly so the
 * pipeline is testable and the services stay swappable (e.g. Kubo instead of Helia).
 * main/core/notarium.ts wires the real services to these ports.
 */

/** age encryption (main/core/crypto). */
export interface CipherPort {
  /** age v1: header (with one stanza per recipient) and payload stream, separately. */
  encrypt(source: AsyncIterable<Uint8Array>, recipients: readonly string[]): Promise<{ header: Uint8Array; payload: AsyncIterable<Uint8Array> }>;
  /**
   * Optional: encrypts the file at `path` off the main thread, hashing its plaintext on
   * the way (crypto encryptFile). The payload has the same bytes as `encrypt` would give;
   * `plaintext` settles after the payload's end with the SHA-256 (0x hex) and size read.
   * `onPlaintextBytes` reports progress in plaintext bytes.
   */
  encryptFile?(
    path: string,
    recipients: readonly string[],
    options: { onPlaintextBytes?: (n: number) => void; signal?: AbortSignal },
  ): Promise<{ header: Uint8Array; payload: AsyncIterable<Uint8Array>; plaintext: Promise<{ sha256: string; size: number }> }>;
  /** Decrypts header ‖ payload with `identities`; throws NotariumError('AGE_DECRYPT_FAILED'). */
  decrypt(header: Uint8Array, payload: AsyncIterable<Uint8Array>, identities: readonly string[]): AsyncIterable<Uint8Array>;
}

/**
 * Content-addressed storage (main/core/ipfs). CIDs are CIDv1 base32 strings. A port made
 * for group commit leaves adds and pins to the next `commit()` (durable and visible
 * then); otherwise each call is durable when it resolves and `commit()` does nothing.
 */
export interface StoragePort {
  addBytes(bytes: Uint8Array): Promise<string>;
  addStream(source: AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<string>;
  pin(cid: string): Promise<void>;
  /** True if `cid` is pinned (a committed pin). */
  isPinned(cid: string): Promise<boolean>;
  /** Makes every add and pin made through this port so far durable (IpfsBackend.commit). */
  commit(): Promise<void>;
  cat(cid: string, signal?: AbortSignal): AsyncIterable<Uint8Array>;
  /** Whole content of a small object (an age header): one verified block read when it is a raw leaf. */
  readSmall(cid: string, maxBytes: number): Promise<Uint8Array>;
}
