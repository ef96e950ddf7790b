/**
 * The pinning service token's path: kept encrypted by the shell's KeychainSecretStore
 * (refusing plaintext backends), stored through setPinningToken, never returned by any
 * operation, and handed to the core worker only on its request through the host.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreHost } from '../../main/app/core-host/host.ts';
import type { SafeStorageLike } from '../../main/app/keychain.ts';
import { KeychainSecretStore } from '../../main/app/keychain-secrets.ts';
import { createShellHandlers, type CorePort } from '../../main/app/shell-handlers.ts';
import { PINNING_TOKEN_SECRET } from '../../main/core/ipfs/secret-store.ts';
import { dispatch } from '../../shared/api/index.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Electron cannot run in tests: a reversible stand-in for safeStorage with a chosen backend. */
function safeStorage(backend: string): SafeStorageLike {
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (s) => Buffer.from(`enc:${Buffer.from(s).toString('base64')}`),
    decryptString: (b) => Buffer.from(b.toString().slice(4), 'base64').toString(),
  };
}

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.pinning-secret';
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir('notarium-secrets-');
});
afterEach(async () => {
  await tmp.cleanup();
});

describe('KeychainSecretStore', () => {
  it('keeps a secret only encrypted, mode 0600, and replaces it', async () => {
    const store = new KeychainSecretStore(safeStorage('gnome_libsecret'), path.join(tmp.dir, 'secrets'), 'linux');
    expect(await store.get(PINNING_TOKEN_SECRET)).toBeUndefined();
    await store.set(PINNING_TOKEN_SECRET, TOKEN);
    const [file] = await readdir(path.join(tmp.dir, 'secrets'));
    const blob = await readFile(path.join(tmp.dir, 'secrets', file as string), 'utf8');
    expect(blob).not.toContain('pinning-secret');
    expect((await stat(path.join(tmp.dir, 'secrets', file as string))).mode & 0o777).toBe(0o600);
    await store.set(PINNING_TOKEN_SECRET, 'second');
    expect(await store.get(PINNING_TOKEN_SECRET)).toBe('second');
    expect(await store.has(PINNING_TOKEN_SECRET)).toBe(true);
  });

  it('refuses the plaintext basic_text backend and names that are paths', async () => {
    const store = new KeychainSecretStore(safeStorage('basic_text'), path.join(tmp.dir, 'secrets'), 'linux');
    await expect(store.set(PINNING_TOKEN_SECRET, TOKEN)).rejects.toMatchObject({ code: 'KEYCHAIN_REFUSED' });
    expect(store.refusal()).toMatch(/basic_text|plain/i);
    const good = new KeychainSecretStore(safeStorage('kwallet6'), path.join(tmp.dir, 'secrets'), 'linux');
    await expect(good.set('../escape', TOKEN)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('setPinningToken and status', () => {
  const core: CorePort = {
    call: async (op) => (op === 'status' ? { ok: true, value: { dataDir: '/d', account: null, unlocked: false, keychain: { available: false, backend: 'none', remembered: false, refusal: 'x' }, network: { mode: 'devnet', name: 'devnet', chainId: '31337', rpcUrl: null, registry: null, local: true }, ipfs: { mode: 'embedded', dir: '/d/ipfs' } } } : { ok: false, error: { code: 'INTERNAL', message: 'no core' } }),
  };
  const ports = { pickPaths: async () => [], saveReport: async () => null, openExternal: async () => undefined };

  it('stores the token in the keychain; status says only that one is stored', async () => {
    const secrets = new KeychainSecretStore(safeStorage('gnome_libsecret'), path.join(tmp.dir, 'secrets'), 'linux');
    const handlers = createShellHandlers(core, { ...ports, keychain: null, secrets });
    expect(await dispatch('setPinningToken', { token: ` ${TOKEN} ` }, handlers)).toEqual({ ok: true, value: { stored: true } });
    expect(await secrets.get(PINNING_TOKEN_SECRET)).toBe(TOKEN);
    const status = await dispatch('status', {}, handlers);
    expect(status).toMatchObject({ ok: true, value: { pinningToken: { stored: true, writable: true } } });
    expect(JSON.stringify(status)).not.toContain('pinning-secret');
  });

  it('without a keychain (test bridge) the token is refused and status says it cannot be stored', async () => {
    const handlers = createShellHandlers(core, { ...ports, keychain: null });
    expect(await dispatch('setPinningToken', { token: TOKEN }, handlers)).toMatchObject({ ok: false, error: { code: 'KEYCHAIN_REFUSED' } });
    expect(await dispatch('status', {}, handlers)).toMatchObject({ ok: true, value: { pinningToken: { stored: false, writable: false }, managed: { status: 'absent' } } });
  });
});

describe('CoreHost hands secrets to its worker on request', () => {
  it('answers the worker from the shell store, and null for an unknown secret', async () => {
    const secrets = new KeychainSecretStore(safeStorage('gnome_libsecret'), path.join(tmp.dir, 'secrets'), 'linux');
    await secrets.set(PINNING_TOKEN_SECRET, TOKEN);
    const host = await CoreHost.start({ dataDir: tmp.dir, secrets, workerUrl: new URL('./core-host/fixtures/secret-echo-worker.ts', import.meta.url) });
    try {
      expect(await host.call('echo', { name: PINNING_TOKEN_SECRET })).toEqual({ ok: true, value: TOKEN });
      expect(await host.call('echo', { name: 'other.secret' })).toEqual({ ok: true, value: null });
    } finally {
      await host.close();
    }
  });
});
