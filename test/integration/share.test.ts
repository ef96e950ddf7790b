/**
 * Sharing with a new age recipient: new headers only (payload CIDs unchanged, nothing
 * re-encrypted), the recipient retrieves with their own identity on their own machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Notarium } from '../../main/core/notarium.ts';
import { Ledger } from '../../main/core/ledger/index.ts';
import { parseShareJson, shareTicketSchema } from '../../shared/notary/share.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

describe('share with a new recipient', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let owner: Notarium;
  let folder: string;
  let root: string;
  let receiptPath: string;

  beforeAll(async () => {
    tmp = await tempDir();
    folder = path.join(tmp.dir, 'ds');
    await mkdir(path.join(folder, 'sub'), { recursive: true });
    await writeFile(path.join(folder, 'a.csv'), 'x,y\n1,2\n');
    await writeFile(path.join(folder, 'sub', 'b.bin'), Buffer.alloc(200_000, 7));
    owner = await Notarium.open({ dataDir: path.join(tmp.dir, 'owner'), scryptN: TEST_SCRYPT_N });
    await owner.init(TEST_PASSPHRASE);
    const r = await owner.notarize({ inputs: [folder], title: 'Shared set', receiptOut: path.join(tmp.dir, 'r.json') }, { passphrase: TEST_PASSPHRASE });
    root = r.root;
    receiptPath = r.receiptPath;
  });
  afterAll(async () => {
    await owner.close();
    await tmp.cleanup();
  });

  it('writes one envelope for the recipient, who retrieves byte-identical files with only their identity', async () => {
    const recipientDir = path.join(tmp.dir, 'recipient');
    const recipient = await Notarium.open({ dataDir: recipientDir, scryptN: TEST_SCRYPT_N });
    const { recipient: age1 } = await recipient.init(TEST_PASSPHRASE);
    const ledgerBefore = Ledger.open(path.join(tmp.dir, 'owner', 'ledger.sqlite'));
    const filesBefore = ledgerBefore.getFiles(ledgerBefore.getDataset(root)?.id ?? '');
    ledgerBefore.close();

    const { ticketPath, ticket } = await owner.share({ dataset: receiptPath, recipient: age1, out: path.join(tmp.dir, 'ticket.json') }, { passphrase: TEST_PASSPHRASE });
    expect(parseShareJson(shareTicketSchema, await readFile(ticketPath, 'utf8'), 'ticket')).toEqual(ticket);
    expect(ticket.summary.fileCount).toBe(2);

    const ledgerAfter = Ledger.open(path.join(tmp.dir, 'owner', 'ledger.sqlite'));
    expect(ledgerAfter.getFiles(ledgerAfter.getDataset(root)?.id ?? '')).toEqual(filesBefore);
    ledgerAfter.close();

    // The blocks reach the recipient's machine (here: a copy of the owner's block store, as a CAR on a USB stick would).
    await owner.close();
    await recipient.close();
    await cp(path.join(tmp.dir, 'owner', 'ipfs'), path.join(recipientDir, 'ipfs'), { recursive: true, force: true });
    const r2 = await Notarium.open({ dataDir: recipientDir, scryptN: TEST_SCRYPT_N });
    try {
      const out = path.join(tmp.dir, 'restored');
      const res = await r2.retrieve({ source: ticketPath, out }, { passphrase: TEST_PASSPHRASE });
      expect(res.root).toBe(root);
      expect((await readdir(out)).sort()).toEqual(['a.csv', 'sub']);
      expect(await readFile(path.join(out, 'sub', 'b.bin'))).toEqual(await readFile(path.join(folder, 'sub', 'b.bin')));
      // The recipient cannot open the owner's own manifest: only the share was for them.
      await expect(r2.retrieve({ source: receiptPath, out: path.join(tmp.dir, 'nope') }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'AGE_DECRYPT_FAILED' });
    } finally {
      await r2.close();
      owner = await Notarium.open({ dataDir: path.join(tmp.dir, 'owner'), scryptN: TEST_SCRYPT_N });
    }
  });

  it('the owner cannot open an envelope made for someone else, and a bad recipient is refused', async () => {
    const other = await Notarium.open({ dataDir: path.join(tmp.dir, 'other'), scryptN: TEST_SCRYPT_N });
    const { recipient } = await other.init(TEST_PASSPHRASE);
    await other.close();
    const { ticketPath } = await owner.share({ dataset: root, recipient, out: path.join(tmp.dir, 't2.json') }, { passphrase: TEST_PASSPHRASE });
    await expect(owner.retrieve({ source: ticketPath, out: path.join(tmp.dir, 'o2') }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'AGE_DECRYPT_FAILED' });
    await expect(owner.share({ dataset: root, recipient: 'age1notvalid' }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(owner.share({ dataset: `0x${'ab'.repeat(32)}`, recipient }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('the consent gate on share', () => {
  it('a dataset linked to data subjects cannot be shared without a purpose; a covered purpose is allowed, an uncovered one denied', async () => {
    const tmp = await tempDir();
    const n = await Notarium.open({ dataDir: path.join(tmp.dir, 'data'), scryptN: TEST_SCRYPT_N });
    try {
      await n.init(TEST_PASSPHRASE);
      const ds = path.join(tmp.dir, 'cohort');
      await mkdir(ds);
      await writeFile(path.join(ds, 'cohort.csv'), 'subject,value\nP1,1\nP2,2\n');
      const r = await n.notarize({ inputs: [ds], title: 'Cohort', receiptOut: path.join(tmp.dir, 'r.json') }, { passphrase: TEST_PASSPHRASE });
      const consents = path.join(tmp.dir, 'consents.csv');
      await writeFile(consents, 'subject_id,permission,diseases,modifiers,given_date,valid_from,valid_until,status,withdrawn_date,withdrawal_scope,form_version,document_sha256\nP1,HMB,,,2025-01-10,,,,,,v1,\nP2,HMB,,,2025-01-10,,,,,,v1,\n');
      const consent = await n.consent();
      await consent.importFile({ file: consents });
      await consent.link({ datasetId: r.datasetId, subjects: ['P1', 'P2'] });
      const other = await Notarium.open({ dataDir: path.join(tmp.dir, 'other'), scryptN: TEST_SCRYPT_N });
      const { recipient } = await other.init(TEST_PASSPHRASE);
      await other.close();
      await expect(n.share({ dataset: r.root, recipient }, { passphrase: TEST_PASSPHRASE })).rejects.toThrow(/linked to 2 data subject/);
      await expect(n.share({ dataset: r.root, recipient, purpose: { purpose: 'POA' } }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'CONSENT_DENIED' });
      const ok = await n.share({ dataset: r.root, recipient, purpose: { purpose: 'HMB' }, out: path.join(tmp.dir, 't.json') }, { passphrase: TEST_PASSPHRASE });
      expect(ok.ticket.summary.fileCount).toBe(1);
    } finally {
      await n.close();
      await tmp.cleanup();
    }
  });
});
