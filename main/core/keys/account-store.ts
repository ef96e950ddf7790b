/**
 * The local account: one Ethereum key (signs EIP-712 notarizations, pays gas) and one
 * age X25519 identity (opens file keys shared with this user), both at rest under one
 * passphrase, in standard formats other tools open:
 *
 * - `ethereum.json`: Web3 Secret Storage v3 keystore, scrypt KDF
 *   (https://ethereum.org/developers/docs/data-structures-and-encoding/web3-secret-storage/);
 *   geth, MetaMask import and ethers `Wallet.fromEncryptedJson` read it.
 * - `age-identity.age`: an age-keygen style identity file encrypted with an age scrypt
 *   passphrase stanza (https://age-encryption.org/v1); `age -d -i age-identity.age`
 *   prompts for the passphrase and uses it.
 * - `account.json`: public part `{address, recipient, createdAt}`, readable without the
 *   passphrase. It is written last and is the commit marker of an account.
 *
 * Files are mode 0600, the folder 0700.
 */
import { chmod, mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';

import { Decrypter, Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { Wallet, decryptKeystoreJson, encryptKeystoreJson, getAddress } from 'ethers';
import { z } from 'zod';

import { NotariumError } from '../../../shared/errors.ts';
import { fileExists } from '../fs/durable-files.ts';
import { createFilesAtomically, FILE_EXISTS } from './atomic-files.ts';
import { assertNewPassphrase, assertNonEmptyPassphrase, normalizePassphrase } from './passphrase.ts';

export const KEYSTORE_FILE = 'ethereum.json';
export const IDENTITY_FILE = 'age-identity.age';
export const ACCOUNT_FILE = 'account.json';

/** Mode of every key file: owner read/write only. */
export const KEY_FILE_MODE = 0o600;
/** Mode of the keys folder: owner only. */
export const KEYS_DIR_MODE = 0o700;

/** scrypt N of the Ethereum keystore in production: 2^17, the Web3 Secret Storage / geth standard. */
export const DEFAULT_KEYSTORE_SCRYPT_N = 2 ** 17;
/** scrypt log2(N) of age passphrase files Notarium writes on their own (account backups): 18, age's own default. */
export const DEFAULT_AGE_SCRYPT_LOG_N = 18;
/**
 * scrypt log2(N) of the age identity of a new account: 17, the keystore's N. Both files are
 * under the one passphrase, so someone holding the keys folder guesses it against the
 * cheaper of the two: a higher N here protects nothing more. It costs memory: scrypt needs
 * 128 · N · r bytes (r = 8), so unlocking at log N 18 made every job that unlocks peak at
 * ≈ 370 MiB of RSS (+265 over the process), at 17 ≈ 241 MiB (+138), measured with typage's
 * scrypt (docs/PERFORMANCE.md). Accounts made before keep their file's own log N.
 */
export const IDENTITY_SCRYPT_LOG_N = 17;
/** Highest log2(N) age implementations accept when decrypting. */
const MAX_AGE_SCRYPT_LOG_N = 20;

/** Public part of an account, from `account.json`. */
export interface AccountPublic {
  /** EIP-55 checksummed Ethereum address. */
  address: string;
  /** age X25519 recipient, `age1...`. */
  recipient: string;
  /** Creation time, unix seconds. */
  createdAt: number;
}

/** An unlocked account: secrets in memory only. */
export interface UnlockedAccount {
  wallet: Wallet;
  /** age X25519 identity, `AGE-SECRET-KEY-1...`. */
  identity: string;
  address: string;
  recipient: string;
}

export interface CreateAccountOptions {
  /**
   * scrypt N (a power of two, 2..2^20) for BOTH files. Production leaves it unset:
   * the keystore then uses {@link DEFAULT_KEYSTORE_SCRYPT_N} and the age file
   * 2^{@link IDENTITY_SCRYPT_LOG_N}, the same. Tests pass a low N (e.g. 2^10) to stay fast.
   */
  scryptN?: number;
  /** Creation time, unix seconds; defaults to now. */
  now?: number;
}

const accountJsonSchema = z.object({
  address: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  recipient: z.string().regex(/^age1[0-9a-z]+$/),
  createdAt: z.number().int().nonnegative(),
});

/** Reads and creates the account stored in one keys folder. */
export class AccountStore {
  /** Absolute keys folder (normally `<data dir>/keys`). */
  readonly keysDir: string;

  constructor(keysDir: string) {
    this.keysDir = path.resolve(keysDir);
  }

  /** True when an account exists (its `account.json` commit marker is present). */
  async exists(): Promise<boolean> {
    return fileExists(this.file(ACCOUNT_FILE));
  }

  /**
   * Creates a new random account under `passphrase`.
   *
   * Leftover secret files from an interrupted earlier create (no `account.json`) are
   * renamed to `<name>.orphan-<unix ms>`, never deleted, in case one holds a key that
   * was already used.
   *
   * @returns the public part, also written to `account.json`.
   * @throws NotariumError('INVALID_INPUT') for an empty or short passphrase or a bad
   *   `scryptN`; NotariumError('ACCOUNT_EXISTS') if an account exists (nothing written).
   */
  async create(passphrase: string, options: CreateAccountOptions = {}): Promise<AccountPublic> {
    assertNewPassphrase(passphrase);
    const { keystoreN, ageLogN } = scryptParameters(options.scryptN);
    if (await this.exists()) throw accountExists(this.keysDir);

    await mkdir(this.keysDir, { recursive: true, mode: KEYS_DIR_MODE });
    await chmod(this.keysDir, KEYS_DIR_MODE);
    await this.setOrphansAside();

    const secret = normalizePassphrase(passphrase);
    const wallet = Wallet.createRandom();
    const identity = await generateIdentity();
    const recipient = await identityToRecipient(identity);
    const createdAt = options.now ?? Math.floor(Date.now() / 1000);

    // Only the raw key goes in the keystore: the account never exposes a mnemonic, so
    // the keystore file is the one backup to keep.
    const keystore = await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, secret, {
      scrypt: { N: keystoreN },
    });
    const encrypter = new Encrypter();
    encrypter.setScryptWorkFactor(ageLogN);
    encrypter.setPassphrase(secret);
    const identityFile = await encrypter.encrypt(identityFileText(identity, recipient, createdAt));
    const account: AccountPublic = { address: wallet.address, recipient, createdAt };

    try {
      await createFilesAtomically(
        this.keysDir,
        [
          { name: KEYSTORE_FILE, data: keystore },
          { name: IDENTITY_FILE, data: identityFile },
          { name: ACCOUNT_FILE, data: `${JSON.stringify(account, null, 2)}\n` },
        ],
        KEY_FILE_MODE,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === FILE_EXISTS) throw accountExists(this.keysDir);
      throw error;
    }
    return account;
  }

  /**
   * The public part of the account, without the passphrase.
   *
   * @throws NotariumError('ACCOUNT_MISSING') when there is no account;
   *   NotariumError('INTERNAL') when `account.json` is malformed.
   */
  async readPublic(): Promise<AccountPublic> {
    const text = await this.readAccountFile(ACCOUNT_FILE, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new NotariumError('INTERNAL', `${ACCOUNT_FILE} is not valid JSON`, { cause });
    }
    const result = accountJsonSchema.safeParse(parsed);
    if (!result.success) throw new NotariumError('INTERNAL', `${ACCOUNT_FILE} is malformed`, { cause: result.error });
    return { ...result.data, address: getAddress(result.data.address) };
  }

  /**
   * Decrypts both secrets. Reads only; a failed attempt changes nothing on disk.
   * With production scrypt parameters this is CPU-bound for about 2 s (pure JS scrypt;
   * the age part blocks the event loop), so the desktop app should run it in a worker.
   *
   * @throws NotariumError('INVALID_INPUT') for an empty passphrase;
   *   NotariumError('ACCOUNT_MISSING') when there is no (complete) account;
   *   NotariumError('WRONG_PASSPHRASE') when the passphrase does not open the keystore;
   *   NotariumError('CRYPTO_FAILED') when the files disagree with each other or with
   *   `account.json` (tampering or a foreign file).
   */
  async unlock(passphrase: string): Promise<UnlockedAccount> {
    assertNonEmptyPassphrase(passphrase);
    const account = await this.readPublic();
    const keystore = await this.readAccountFile(KEYSTORE_FILE, 'utf8');
    const identityFile = await this.readAccountFile(IDENTITY_FILE);
    const secret = normalizePassphrase(passphrase);

    let privateKey: string;
    try {
      ({ privateKey } = await decryptKeystoreJson(keystore, secret));
    } catch (cause) {
      const e = cause as { code?: unknown; argument?: unknown };
      if (e.code === 'INVALID_ARGUMENT' && e.argument === 'password') {
        throw new NotariumError('WRONG_PASSPHRASE', 'Wrong passphrase');
      }
      throw new NotariumError('CRYPTO_FAILED', `${KEYSTORE_FILE} could not be decrypted`, { cause });
    }
    const wallet = new Wallet(privateKey);

    let identity: string;
    try {
      const decrypter = new Decrypter();
      decrypter.addPassphrase(secret);
      identity = parseIdentityFileText(await decrypter.decrypt(new Uint8Array(identityFile), 'text'));
    } catch (cause) {
      throw new NotariumError('CRYPTO_FAILED', `${IDENTITY_FILE} does not open with the account passphrase`, { cause });
    }
    const recipient = await identityToRecipient(identity);

    if (wallet.address !== account.address || recipient !== account.recipient) {
      throw new NotariumError('CRYPTO_FAILED', `The key files do not match ${ACCOUNT_FILE}`, {
        details: { address: account.address, recipient: account.recipient },
      });
    }
    return { wallet, identity, address: wallet.address, recipient };
  }

  private file(name: string): string {
    return path.join(this.keysDir, name);
  }

  private async readAccountFile(name: string): Promise<Buffer>;
  private async readAccountFile(name: string, encoding: 'utf8'): Promise<string>;
  private async readAccountFile(name: string, encoding?: 'utf8'): Promise<Buffer | string> {
    try {
      return encoding === undefined ? await readFile(this.file(name)) : await readFile(this.file(name), encoding);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new NotariumError('ACCOUNT_MISSING', `No account in ${this.keysDir} (${name} is missing): create one with \`notarium init\``, {
          details: { keysDir: this.keysDir, missing: name },
          cause,
        });
      }
      throw cause;
    }
  }

  private async setOrphansAside(): Promise<void> {
    for (const name of [KEYSTORE_FILE, IDENTITY_FILE]) {
      const file = this.file(name);
      if (await fileExists(file)) await rename(file, `${file}.orphan-${Date.now()}`);
    }
  }
}

