/**
 * ChaCha20-Poly1305-IETF (RFC 8439) from libsodium's WebAssembly build, called on
 * buffers that stay inside the WASM heap.
 *
 * Why not the libsodium-wrappers functions: they malloc, copy in, copy out and free for
 * every 64 KiB chunk, and the garbage (16 off-heap arrays per MiB) makes each transfer
 * back to the main thread pay for a GC; together that cost ~20-25% of a core. Here a
 * batch is copied into the heap once and sealed/opened in place chunk by chunk.
 *
 * This uses the raw Emscripten exports that libsodium-wrappers itself calls (64-bit
 * lengths passed as two 32-bit halves). load() checks them against the documented
 * wrapper API on a known input and refuses to run if they disagree, so a libsodium
 * upgrade that changes that ABI fails loudly at startup instead of corrupting data.
 */
import sodium from 'libsodium-wrappers';

interface SodiumModule {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  // (c, clen_p, m, mlen_lo, mlen_hi, ad, adlen_lo, adlen_hi, nsec, npub, k) -> 0
  _crypto_aead_chacha20poly1305_ietf_encrypt(...args: number[]): number;
  // (m, mlen_p, nsec, c, clen_lo, clen_hi, ad, adlen_lo, adlen_hi, npub, k) -> 0 | -1
  _crypto_aead_chacha20poly1305_ietf_decrypt(...args: number[]): number;
}

const KEY_SIZE = 32;
const NONCE_SIZE = 12;
const TAG_SIZE = 16;

/** One heap workspace: an input region, an output region, a key and a nonce slot. Not thread-shared. */
export class SodiumChaCha {
  readonly #m: SodiumModule;
  readonly #keyPtr: number;
  readonly #noncePtr: number;
  #inPtr = 0;
  #outPtr = 0;
  #capacity = 0;

  private constructor(m: SodiumModule) {
    this.#m = m;
    this.#keyPtr = m._malloc(KEY_SIZE);
    this.#noncePtr = m._malloc(NONCE_SIZE);
  }

  /** Waits for libsodium, then checks the raw exports against the wrapper API. Throws Error if they disagree. */
  static async load(): Promise<SodiumChaCha> {
    await sodium.ready;
    const m = (sodium as unknown as { libsodium?: SodiumModule }).libsodium;
    if (m === undefined || typeof m._crypto_aead_chacha20poly1305_ietf_encrypt !== 'function' || typeof m._malloc !== 'function') {
      throw new Error('libsodium-wrappers no longer exposes its WASM module');
    }
    const c = new SodiumChaCha(m);
    c.#selfTest();
    return c;
  }

  /** Makes room for `bytes` in both the input and the output region. */
  reserve(bytes: number): void {
    if (bytes <= this.#capacity) return;
    if (this.#capacity > 0) {
      this.#m._free(this.#inPtr);
      this.#m._free(this.#outPtr);
    }
    this.#inPtr = this.#m._malloc(bytes);
    this.#outPtr = this.#m._malloc(bytes);
    if (this.#inPtr === 0 || this.#outPtr === 0) throw new Error('libsodium heap exhausted');
    this.#capacity = bytes;
  }

  /** Copies `bytes` to the start of the input region (after reserve). */
  setInput(bytes: Uint8Array): void {
    this.#m.HEAPU8.set(bytes, this.#inPtr);
  }

  setKey(key: Uint8Array): void {
    if (key.length !== KEY_SIZE) throw new Error('ChaCha20-Poly1305 keys are 32 bytes');
    this.#m.HEAPU8.set(key, this.#keyPtr);
  }

  setNonce(nonce: Uint8Array): void {
    this.#m.HEAPU8.set(nonce.subarray(0, NONCE_SIZE), this.#noncePtr);
  }

  /** Seals input[inOffset, +length) to output[outOffset, +length + 16) under the current key and nonce. */
  seal(inOffset: number, length: number, outOffset: number): void {
    const m = this.#m;
    m._crypto_aead_chacha20poly1305_ietf_encrypt(this.#outPtr + outOffset, 0, this.#inPtr + inOffset, length, 0, 0, 0, 0, 0, this.#noncePtr, this.#keyPtr);
  }

  /** Opens input[inOffset, +length) (tag included) to output[outOffset, ...); false if it does not authenticate. */
  open(inOffset: number, length: number, outOffset: number): boolean {
    if (length < TAG_SIZE) return false;
    const m = this.#m;
    return m._crypto_aead_chacha20poly1305_ietf_decrypt(this.#outPtr + outOffset, 0, 0, this.#inPtr + inOffset, length, 0, 0, 0, 0, this.#noncePtr, this.#keyPtr) === 0;
  }

  /** Copies output[0, into.length) into `into`. */
  readOutput(into: Uint8Array): void {
    into.set(this.#m.HEAPU8.subarray(this.#outPtr, this.#outPtr + into.length));
  }

  /** Zeroes the key and both regions, so no plaintext or key lingers in the heap between jobs. */
  wipe(inBytes: number, outBytes: number): void {
    const heap = this.#m.HEAPU8;
    heap.fill(0, this.#keyPtr, this.#keyPtr + KEY_SIZE);
    heap.fill(0, this.#inPtr, this.#inPtr + Math.min(inBytes, this.#capacity));
    heap.fill(0, this.#outPtr, this.#outPtr + Math.min(outBytes, this.#capacity));
  }

  #selfTest(): void {
    const key = Uint8Array.from({ length: KEY_SIZE }, (_, i) => i);
    const nonce = Uint8Array.from({ length: NONCE_SIZE }, (_, i) => 100 + i);
    const plaintext = Uint8Array.from({ length: 100 }, (_, i) => (i * 7) & 0xff);
    const expected = sodium.crypto_aead_chacha20poly1305_ietf_encrypt(plaintext, null, null, nonce, key);
    this.reserve(expected.length);
    this.setKey(key);
    this.setNonce(nonce);
    this.setInput(plaintext);
    this.seal(0, plaintext.length, 0);
    const sealed = new Uint8Array(expected.length);
    this.readOutput(sealed);
    this.setInput(sealed);
    const opened = new Uint8Array(plaintext.length);
    if (!this.open(0, sealed.length, 0)) opened.fill(0xff);
    else this.readOutput(opened);
    this.setInput(Uint8Array.from(sealed, (b, i) => (i === 0 ? b ^ 1 : b)));
    const forgeryRejected = !this.open(0, sealed.length, 0);
    this.wipe(expected.length, expected.length);
    const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
    if (!same(sealed, expected) || !same(opened, plaintext) || !forgeryRejected) {
      throw new Error('libsodium raw ChaCha20-Poly1305 exports disagree with its wrapper API');
    }
  }
}
