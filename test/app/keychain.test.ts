import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PassphraseKeychain, type SafeStorageLike } from '../../main/app/keychain.ts';

/** Electron cannot run in tests: a reversible stand-in for safeStorage with a chosen backend. */
function safeStorage(backend: string, available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (s) => Buffer.from(`enc:${Buffer.from(s).toString('base64')}`),
    decryptString: (b) => {
      const t = b.toString();
      if (!t.startsWith('enc:')) throw new Error('cannot decrypt');
      return Buffer.from(t.slice(4), 'base64').toString();
    },
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'notarium-keychain-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('PassphraseKeychain', () => {
  it('stores the passphrase only encrypted, with mode 0600, and loads it back', async () => {
    const file = path.join(dir, 'passphrase.keychain');
    const k = new PassphraseKeychain(safeStorage('gnome_libsecret'), file, 'linux');
    await k.store('correct horse battery');
    expect((await readFile(file)).toString()).not.toContain('correct horse');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await k.load()).toBe('correct horse battery');
    expect(await k.info()).toEqual({ available: true, backend: 'gnome_libsecret', remembered: true, refusal: null });
    await k.forget();
    expect(await k.load()).toBeNull();
  });

  it('refuses basic_text with KEYCHAIN_REFUSED and writes nothing', async () => {
    const file = path.join(dir, 'passphrase.keychain');
    const k = new PassphraseKeychain(safeStorage('basic_text'), file, 'linux');
    await expect(k.store('correct horse battery')).rejects.toMatchObject({ code: 'KEYCHAIN_REFUSED' });
    await expect(stat(file)).rejects.toThrow();
    const info = await k.info();
    expect(info.available).toBe(false);
    expect(info.refusal).toMatch(/basic_text/);
  });

  it('does not load a blob stored earlier once the backend has become basic_text', async () => {
    const file = path.join(dir, 'passphrase.keychain');
    await new PassphraseKeychain(safeStorage('kwallet6'), file, 'linux').store('correct horse battery');
    expect(await new PassphraseKeychain(safeStorage('basic_text'), file, 'linux').load()).toBeNull();
  });
});
