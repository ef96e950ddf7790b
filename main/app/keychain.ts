/**
 * Keeps the account passphrase in the OS keychain through Electron's safeStorage
 * (DESIGN.md §7), refusing Linux's plaintext `basic_text` backend (guards.ts). The
 * encrypted blob lives in the data folder (mode 0600); the passphrase itself never
 * touches the disk. Takes safeStorage as a constructor dependency, so this file
 * imports no Electron.
 */
import { readFile, rm, writeFile, rename } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { NotariumError } from '../../shared/errors.ts';
import type { KeychainInfo } from '../../shared/api/index.ts';
import { keychainRefusal } from './guards.ts';

/** The part of Electron's `safeStorage` used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  /** Linux only in Electron. */
  getSelectedStorageBackend?(): string;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export class PassphraseKeychain {
  readonly #safeStorage: SafeStorageLike;
  readonly #file: string;
  readonly #platform: string;

  /** @param file where the encrypted passphrase is kept (e.g. `<dataDir>/keys/passphrase.keychain`). */
  constructor(safeStorage: SafeStorageLike, file: string, platform: string = process.platform) {
    this.#safeStorage = safeStorage;
    this.#file = file;
    this.#platform = platform;
  }

  #backend(): string {
    return this.#platform === 'linux' ? (this.#safeStorage.getSelectedStorageBackend?.() ?? 'unknown') : this.#platform;
  }

  #refusal(): string | null {
    return keychainRefusal(this.#platform, this.#safeStorage.isEncryptionAvailable(), this.#platform === 'linux' ? this.#backend() : this.#platform);
  }

  async info(): Promise<KeychainInfo> {
    const refusal = this.#refusal();
    return { available: refusal === null, backend: this.#backend(), remembered: refusal === null && (await this.#read()) !== null, refusal };
  }

  /** Stores the passphrase. @throws NotariumError('KEYCHAIN_REFUSED') for an unavailable or plaintext backend. */
  async store(passphrase: string): Promise<void> {
    const refusal = this.#refusal();
    if (refusal !== null) throw new NotariumError('KEYCHAIN_REFUSED', refusal);
    const tmp = `${this.#file}.${randomUUID()}.tmp`;
    await writeFile(tmp, this.#safeStorage.encryptString(passphrase), { mode: 0o600, flag: 'wx' });
    await rename(tmp, this.#file);
  }

  /** The stored passphrase, or null (none stored, backend refused, or the blob cannot be decrypted). */
  async load(): Promise<string | null> {
    if (this.#refusal() !== null) return null;
    const blob = await this.#read();
    if (blob === null) return null;
    try {
      return this.#safeStorage.decryptString(blob);
    } catch {
      return null;
    }
  }

  async forget(): Promise<void> {
    await rm(this.#file, { force: true });
  }

  async #read(): Promise<Buffer | null> {
    return readFile(this.#file).then((b) => b, () => null);
  }
}
