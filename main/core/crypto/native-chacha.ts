/**
 * ChaCha20-Poly1305-IETF (RFC 8439) from native libsodium through `sodium-native`
 * (holepunchto, prebuilt N-API binaries for Linux, Windows and macOS, so no compiler
 * and no Electron rebuild). About 4× the WASM build on one core here.
 *
 * It never touches node:crypto, so it works inside Electron (BoringSSL has no
 * chacha20-poly1305). Same interface as SodiumChaCha (the WASM backend), which stays the
 * fallback wherever the native binary cannot load.
 */
import { createRequire } from 'node:module';

interface SodiumNative {
  crypto_aead_chacha20poly1305_ietf_encrypt(c: Uint8Array, m: Uint8Array, ad: Uint8Array | null, nsec: null, npub: Uint8Array, k: Uint8Array): number;
  crypto_aead_chacha20poly1305_ietf_decrypt(m: Uint8Array, nsec: null, c: Uint8Array, ad: Uint8Array | null, npub: Uint8Array, k: Uint8Array): number;
  sodium_memzero(buf: Uint8Array): void;
}

const KEY_SIZE = 32;
const NONCE_SIZE = 12;
const TAG_SIZE = 16;

/** Native workspace: an input region, an output region, a key and a nonce. Not thread-shared. */
export class NativeChaCha {
  readonly #s: SodiumNative;
  readonly #key = new Uint8Array(KEY_SIZE);
  readonly #nonce = new Uint8Array(NONCE_SIZE);
  #in = new Uint8Array(0);
  #out = new Uint8Array(0);

  private constructor(s: SodiumNative) {
    this.#s = s;
  }

  /** Loads sodium-native. Throws Error when its binary is not available for this platform. */
  static load(): NativeChaCha {
    const s = createRequire(import.meta.url)('sodium-native') as SodiumNative;
    if (typeof s.crypto_aead_chacha20poly1305_ietf_encrypt !== 'function') throw new Error('sodium-native lacks chacha20poly1305_ietf');
    return new NativeChaCha(s);
  }

  reserve(bytes: number): void {
    if (bytes <= this.#in.length) return;
    this.#in = new Uint8Array(bytes);
    this.#out = new Uint8Array(bytes);
  }

  setInput(bytes: Uint8Array): void {
    this.#in.set(bytes, 0);
  }

  setKey(key: Uint8Array): void {
    if (key.length !== KEY_SIZE) throw new Error('ChaCha20-Poly1305 keys are 32 bytes');
    this.#key.set(key);
  }

  setNonce(nonce: Uint8Array): void {
    this.#nonce.set(nonce.subarray(0, NONCE_SIZE));
  }

  seal(inOffset: number, length: number, outOffset: number): void {
    this.#s.crypto_aead_chacha20poly1305_ietf_encrypt(this.#out.subarray(outOffset, outOffset + length + TAG_SIZE), this.#in.subarray(inOffset, inOffset + length), null, null, this.#nonce, this.#key);
  }

  open(inOffset: number, length: number, outOffset: number): boolean {
    if (length < TAG_SIZE) return false;
    try {
      this.#s.crypto_aead_chacha20poly1305_ietf_decrypt(this.#out.subarray(outOffset, outOffset + length - TAG_SIZE), null, this.#in.subarray(inOffset, inOffset + length), null, this.#nonce, this.#key);
      return true;
    } catch {
      // sodium-native throws on a forged or corrupted chunk.
      return false;
    }
  }

  readOutput(into: Uint8Array): void {
    into.set(this.#out.subarray(0, into.length));
  }

  wipe(inBytes: number, outBytes: number): void {
    this.#s.sodium_memzero(this.#key);
    this.#s.sodium_memzero(this.#in.subarray(0, Math.min(inBytes, this.#in.length)));
    this.#s.sodium_memzero(this.#out.subarray(0, Math.min(outBytes, this.#out.length)));
  }
}
