/**
 * Account backup and restore (issue 6): the whole account — the encrypted Ethereum
 * keystore, the encrypted age identity and the public `account.json` — in ONE file, itself
 * an ASCII-armored age file encrypted with a passphrase (age scrypt recipient,
 * https://age-encryption.org/v1). `age -d backup.age` opens it with the reference CLI; inside
 * is a JSON bundle:
 *
 *   { "format": "notarium-account-backup", "version": 1, "exportedAt": <unix s>,
 *     "account": { "address": "0x…", "recipient": "age1…", "createdAt": <unix s> },
 *     "files": { "ethereum.json": "<keystore JSON>", "age-identity.age": "<base64>" } }
 *
 * The inner files are copied as they are, still encrypted under the ACCOUNT passphrase, so
 * a restored account opens with the same passphrase as before; the backup passphrase (by
 * default the account passphrase) only guards the outer file. Export unlocks the account
 * first, so a backup of a damaged key folder is never written; import checks the bundle
 * unlocks before any file appears in the keys folder.
 */
import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Decrypter, Encrypter, armor } from 'age-encryption';
import { getAddress } from 'ethers';
import { z } from 'zod';
import { NotariumError, isNotariumError } from '../../../shared/errors.ts';
import { ACCOUNT_FILE, AccountStore, DEFAULT_AGE_SCRYPT_LOG_N, IDENTITY_FILE, KEY_FILE_MODE, KEYS_DIR_MODE, KEYSTORE_FILE, type AccountPublic } from './account-store.ts';
import { createFilesAtomically, FILE_EXISTS } from './atomic-files.ts';
import { assertNewPassphrase, assertNonEmptyPassphrase, normalizePassphrase } from './passphrase.ts';

export const ACCOUNT_BACKUP_FORMAT = 'notarium-account-backup';

/** Largest backup accepted, characters: a bundle is about 2 kB; armor adds a third. */
export const MAX_ACCOUNT_BACKUP_CHARS = 256 * 1024;

const base64 = z.string().max(64 * 1024).regex(/^[A-Za-z0-9+/]*={0,2}$/);

const bundleSchema = z.strictObject({
  format: z.literal(ACCOUNT_BACKUP_FORMAT),
  version: z.literal(1),
  exportedAt: z.number().int().nonnegative(),
  account: z.strictObject({
    address: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
    recipient: z.string().regex(/^age1[0-9a-z]+$/).max(2048),
    createdAt: z.number().int().nonnegative(),
  }),
  files: z.strictObject({
    [KEYSTORE_FILE]: z.string().min(2).max(64 * 1024),
    [IDENTITY_FILE]: base64,
  }),
});

/** The decrypted content of a backup. */
export type AccountBackupBundle = z.infer<typeof bundleSchema>;

export interface ExportAccountOptions {
  /** Passphrase of the backup file; default: the account passphrase. At least 8 characters. */
  backupPassphrase?: string;
  /** scrypt log2(N) of the backup file; default 18 (age's). Tests pass a low value. */
  scryptLogN?: number;
  /** Export time, unix seconds; default now. */
  now?: number;
}

/**
 * Parses a decrypted backup bundle (outside input: checked strictly).
 * @throws NotariumError('INVALID_INPUT') for anything but a version-1 bundle.
 */
export function parseAccountBackupBundle(json: string): AccountBackupBundle {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (cause) {
    throw new NotariumError('INVALID_INPUT', 'The account backup does not contain a Notarium account (not JSON).', { cause });
  }
  const r = bundleSchema.safeParse(raw);
  if (!r.success) throw new NotariumError('INVALID_INPUT', `The account backup is not a version-1 Notarium account backup:\n${z.prettifyError(r.error)}`);
  return r.data;
}

/**
 * Builds the backup of the account in `store` as ASCII-armored age text.
 * @param passphrase the account passphrase (the account is unlocked to prove the backup will open).
 * @throws NotariumError('ACCOUNT_MISSING' | 'WRONG_PASSPHRASE' | 'CRYPTO_FAILED'), ('INVALID_INPUT')
 *   for a backup passphrase shorter than 8 characters.
 */
export async function exportAccountBackup(store: AccountStore, passphrase: string, options: ExportAccountOptions = {}): Promise<{ text: string; account: AccountPublic }> {
  const backupPassphrase = options.backupPassphrase ?? passphrase;
  assertNewPassphrase(backupPassphrase);
  await store.unlock(passphrase);
  const account = await store.readPublic();
  const [keystore, identity] = await Promise.all([readFile(path.join(store.keysDir, KEYSTORE_FILE), 'utf8'), readFile(path.join(store.keysDir, IDENTITY_FILE))]);
  const bundle: AccountBackupBundle = {
    format: ACCOUNT_BACKUP_FORMAT,
    version: 1,
    exportedAt: options.now ?? Math.floor(Date.now() / 1000),
    account,
    files: { [KEYSTORE_FILE]: keystore, [IDENTITY_FILE]: identity.toString('base64') },
  };
  const encrypter = new Encrypter();
  encrypter.setScryptWorkFactor(options.scryptLogN ?? DEFAULT_AGE_SCRYPT_LOG_N);
  encrypter.setPassphrase(normalizePassphrase(backupPassphrase));
  const text = armor.encode(await encrypter.encrypt(JSON.stringify(bundle)));
  return { text, account };
}