/** age-keygen's file layout, so the decrypted file is a standard age identity file. */
function identityFileText(identity: string, recipient: string, createdAt: number): string {
  return `# created: ${new Date(createdAt * 1000).toISOString()}\n# public key: ${recipient}\n${identity}\n`;
}

function parseIdentityFileText(text: string): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.startsWith('AGE-SECRET-KEY-1'));
  if (line === undefined) throw new Error('no AGE-SECRET-KEY-1 line in the identity file');
  return line;
}

function scryptParameters(scryptN: number | undefined): { keystoreN: number; ageLogN: number } {
  if (scryptN === undefined) return { keystoreN: DEFAULT_KEYSTORE_SCRYPT_N, ageLogN: IDENTITY_SCRYPT_LOG_N };
  const logN = Math.log2(scryptN);
  if (!Number.isInteger(logN) || logN < 1 || logN > MAX_AGE_SCRYPT_LOG_N) {
    throw new NotariumError('INVALID_INPUT', `scryptN must be a power of two from 2 to 2^${MAX_AGE_SCRYPT_LOG_N}`, {
      details: { scryptN },
    });
  }
  return { keystoreN: scryptN, ageLogN: logN };
}

function accountExists(keysDir: string): NotariumError {
  return new NotariumError('ACCOUNT_EXISTS', `An account already exists in ${keysDir}`, { details: { keysDir } });
}

