/**
 * Moving a notarized, shared dataset between Notarium instances with separate data
 * folders, as users do it: as a CAR file on a USB stick (all-or-nothing import, then
 * retrieval with the share ticket), and over the network (the owner runs `ipfs serve`
 * on 127.0.0.1, the recipient's settings name it as a peer, retrieval fetches by CID over
 * libp2p and decrypts with the recipient's own identity).
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notarium } from '../../../main/core/notarium.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../../helpers/tmp.ts';

describe('moving a shared dataset between two Notarium instances', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let owner: Notarium;
  let folder: string;
  let root: string;
  let fileCount: number;

  async function recipientAt(name: string, settings?: unknown): Promise<{ notarium: Notarium; ticketPath: string; dir: string }> {
    const dir = path.join(tmp.dir, name);
    await mkdir(dir, { recursive: true });
    if (settings !== undefined) await writeFile(path.join(dir, 'settings.json'), JSON.stringify(settings));
    const notarium = await Notarium.open({ dataDir: dir, scryptN: TEST_SCRYPT_N });
    const { recipient } = await notarium.init(TEST_PASSPHRASE);
    const { ticketPath } = await owner.share({ dataset: root, recipient, out: path.join(tmp.dir, `${name}.ticket.json`) }, { passphrase: TEST_PASSPHRASE });
    return { notarium, ticketPath, dir };
  }

  async function expectRestored(out: string): Promise<void> {
    expect((await readdir(out)).sort()).toEqual(['cohort.csv', 'scans']);
    expect((await readFile(path.join(out, 'scans', 'image.bin'))).equals(await readFile(path.join(folder, 'scans', 'image.bin')))).toBe(true);
    expect(await readFile(path.join(out, 'cohort.csv'), 'utf8')).toBe('subject,age\nS1,42\nS2,37\n');
  }

  beforeAll(async () => {
    tmp = await tempDir('notarium-transfer-');
    folder = path.join(tmp.dir, 'dataset');
    await mkdir(path.join(folder, 'scans'), { recursive: true });
    await writeFile(path.join(folder, 'cohort.csv'), 'subject,age\nS1,42\nS2,37\n');
    await writeFile(path.join(folder, 'scans', 'image.bin'), Buffer.alloc(1_500_000, 0x5a));
    owner = await Notarium.open({ dataDir: path.join(tmp.dir, 'owner'), scryptN: TEST_SCRYPT_N });
    await owner.init(TEST_PASSPHRASE);
    const r = await owner.notarize({ inputs: [folder], title: 'Transfer cohort', receiptOut: path.join(tmp.dir, 'receipt.json') }, { passphrase: TEST_PASSPHRASE });
    root = r.root;
    fileCount = r.fileCount;
  });

  afterAll(async () => {
    await owner.close();
    await tmp.cleanup();
  });

  it('carries the dataset and the share envelope in one CAR; the recipient imports it and retrieves with the ticket', async () => {
    const { notarium: recipient, ticketPath } = await recipientAt('usb-site');
    try {
      await expect(recipient.retrieve({ source: ticketPath, out: path.join(tmp.dir, 'too-early') }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringContaining('CAR') as unknown,
      });

      const car = path.join(tmp.dir, 'usb', 'transfer.car');
      await mkdir(path.dirname(car));
      const exported = await owner.carExport([ticketPath], car);
      // manifest header + payload, a header and a payload per file, the share envelope's two objects
      expect(exported.roots).toHaveLength(2 + 2 * fileCount + 2);

      const imported = await recipient.carImport(car);
      expect(imported.roots).toEqual(exported.roots);
      expect(imported.blocks).toBe(exported.blocks);

      const out = path.join(tmp.dir, 'restored-usb');
      const result = await recipient.retrieve({ source: ticketPath, out }, { passphrase: TEST_PASSPHRASE });
      expect(result.root).toBe(root);
      await expectRestored(out);
    } finally {
      await recipient.close();
    }
  });

  it('rejects a truncated CAR with nothing imported: retrieval still finds nothing', async () => {
    const { notarium: recipient, ticketPath } = await recipientAt('truncated-site');
    try {
      const car = path.join(tmp.dir, 'dataset-by-root.car');
      await owner.carExport([root], car);
      const bytes = await readFile(car);
      await writeFile(car, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      await expect(recipient.carImport(car)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(recipient.retrieve({ source: ticketPath, out: path.join(tmp.dir, 'nothing') }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await recipient.close();
    }
  });

  it('serves the dataset over libp2p on 127.0.0.1: a recipient whose settings name the owner as peer fetches by CID and decrypts', async () => {
    const served = await owner.serveIpfs({ listen: ['/ip4/127.0.0.1/tcp/0'] });
    const [address] = served.addresses;
    expect(address).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//);
    const { notarium: recipient, ticketPath } = await recipientAt('networked-site', { ipfs: { networking: { mode: 'peers', listen: [], peers: [address], fetchTimeoutMs: 10_000 } } });
    try {
      const out = path.join(tmp.dir, 'restored-net');
      const result = await recipient.retrieve({ source: ticketPath, out }, { passphrase: TEST_PASSPHRASE });
      expect(result.root).toBe(root);
      await expectRestored(out);
    } finally {
      await recipient.close();
      await served.close();
    }
  });
});
