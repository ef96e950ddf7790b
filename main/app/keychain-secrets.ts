/**
 * Named secrets (the IPFS pinning service token) kept in the OS keychain through Electron
 * safeStorage, as the core's SecretStore (main/core/ipfs/secret-store.ts). Like the
 * passphrase keychain it refuses Linux's plaintext `basic_text` backend. Each secret is one
 * encrypted blob (mode 0600) in `<dir>`; plaintext never touches the disk. The shell owns
 * it: the core worker reads a secret through the host when it needs it (core-host), and no
 * operation ever returns one to the renderer. Imports no Electron.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { NotariumError } from '../../shared/errors.ts';
import type { SecretStore } from '../core/ipfs/secret-store.ts';
import { keychainRefusal } from './guards.ts';
import type { SafeStorageLike } from './keychain.ts';

export class KeychainSecretStore implements SecretStore {
  readonly #safeStorage: SafeStorageLike;
  readonly #dir: string;
  readonly #platform: string;

  /** @param dir folder of the encrypted blobs (e.g. `<dataDir>/keys/secrets`). */
  constructor(safeStorage: SafeStorageLike, dir: string, platform: string = process.platform) {
    this.#safeStorage = safeStorage;
    this.#dir = dir;
    this.#platform = platform;
  }

  /** Why secrets cannot be kept here (no keychain, plaintext backend), or null. */
  refusal(): string | null {
    const backend = this.#platform === 'linux' ? (this.#safeStorage.getSelectedStorageBackend?.() ?? 'unknown') : this.#platform;
    return keychainRefusal(this.#platform, this.#safeStorage.isEncryptionAvailable(), backend);
  }

  #file(name: string): string {
    // Names are ours (e.g. 'ipfs.pinningService.token'); anything else must not become a path.
    if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,99}$/.test(name) || name.includes('..')) throw new NotariumError('INVALID_INPUT', `not a secret name: ${JSON.stringify(name)}`);
    return path.join(this.#dir, `${name}.keychain`);
  }

  /** The secret, or undefined (none stored, keychain refused, or the blob cannot be decrypted). */
  async get(name: string): Promise<string | undefined> {
    if (this.refusal() !== null) return undefined;
    const blob = await readFile(this.#file(name)).catch(() => null);
    if (blob === null) return undefined;
    try {
      return this.#safeStorage.decryptString(blob);
    } catch {
      return undefined;
    }
  }

  /** True when a secret called `name` is stored (without decrypting it). */
  async has(name: string): Promise<boolean> {
    return readFile(this.#file(name)).then(() => true, () => false);
  }

  /** Stores (replaces) the secret atomically. @throws NotariumError('KEYCHAIN_REFUSED') when the keychain is unavailable or plaintext. */
  async set(name: string, value: string): Promise<void> {
    const refusal = this.refusal();
    if (refusal !== null) throw new NotariumError('KEYCHAIN_REFUSED', refusal);
    const file = this.#file(name);
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, this.#safeStorage.encryptString(value), { mode: 0o600, flag: 'wx' });
    await rename(tmp, file);
  }
}
