import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { Decrypter, identityToRecipient } from 'age-encryption';
import { Wallet, verifyMessage } from 'ethers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ACCOUNT_FILE, AccountStore, IDENTITY_FILE, KEYSTORE_FILE } from '../../../main/core/keys/index.ts';

// Real scrypt, low N so the suite stays fast; production uses the defaults (2^17 for both files).
const FAST = { scryptN: 2 ** 10 };
const PASS = 'correct horse battery';

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) out[name] = (await readFile(path.join(dir, name))).toString('base64');
  return out;
}

describe('AccountStore', () => {
  let tmp: string;
  let keysDir: string;
  let store: AccountStore;

  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'notarium-keys-'));
    keysDir = path.join(tmp, 'keys');
    store = new AccountStore(keysDir);
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('protects both files of a production account at the same scrypt cost, N = 2^17 (the age identity at log N 17, not 18)', async () => {
    await store.create(PASS);
    const keystore = JSON.parse(await readFile(path.join(keysDir, KEYSTORE_FILE), 'utf8')) as { Crypto: { kdf: string; kdfparams: { n: number } } };
    expect(keystore.Crypto.kdf).toBe('scrypt');
    expect(keystore.Crypto.kdfparams.n).toBe(2 ** 17);
    // The age header's scrypt stanza: "-> scrypt <salt> <log N>" (https://age-encryption.org/v1).
    const header = (await readFile(path.join(keysDir, IDENTITY_FILE))).subarray(0, 200).toString('latin1');
    expect(header).toMatch(/^age-encryption\.org\/v1\n-> scrypt \S+ 17\n/);
    expect((await store.unlock(PASS)).address).toBe((await store.readPublic()).address);
  });

  it('creates an account whose unlock returns the same address and recipient, with a wallet that signs', async () => {
    expect(await store.exists()).toBe(false);
    const created = await store.create(PASS, FAST);
    expect(await store.exists()).toBe(true);
    expect(created.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(created.recipient).toMatch(/^age1[0-9a-z]{58}$/);
    expect(await store.readPublic()).toEqual(created);

    const unlocked = await store.unlock(PASS);
    expect(unlocked.address).toBe(created.address);
    expect(unlocked.recipient).toBe(created.recipient);
    expect(unlocked.wallet).toBeInstanceOf(Wallet);
    expect(unlocked.identity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/);
    expect(await identityToRecipient(unlocked.identity)).toBe(created.recipient);
    const signature = await unlocked.wallet.signMessage('notarium');
    expect(verifyMessage('notarium', signature)).toBe(created.address);
  });

  it('writes a Web3 Secret Storage v3 keystore that ethers Wallet.fromEncryptedJson decrypts', async () => {
    const created = await store.create(PASS, FAST);
    const json = await readFile(path.join(keysDir, KEYSTORE_FILE), 'utf8');
    type Section = { kdf: string; kdfparams: { n: number } };
    const parsed = JSON.parse(json) as { version: number; address: string; crypto?: Section; Crypto?: Section };
    expect(parsed.version).toBe(3);
    expect(`0x${parsed.address}`.toLowerCase()).toBe(created.address.toLowerCase());
    // The spec names the section "crypto"; ethers and geth write "Crypto"; readers accept both.
    const section = parsed.crypto ?? parsed.Crypto;
    expect(section?.kdf).toBe('scrypt');
    expect(section?.kdfparams.n).toBe(FAST.scryptN);
    const wallet = await Wallet.fromEncryptedJson(json, PASS);
    expect(wallet.address).toBe(created.address);
  });

  it('writes the identity as a real passphrase-encrypted age file holding an age-keygen style identity', async () => {
    const created = await store.create(PASS, FAST);
    const bytes = await readFile(path.join(keysDir, IDENTITY_FILE));
    const header = bytes.subarray(0, 200).toString('latin1');
    expect(header.startsWith('age-encryption.org/v1\n')).toBe(true);
    expect(header).toMatch(/\n-> scrypt [A-Za-z0-9+/]{22} 10\n/);
    expect(header).not.toContain(created.recipient);

    const decrypter = new Decrypter();
    decrypter.addPassphrase(PASS);
    const text = await decrypter.decrypt(new Uint8Array(bytes), 'text');
    expect(text).toContain(`# public key: ${created.recipient}\n`);
    expect(text).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/m);
  });

  it.skipIf(process.platform === 'win32')('makes the key files mode 0600 and the keys folder 0700', async () => {
    await store.create(PASS, FAST);
    expect((await stat(keysDir)).mode & 0o777).toBe(0o700);
    for (const name of [KEYSTORE_FILE, IDENTITY_FILE, ACCOUNT_FILE]) {
      expect((await stat(path.join(keysDir, name))).mode & 0o777).toBe(0o600);
    }
    // No temporary files are left next to them.
    expect((await readdir(keysDir)).sort()).toEqual([ACCOUNT_FILE, IDENTITY_FILE, KEYSTORE_FILE].sort());
  });

  it('refuses a wrong passphrase with WRONG_PASSPHRASE and changes no byte on disk', async () => {
    await store.create(PASS, FAST);
    const before = await snapshot(keysDir);
    await expect(store.unlock('correct horse battery!')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect(await snapshot(keysDir)).toEqual(before);
  });

  it('refuses to create a second account with ACCOUNT_EXISTS and keeps the first one intact', async () => {
    const first = await store.create(PASS, FAST);
    const before = await snapshot(keysDir);
    await expect(store.create('another passphrase', FAST)).rejects.toMatchObject({ code: 'ACCOUNT_EXISTS' });
    expect(await snapshot(keysDir)).toEqual(before);
    expect((await store.unlock(PASS)).address).toBe(first.address);
  });

  it('lets exactly one of two concurrent creates win, leaving a consistent account', async () => {
    const results = await Promise.allSettled([store.create(PASS, FAST), store.create('other passphrase', FAST)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'ACCOUNT_EXISTS' });
    const winnerPass = results[0]?.status === 'fulfilled' ? PASS : 'other passphrase';
    const unlocked = await store.unlock(winnerPass);
    expect(unlocked.address).toBe((won[0] as PromiseFulfilledResult<{ address: string }>).value.address);
    expect((await readdir(keysDir)).sort()).toEqual([ACCOUNT_FILE, IDENTITY_FILE, KEYSTORE_FILE].sort());
  });

  it('rejects an empty or too short passphrase with INVALID_INPUT and writes nothing', async () => {
    await expect(store.create('', FAST)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.create('1234567', FAST)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(stat(keysDir)).rejects.toMatchObject({ code: 'ENOENT' });
    await store.create('12345678', FAST);
    await expect(store.unlock('')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('rejects an scryptN that is not a power of two up to 2^20', async () => {
    await expect(store.create(PASS, { scryptN: 1000 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(store.create(PASS, { scryptN: 2 ** 21 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('reports ACCOUNT_MISSING from unlock and readPublic when there is no account', async () => {
    await expect(store.readPublic()).rejects.toMatchObject({ code: 'ACCOUNT_MISSING' });
    await expect(store.unlock(PASS)).rejects.toMatchObject({ code: 'ACCOUNT_MISSING' });
  });

  it('unlocks with the same passphrase typed in another Unicode normalization form', async () => {
    await store.create('caf\u00e9 au lait', FAST);
    await expect(store.unlock('cafe\u0301 au lait')).resolves.toMatchObject({ identity: expect.stringMatching(/^AGE-SECRET-KEY-1/) });
  });

  it('refuses with CRYPTO_FAILED when account.json names another address than the keystore', async () => {
    const created = await store.create(PASS, FAST);
    const forged = { ...created, address: Wallet.createRandom().address };
    await writeFile(path.join(keysDir, ACCOUNT_FILE), JSON.stringify(forged));
    await expect(store.unlock(PASS)).rejects.toMatchObject({ code: 'CRYPTO_FAILED' });
  });

  it('sets leftover key files of an interrupted create aside instead of overwriting them', async () => {
    await mkdir(keysDir, { recursive: true });
    await writeFile(path.join(keysDir, KEYSTORE_FILE), 'old keystore');
    expect(await store.exists()).toBe(false);
    await store.create(PASS, FAST);
    const names = await readdir(keysDir);
    const orphan = names.find((n) => n.startsWith(`${KEYSTORE_FILE}.orphan-`));
    expect(orphan).toBeDefined();
    expect(await readFile(path.join(keysDir, orphan as string), 'utf8')).toBe('old keystore');
    await expect(store.unlock(PASS)).resolves.toBeDefined();
  });
});
