/**
 * The crypto of libp2p's Noise handshake and transport encryption, chosen to work inside
 * Electron. Noise encrypts every libp2p byte with ChaCha20-Poly1305-IETF (RFC 8439);
 * its default takes that cipher from node:crypto, which Electron's BoringSSL lacks, and
 * its own Electron check covers only the main process, not the worker Notarium's core
 * runs in. So:
 *
 * - node:crypto has the cipher (plain Node): Noise's default;
 * - otherwise native libsodium through sodium-native (as the age payload path does,
 *   main/core/crypto/native-chacha.ts), with the rest of Noise's pure-JS suite (X25519,
 *   SHA-256, HKDF) unchanged;
 * - without sodium-native's binary: Noise's pure-JS suite throughout (about 10× slower).
 *
 * test/core/ipfs/noise-without-node-chacha.test.ts runs two nodes with the cipher removed.
 */
import { getCiphers } from 'node:crypto';
import { createRequire } from 'node:module';
import { pureJsCrypto, type ICryptoInterface } from '@libp2p/noise';

interface SodiumAead {
  crypto_aead_chacha20poly1305_ietf_encrypt(c: Uint8Array, m: Uint8Array, ad: Uint8Array | null, nsec: null, npub: Uint8Array, k: Uint8Array): number;
  crypto_aead_chacha20poly1305_ietf_decrypt(m: Uint8Array, nsec: null, c: Uint8Array, ad: Uint8Array | null, npub: Uint8Array, k: Uint8Array): number;
}

const TAG_BYTES = 16;

/** Which implementation `noiseCrypto` picked, for logs and tests. */
export type NoiseCryptoKind = 'node' | 'sodium-native' | 'pure-js';

/** Options for `noise()`: undefined crypto means Noise's node:crypto default. */
export function noiseCrypto(): { kind: NoiseCryptoKind; crypto?: ICryptoInterface } {
  if (getCiphers().includes('chacha20-poly1305')) return { kind: 'node' };
  let sodium: SodiumAead;
  try {
    sodium = createRequire(import.meta.url)('sodium-native') as SodiumAead;
  } catch {
    return { kind: 'pure-js', crypto: pureJsCrypto };
  }
  return {
    kind: 'sodium-native',
    crypto: {
      ...pureJsCrypto,
      chaCha20Poly1305Encrypt(plaintext, nonce, ad, k) {
        const m = plaintext instanceof Uint8Array ? plaintext : plaintext.subarray();
        const c = Buffer.allocUnsafe(m.byteLength + TAG_BYTES);
        sodium.crypto_aead_chacha20poly1305_ietf_encrypt(c, m, ad, null, nonce, k);
        return c;
      },
      chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k) {
        const c = ciphertext instanceof Uint8Array ? ciphertext : ciphertext.subarray();
        if (c.byteLength < TAG_BYTES) throw new Error('ciphertext shorter than its tag');
        const m = Buffer.allocUnsafe(c.byteLength - TAG_BYTES);
        // Throws on a forged or corrupted message, as node:crypto's final() does.
        sodium.crypto_aead_chacha20poly1305_ietf_decrypt(m, null, c, ad, nonce, k);
        return m;
      },
    },
  };
}
