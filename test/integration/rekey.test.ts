/**
 * Rekey: future access is revoked by re-encrypting under new keys for the remaining
 * recipients and notarizing a new version that supersedes the old one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Notarium } from '../../main/core/notarium.ts';
import { parseManifest } from '../../shared/notary/manifest.ts';
import { parseReceipt } from '../../shared/receipt/index.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

describe('rekey', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let n: Notarium;
  let folder: string;
  beforeAll(async () => {
    tmp = await tempDir();
    folder = path.join(tmp.dir, 'ds');
    await mkdir(folder);
    await writeFile(path.join(folder, 'a.csv'), 'x\n1\n');
    await writeFile(path.join(folder, 'b.bin'), Buffer.alloc(100_000, 3));
    n = await Notarium.open({ dataDir: path.join(tmp.dir, 'data'), scryptN: TEST_SCRYPT_N });
    await n.init(TEST_PASSPHRASE);
  });
  afterAll(async () => {
    await n.close();
    await tmp.cleanup();
  });

  it('re-encrypts under new keys (new payload CIDs, new salts) and anchors a version that supersedes the old', async () => {
    const first = await n.notarize({ inputs: [folder], title: 'Keyed', receiptOut: path.join(tmp.dir, 'v1.json') }, { passphrase: TEST_PASSPHRASE });
    const other = await Notarium.open({ dataDir: path.join(tmp.dir, 'steward'), scryptN: TEST_SCRYPT_N });
    const { recipient } = await other.init(TEST_PASSPHRASE);
    await other.close();
    // The dataset named by its receipt file (as share and retrieve accept it), not only its root.
    const r = await n.rekey({ dataset: first.receiptPath, recipients: [recipient], receiptOut: path.join(tmp.dir, 'v2.json') }, { passphrase: TEST_PASSPHRASE });
    expect(r.kind).toBe('anchored');
    if (r.kind !== 'anchored') return;
    const v1 = parseReceipt(await readFile(first.receiptPath, 'utf8'));
    const v2 = parseReceipt(await readFile(r.result.receiptPath, 'utf8'));
    expect(v2.supersedes).toBe(v1.root);
    expect(v2.root).not.toBe(v1.root);
    const [m1, m2] = [parseManifest(v1.manifest), parseManifest(v2.manifest)];
    expect(m2.files.map((f) => f.sha256)).toEqual(m1.files.map((f) => f.sha256));
    m2.files.forEach((f, i) => {
      expect(f.payloadCid).not.toBe(m1.files[i]?.payloadCid);
      expect(f.salt).not.toBe(m1.files[i]?.salt);
    });
    const oldReport = await n.verify({ inputs: [folder], receipt: first.receiptPath });
    expect(oldReport.ok).toBe(true);
    expect(oldReport.supersededBy).toBe(v2.root);
    expect((await n.verify({ inputs: [folder], receipt: r.result.receiptPath })).ok).toBe(true);
    const out = path.join(tmp.dir, 'back');
    await n.retrieve({ source: r.result.receiptPath, out }, { passphrase: TEST_PASSPHRASE });
    expect((await readdir(out)).sort()).toEqual(['a.csv', 'b.bin']);
    expect((await readdir(path.join(tmp.dir, 'data'))).some((e) => e.startsWith('rekey-'))).toBe(false);
  });

  it('refuses an unknown dataset and a bad recipient before doing anything', async () => {
    await expect(n.rekey({ dataset: `0x${'12'.repeat(32)}` }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(n.rekey({ dataset: 'x', recipients: ['age1bad'] }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