/**
 * Writes the backup of `store`'s account to a NEW file `out` (mode 0600, fsynced; an
 * existing file is never replaced).
 * @throws as {@link exportAccountBackup}; NotariumError('ALREADY_EXISTS') when `out` exists,
 *   ('NOT_FOUND') when its folder does not.
 */
export async function writeAccountBackup(store: AccountStore, passphrase: string, out: string, options: ExportAccountOptions = {}): Promise<{ path: string; account: AccountPublic }> {
  const target = path.resolve(out);
  const { text, account } = await exportAccountBackup(store, passphrase, options);
  try {
    await createFilesAtomically(path.dirname(target), [{ name: path.basename(target), data: text }], KEY_FILE_MODE);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === FILE_EXISTS) throw new NotariumError('ALREADY_EXISTS', `${target} already exists: choose a new file name for the backup.`);
    if (code === 'ENOENT') throw new NotariumError('NOT_FOUND', `The folder ${path.dirname(target)} does not exist.`, { cause: e });
    throw e;
  }
  return { path: target, account };
}

/** Decrypts backup text with its passphrase. @throws NotariumError('INVALID_INPUT' | 'WRONG_PASSPHRASE'). */
export async function openAccountBackup(text: string, backupPassphrase: string): Promise<AccountBackupBundle> {
  assertNonEmptyPassphrase(backupPassphrase);
  if (text.length > MAX_ACCOUNT_BACKUP_CHARS) throw new NotariumError('INVALID_INPUT', 'This file is too large to be a Notarium account backup.');
  let encrypted: Uint8Array;
  try {
    encrypted = armor.decode(text);
  } catch (cause) {
    throw new NotariumError('INVALID_INPUT', 'This file is not a Notarium account backup (no age ASCII armor).', { cause });
  }
  const decrypter = new Decrypter();
  decrypter.addPassphrase(normalizePassphrase(backupPassphrase));
  let json: string;
  try {
    json = await decrypter.decrypt(encrypted, 'text');
  } catch (cause) {
    // typage reports a wrong passphrase and a malformed header alike; a header without a
    // scrypt stanza (a file encrypted to a recipient) cannot be a backup either.
    throw new NotariumError('WRONG_PASSPHRASE', 'The backup passphrase does not open this file (or it is not a Notarium account backup).', { cause });
  }
  return parseAccountBackupBundle(json);
}

/**
 * Restores an account from backup text into `store`'s keys folder, which must hold no
 * account. The bundle is unlocked in a scratch folder first: nothing is written to the keys
 * folder unless the restored account opens with `passphrase`.
 * @param options.backupPassphrase opens the backup file.
 * @param options.passphrase the account passphrase at export time; default the backup passphrase.
 * @throws NotariumError('INVALID_INPUT' | 'WRONG_PASSPHRASE' | 'CRYPTO_FAILED'), ('ACCOUNT_EXISTS').
 */
export async function importAccountBackup(store: AccountStore, text: string, options: { backupPassphrase: string; passphrase?: string }): Promise<AccountPublic> {
  if (await store.exists()) throw new NotariumError('ACCOUNT_EXISTS', `An account already exists in ${store.keysDir}: restore into another data folder, or move that keys folder away first.`);
  const bundle = await openAccountBackup(text, options.backupPassphrase);
  const account: AccountPublic = { ...bundle.account, address: getAddress(bundle.account.address) };
  const files = [
    { name: KEYSTORE_FILE, data: bundle.files[KEYSTORE_FILE] },
    { name: IDENTITY_FILE, data: new Uint8Array(Buffer.from(bundle.files[IDENTITY_FILE], 'base64')) },
    { name: ACCOUNT_FILE, data: `${JSON.stringify(account, null, 2)}\n` },
  ];
  const parent = path.dirname(store.keysDir);
  await mkdir(parent, { recursive: true, mode: KEYS_DIR_MODE });
  const scratch = await mkdtemp(path.join(parent, '.account-import-'));
  try {
    await createFilesAtomically(scratch, files, KEY_FILE_MODE);
    try {
      await new AccountStore(scratch).unlock(options.passphrase ?? options.backupPassphrase);
    } catch (e) {
      if (isNotariumError(e) && e.code === 'WRONG_PASSPHRASE') {
        throw new NotariumError('WRONG_PASSPHRASE', 'The backup opened, but the account passphrase does not unlock the account inside: give the account passphrase it had when it was exported.');
      }
      throw e;
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  await mkdir(store.keysDir, { recursive: true, mode: KEYS_DIR_MODE });
  await chmod(store.keysDir, KEYS_DIR_MODE);
  try {
    await createFilesAtomically(store.keysDir, files, KEY_FILE_MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === FILE_EXISTS) {
      throw new NotariumError('ACCOUNT_EXISTS', `${store.keysDir} already holds key files (perhaps from an interrupted account creation): move them away, then import again.`);
    }
    throw e;
  }
  return account;
}
