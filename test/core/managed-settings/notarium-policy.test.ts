/**
 * The services obey the lab's managed settings: a refused public notarization or a
 * disallowed network costs no work and stores nothing; the data steward named in
 * defaultRecipients can open every new dataset. Real Helia, real devnet, real files.
 */
import { chmod, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notarium } from '../../../main/core/notarium.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../../helpers/tmp.ts';

async function listTree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe('Notarium under managed settings', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let folder: string;
  let stewardRecipient: string;
  let n = 0;

  async function managedFile(policy: unknown): Promise<string> {
    const dir = path.join(tmp.dir, `etc-${n++}`);
    await mkdir(dir, { mode: 0o755 });
    const file = path.join(dir, 'managed.json');
    await writeFile(file, JSON.stringify(policy));
    await chmod(file, 0o644);
    return file;
  }

  async function researcher(name: string, policy: unknown): Promise<Notarium> {
    const r = await Notarium.open({ dataDir: path.join(tmp.dir, name), scryptN: TEST_SCRYPT_N, pollIntervalMs: 50, managedSettingsFile: await managedFile(policy) });
    await r.init(TEST_PASSPHRASE);
    return r;
  }

  beforeAll(async () => {
    tmp = await tempDir('notarium-policy-');
    folder = path.join(tmp.dir, 'ds');
    await mkdir(folder);
    await writeFile(path.join(folder, 'cohort.csv'), 'subject,age\nS1,42\nS2,37\n');
    await writeFile(path.join(folder, 'notes.txt'), 'visit notes');
    const steward = await Notarium.open({ dataDir: path.join(tmp.dir, 'steward'), scryptN: TEST_SCRYPT_N });
    stewardRecipient = (await steward.init(TEST_PASSPHRASE)).recipient;
    await steward.close();
  });

  afterAll(async () => {
    await tmp.cleanup();
  });

  it('refuses a public notarization when the lab disallows public mode, before any work, storing nothing', async () => {
    const r = await researcher('no-public', { allowPublicMode: false });
    try {
      expect(r.effectiveSettings.locked).toEqual(['allowPublicMode']);
      const before = await listTree(r.layout.root);
      await expect(r.notarize({ inputs: [folder], title: 'Public attempt', public: true }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'POLICY_DENIED' });
      await expect(r.draft({ inputs: [folder], title: 'Public draft', public: true })).rejects.toMatchObject({ code: 'POLICY_DENIED' });
      expect(await listTree(r.layout.root)).toEqual(before);
      expect(r.datasets()).toEqual([]);
    } finally {
      await r.close();
    }
  });

  it('refuses anchoring on a network outside allowedNetworks (here the embedded devnet), storing nothing', async () => {
    const r = await researcher('sepolia-only', { allowedNetworks: [11155111] });
    try {
      const before = await listTree(r.layout.root);
      const err = await r.notarize({ inputs: [folder], title: 'Local attempt' }, { passphrase: TEST_PASSPHRASE }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'POLICY_DENIED' });
      expect((err as Error).message).toMatch(/chain 31337.*11155111/);
      expect(await listTree(r.layout.root)).toEqual(before);
    } finally {
      await r.close();
    }
  });

  it('encrypts every new dataset to the default recipients too: the data steward restores it with only their own key', async () => {
    const r = await researcher('lab', { defaultRecipients: [stewardRecipient], allowedNetworks: [31337] });
    let receipt: string;
    try {
      const res = await r.notarize({ inputs: [folder], title: 'Cohort', receiptOut: path.join(tmp.dir, 'cohort.receipt.json') }, { passphrase: TEST_PASSPHRASE });
      receipt = res.receiptPath;
    } finally {
      await r.close();
    }
    // The blocks reach the steward's machine (a CAR on a USB key in real life).
    const stewardDir = path.join(tmp.dir, 'steward');
    await cp(path.join(tmp.dir, 'lab', 'ipfs'), path.join(stewardDir, 'ipfs'), { recursive: true, force: true });
    const steward = await Notarium.open({ dataDir: stewardDir, scryptN: TEST_SCRYPT_N });
    try {
      const out = path.join(tmp.dir, 'steward-restored');
      const got = await steward.retrieve({ source: receipt, out }, { passphrase: TEST_PASSPHRASE });
      expect(got.fileCount).toBe(2);
      expect(await readFile(path.join(out, 'cohort.csv'), 'utf8')).toBe('subject,age\nS1,42\nS2,37\n');
    } finally {
      await steward.close();
    }
  });

  it('a managed network wins over the user settings.json and is reported locked', async () => {
    const dataDir = path.join(tmp.dir, 'user-net');
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'settings.json'), JSON.stringify({ network: { name: 'base', chainId: 8453, rpcUrl: 'https://user.example.org', registry: '0x0000000000000000000000000000000000000001' } }));
    const network = { name: 'sepolia', chainId: 11155111, rpcUrl: 'https://lab.example.org', registry: '0x5FbDB2315678afecb367f032d93F642f64180aa3' };
    const r = await Notarium.open({ dataDir, managedSettingsFile: await managedFile({ network, confirmations: 4 }) });
    try {
      expect(r.effectiveSettings.settings.network).toEqual({ ...network, confirmations: 4 });
      expect(r.effectiveSettings.locked).toEqual(['network', 'network.confirmations']);
      expect(JSON.parse(await readFile(path.join(dataDir, 'settings.json'), 'utf8')).network.chainId).toBe(8453);
    } finally {
      await r.close();
    }
  });
});
