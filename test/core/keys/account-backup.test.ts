/**
 * Account backup and restore: one passphrase-protected age file holds the whole account;
 * a restored account decrypts the datasets and verifies the receipts made before; every
 * refused import or export leaves the disk as it was.
 */
import { mkdir, readdir, readFile, stat, writeFile, cp } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccountStore,
  exportAccountBackup,
  importAccountBackup,
  openAccountBackup,
  writeAccountBackup,
} from '../../../main/core/keys/index.ts';
import { Notarium } from '../../../main/core/notarium.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../../helpers/tmp.ts';

const BACKUP_PASSPHRASE = 'correct horse battery staple';
const LOG_N = 10;

async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true }).catch(() => [] as string[])).map(String).sort();
}

describe('account backup and restore', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let store: AccountStore;
  let backupText: string;

  beforeAll(async () => {
    tmp = await tempDir('notarium-backup-');
    store = new AccountStore(path.join(tmp.dir, 'a', 'keys'));
    await store.create(TEST_PASSPHRASE, { scryptN: TEST_SCRYPT_N });
    backupText = (await exportAccountBackup(store, TEST_PASSPHRASE, { backupPassphrase: BACKUP_PASSPHRASE, scryptLogN: LOG_N })).text;
  });

  afterAll(async () => {
    await tmp.cleanup();
  });

  it('is one ASCII-armored age file whose bundle holds the encrypted keystore and identity, never a plaintext key', async () => {
    expect(backupText.startsWith('-----BEGIN AGE ENCRYPTED FILE-----\n')).toBe(true);
    expect(backupText.trimEnd().endsWith('-----END AGE ENCRYPTED FILE-----')).toBe(true);
    expect(backupText).not.toMatch(/AGE-SECRET-KEY|privateKey/);
    const bundle = await openAccountBackup(backupText, BACKUP_PASSPHRASE);
    const pub = await store.readPublic();
    expect(bundle.account).toEqual(pub);
    expect(bundle.files['ethereum.json']).toBe(await readFile(path.join(store.keysDir, 'ethereum.json'), 'utf8'));
    expect(Buffer.from(bundle.files['age-identity.age'], 'base64').equals(await readFile(path.join(store.keysDir, 'age-identity.age')))).toBe(true);
    expect(JSON.stringify(bundle)).not.toMatch(/AGE-SECRET-KEY/);
  });

  it('restores the same account, which opens with its account passphrase', async () => {
    const restored = new AccountStore(path.join(tmp.dir, 'b', 'keys'));
    const pub = await importAccountBackup(restored, backupText, { backupPassphrase: BACKUP_PASSPHRASE, passphrase: TEST_PASSPHRASE });
    expect(pub).toEqual(await store.readPublic());
    const unlocked = await restored.unlock(TEST_PASSPHRASE);
    const original = await store.unlock(TEST_PASSPHRASE);
    expect(unlocked.identity).toBe(original.identity);
    expect(unlocked.wallet.privateKey).toBe(original.wallet.privateKey);
    for (const f of ['ethereum.json', 'age-identity.age', 'account.json']) expect((await stat(path.join(restored.keysDir, f))).mode & 0o777).toBe(0o600);
    expect((await stat(restored.keysDir)).mode & 0o777).toBe(0o700);
  });

  it('refuses a wrong backup passphrase, a wrong account passphrase, a tampered or foreign file, writing nothing', async () => {
    const parent = path.join(tmp.dir, 'refused');
    const target = new AccountStore(path.join(parent, 'keys'));
    const tampered = backupText.replace(/\n([A-Za-z0-9+/])/, (_m, c: string) => `\n${c === 'A' ? 'B' : 'A'}`);
    const cases: [string, () => Promise<unknown>][] = [
      ['WRONG_PASSPHRASE', () => importAccountBackup(target, backupText, { backupPassphrase: 'not the backup passphrase' })],
      // The backup opens, but the account inside is under TEST_PASSPHRASE:
      ['WRONG_PASSPHRASE', () => importAccountBackup(target, backupText, { backupPassphrase: BACKUP_PASSPHRASE })],
      ['WRONG_PASSPHRASE', () => importAccountBackup(target, tampered, { backupPassphrase: BACKUP_PASSPHRASE, passphrase: TEST_PASSPHRASE })],
      ['INVALID_INPUT', () => importAccountBackup(target, '{"format":"notarium-account-backup"}', { backupPassphrase: BACKUP_PASSPHRASE })],
      ['INVALID_INPUT', () => importAccountBackup(target, 'x'.repeat(300_000), { backupPassphrase: BACKUP_PASSPHRASE })],
    ];
    for (const [code, attempt] of cases) await expect(attempt(), code).rejects.toMatchObject({ code });
    expect(await target.exists()).toBe(false);
    expect(await tree(parent)).toEqual([]);
  });

  it('never overwrites: import into a folder with an account, export onto an existing file', async () => {
    const before = await tree(store.keysDir);
    await expect(importAccountBackup(store, backupText, { backupPassphrase: BACKUP_PASSPHRASE, passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'ACCOUNT_EXISTS' });
    expect(await tree(store.keysDir)).toEqual(before);
    const out = path.join(tmp.dir, 'existing.age');
    await writeFile(out, 'keep me');
    await expect(writeAccountBackup(store, TEST_PASSPHRASE, out, { scryptLogN: LOG_N })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(await readFile(out, 'utf8')).toBe('keep me');
  });

  it('export proves the account opens first and refuses a short backup passphrase; the file is 0600', async () => {
    await expect(writeAccountBackup(store, 'wrong passphrase!', path.join(tmp.dir, 'no.age'), { scryptLogN: LOG_N })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    await expect(writeAccountBackup(store, TEST_PASSPHRASE, path.join(tmp.dir, 'no.age'), { backupPassphrase: 'short', scryptLogN: LOG_N })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(stat(path.join(tmp.dir, 'no.age'))).rejects.toMatchObject({ code: 'ENOENT' });
    const r = await writeAccountBackup(store, TEST_PASSPHRASE, path.join(tmp.dir, 'same-pass.age'), { scryptLogN: LOG_N });
    expect((await stat(r.path)).mode & 0o777).toBe(0o600);
    // Without a separate backup passphrase, the account passphrase opens the backup.
    expect((await openAccountBackup(await readFile(r.path, 'utf8'), TEST_PASSPHRASE)).account.address).toBe(r.account.address);
  });

  it('a restored account decrypts the datasets and verifies the receipts made before the loss', async () => {
    const folder = path.join(tmp.dir, 'ds');
    await mkdir(folder);
    await writeFile(path.join(folder, 'samples.csv'), 'sample,value\nA,1\nB,2\n');
    await writeFile(path.join(folder, 'scan.bin'), Buffer.alloc(300_000, 3));
    const lab = await Notarium.open({ dataDir: path.join(tmp.dir, 'old-laptop'), scryptN: TEST_SCRYPT_N, pollIntervalMs: 50 });
    const newLaptop = path.join(tmp.dir, 'new-laptop');
    try {
      const me = await lab.init(TEST_PASSPHRASE);
      const notarized = await lab.notarize({ inputs: [folder], title: 'Before the loss', receiptOut: path.join(tmp.dir, 'before.receipt.json') }, { passphrase: TEST_PASSPHRASE });
      const backupFile = path.join(tmp.dir, 'lab-account.age');
      await writeAccountBackup(new AccountStore(lab.layout.keysDir), TEST_PASSPHRASE, backupFile, { backupPassphrase: BACKUP_PASSPHRASE, scryptLogN: LOG_N });

      // The laptop is lost; the encrypted blocks survive elsewhere (a CAR, a pinning service): here a copy.
      await cp(lab.layout.ipfsDir, path.join(newLaptop, 'ipfs'), { recursive: true });
      const restored = await Notarium.open({ dataDir: newLaptop, scryptN: TEST_SCRYPT_N, pollIntervalMs: 50 });
      try {
        await importAccountBackup(new AccountStore(restored.layout.keysDir), await readFile(backupFile, 'utf8'), { backupPassphrase: BACKUP_PASSPHRASE, passphrase: TEST_PASSPHRASE });
        expect((await restored.account()).address).toBe(me.address);

        const out = path.join(tmp.dir, 'recovered');
        const got = await restored.retrieve({ source: notarized.receiptPath, out }, { passphrase: TEST_PASSPHRASE });
        expect(got.fileCount).toBe(2);
        expect(await readFile(path.join(out, 'samples.csv'), 'utf8')).toBe('sample,value\nA,1\nB,2\n');
        expect((await readFile(path.join(out, 'scan.bin'))).equals(Buffer.alloc(300_000, 3))).toBe(true);

        // The old receipt verifies against the chain it was anchored on (the old devnet, served over RPC)…
        const chain = await lab.serveDevnet(0);
        try {
          const report = await restored.verify({ inputs: [folder], receipt: notarized.receiptPath, offline: false, rpc: chain.url });
          expect(report.ok, report.summary).toBe(true);
          expect(report.authors.map((a) => [a.address, a.signature.status])).toEqual([[me.address, 'pass']]);
        } finally {
          await chain.close();
        }
      } finally {
        await restored.close();
      }
    } finally {
      await lab.close();
    }
  });
});
