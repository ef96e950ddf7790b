import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { AgeCipherPool, decryptBytes, encryptBytes, generateAgeIdentity } from '../../../main/core/crypto/index.ts';

describe('libsodium backend selection', () => {
  it('auto picks native libsodium where sodium-native has a binary (linux-x64 here), wasm when forced', async () => {
    const auto = await AgeCipherPool.create({ size: 1 });
    const wasm = await AgeCipherPool.create({ size: 1, backend: 'wasm' });
    try {
      expect(auto.backend).toBe('native');
      expect(wasm.backend).toBe('wasm');
    } finally {
      await auto.close();
      await wasm.close();
    }
  });

  it('a payload sealed by the native backend opens with the WASM one and vice versa', async () => {
    const native = await AgeCipherPool.create({ size: 1, backend: 'native' });
    const wasm = await AgeCipherPool.create({ size: 1, backend: 'wasm' });
    try {
      const { identity, recipient } = await generateAgeIdentity();
      const plain = randomBytes(5 * 65536 + 17);
      const a = await encryptBytes(plain, [recipient], native);
      expect(Buffer.from(await decryptBytes(a.header, a.payload, [identity], wasm)).equals(plain)).toBe(true);
      const b = await encryptBytes(plain, [recipient], wasm);
      expect(Buffer.from(await decryptBytes(b.header, b.payload, [identity], native)).equals(plain)).toBe(true);
    } finally {
      await native.close();
      await wasm.close();
    }
  });
});
