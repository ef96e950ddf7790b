import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SodiumChaCha } from '../../../main/core/crypto/sodium-chacha.ts';

/** OpenSSL's ChaCha20-Poly1305 (present in plain Node, not in Electron) as an independent oracle. */
function opensslSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
}

function flipLastBit(b: Buffer): void {
  b.writeUInt8(b.readUInt8(b.length - 1) ^ 0x80, b.length - 1);
}

describe('SodiumChaCha (libsodium WASM, raw heap calls)', () => {
  it.each([0, 1, 15, 16, 65_535, 65_536])('seals %i bytes exactly as OpenSSL does and opens them back', async (n) => {
    const aead = await SodiumChaCha.load();
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const plaintext = randomBytes(n);
    aead.reserve(n + 16);
    aead.setKey(key);
    aead.setNonce(nonce);
    aead.setInput(plaintext);
    aead.seal(0, n, 0);
    const sealed = new Uint8Array(n + 16);
    aead.readOutput(sealed);
    expect(Buffer.from(sealed).equals(opensslSeal(key, nonce, plaintext))).toBe(true);

    aead.setInput(sealed);
    expect(aead.open(0, sealed.length, 0)).toBe(true);
    const opened = new Uint8Array(n);
    aead.readOutput(opened);
    expect(Buffer.from(opened).equals(plaintext)).toBe(true);
  });

  it('refuses forged tags, wrong nonces and inputs shorter than a tag', async () => {
    const aead = await SodiumChaCha.load();
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const sealed = opensslSeal(key, nonce, randomBytes(100));
    aead.reserve(sealed.length);
    aead.setKey(key);
    aead.setNonce(nonce);
    aead.setInput(sealed);
    expect(aead.open(0, sealed.length, 0)).toBe(true);
    flipLastBit(sealed);
    aead.setInput(sealed);
    expect(aead.open(0, sealed.length, 0)).toBe(false);
    expect(aead.open(0, 15, 0)).toBe(false);
    flipLastBit(sealed);
    aead.setInput(sealed);
    aead.setNonce(randomBytes(12));
    expect(aead.open(0, sealed.length, 0)).toBe(false);
  });
});
