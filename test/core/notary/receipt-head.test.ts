/**
 * readReceiptLocation: what `retrieve <receipt>` takes from a receipt, read as a stream up
 * to the first file entry. Checked on a receipt made by the service (and a retrieval from
 * it), on a receipt whose entries are cut short or damaged (not read, so not noticed), and
 * on files that are not full receipts (RECEIPT_INVALID, NOT_FOUND, INVALID_INPUT).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractReceiptExcerpt } from '../../../main/core/notary/receipt-excerpt.ts';
import { readReceiptLocation } from '../../../main/core/notary/receipt-head.ts';
import { Notarium } from '../../../main/core/notarium.ts';
import { parseReceipt, serializeReceipt, type Receipt } from '../../../shared/receipt/index.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../../helpers/tmp.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let n: Notarium;
let dataset: string;
let receiptPath: string;
let receipt: Receipt;

beforeAll(async () => {
  tmp = await tempDir();
  dataset = path.join(tmp.dir, 'ds');
  await mkdir(path.join(dataset, 'imaging'), { recursive: true });
  await writeFile(path.join(dataset, 'cohort.csv'), 'subject,age\nS1,42\nS2,37\n');
  for (let i = 0; i < 12; i++) await writeFile(path.join(dataset, 'imaging', `s${String(i).padStart(2, '0')}.bin`), randomBytes(1000 + i * 3000));
  n = await Notarium.open({ dataDir: path.join(tmp.dir, 'data'), scryptN: TEST_SCRYPT_N });
  await n.init(TEST_PASSPHRASE);
  receiptPath = (await n.notarize({ inputs: [dataset], title: 'Head read', receiptOut: path.join(tmp.dir, 'receipt.json') }, { passphrase: TEST_PASSPHRASE })).receiptPath;
  receipt = parseReceipt(await readFile(receiptPath, 'utf8'));
}, 120_000);

afterAll(async () => {
  await n.close();
  await tmp.cleanup();
});

async function write(name: string, text: string): Promise<string> {
  const file = path.join(tmp.dir, name);
  await writeFile(file, text);
  return file;
}

describe('readReceiptLocation', () => {
  it('gives the root, manifest digest and manifest CIDs of a receipt made by the service', async () => {
    expect(await readReceiptLocation(receiptPath)).toEqual({
      root: receipt.root,
      manifestDigest: receipt.manifestDigest,
      manifestHeaderCid: receipt.storage.manifestHeaderCid,
      manifestPayloadCid: receipt.storage.manifestPayloadCid,
    });
  });

  it('stops at the first file entry: entries cut short or damaged after it are not read', async () => {
    const text = serializeReceipt(receipt);
    const second = text.indexOf(`"path": ${JSON.stringify(receipt.files[1]?.path)}`, text.indexOf('"files"'));
    expect(second).toBeGreaterThan(0);
    const expected = { root: receipt.root, manifestDigest: receipt.manifestDigest, manifestHeaderCid: receipt.storage.manifestHeaderCid, manifestPayloadCid: receipt.storage.manifestPayloadCid };
    expect(await readReceiptLocation(await write('cut-after-first.json', text.slice(0, second)))).toEqual(expected);
    expect(await readReceiptLocation(await write('junk-after-first.json', `${text.slice(0, second)}@@@ not json @@@`))).toEqual(expected);
  });

  it('rejects non-JSON, a receipt cut short in its head, another format, another version, an excerpt, and a head field that is malformed', async () => {
    const text = serializeReceipt(receipt);
    await expect(readReceiptLocation(await write('junk.json', 'not json {'))).rejects.toMatchObject({ code: 'RECEIPT_INVALID', message: expect.stringMatching(/not valid JSON/) });
    await expect(readReceiptLocation(await write('empty.json', ''))).rejects.toMatchObject({ code: 'RECEIPT_INVALID' });
    // Cut inside the manifest string, before storage: the location is not there.
    const cut = text.slice(0, text.indexOf('"manifest":') + 200);
    await expect(readReceiptLocation(await write('cut.json', cut))).rejects.toMatchObject({ code: 'RECEIPT_INVALID', message: expect.stringMatching(/cut short/) });
    await expect(readReceiptLocation(await write('other.json', JSON.stringify({ ...receipt, format: 'something-else' })))).rejects.toMatchObject({ code: 'RECEIPT_INVALID', message: expect.stringMatching(/not a Notarium receipt/) });
    await expect(readReceiptLocation(await write('array.json', '[1, 2]'))).rejects.toMatchObject({ code: 'RECEIPT_INVALID' });
    await expect(readReceiptLocation(await write('ticket-like.json', JSON.stringify({ format: 'notarium-share-ticket', version: 1 })))).rejects.toMatchObject({ code: 'RECEIPT_INVALID', message: expect.stringMatching(/not a Notarium receipt/) });
    await expect(readReceiptLocation(await write('v9.json', JSON.stringify({ ...receipt, version: 9 })))).rejects.toMatchObject({ code: 'RECEIPT_INVALID', message: expect.stringMatching(/version 9/) });
    await expect(readReceiptLocation(await write('bad-cid.json', JSON.stringify({ ...receipt, storage: { ...receipt.storage, manifestPayloadCid: 'Qm-not-a-cid' } })))).rejects.toMatchObject({ code: 'RECEIPT_INVALID', message: expect.stringMatching(/manifestPayloadCid/) });
    const { files: _files, ...noFiles } = receipt;
    await expect(readReceiptLocation(await write('no-files.json', JSON.stringify({ ...noFiles, files: [] })))).rejects.toMatchObject({ code: 'RECEIPT_INVALID', message: expect.stringMatching(/files/) });
    const { manifest: _, ...noManifest } = receipt;
    await expect(readReceiptLocation(await write('no-manifest.json', JSON.stringify(noManifest)))).rejects.toMatchObject({ code: 'RECEIPT_INVALID', message: expect.stringMatching(/manifest/) });
    const excerpt = await extractReceiptExcerpt(receiptPath, ['cohort.csv'], { out: path.join(tmp.dir, 'cohort.excerpt.json') });
    await expect(readReceiptLocation(excerpt.path)).rejects.toMatchObject({ code: 'RECEIPT_INVALID', message: expect.stringMatching(/receipt excerpt/) });
  });

  it('reports a missing file as NOT_FOUND and a folder as INVALID_INPUT', async () => {
    await expect(readReceiptLocation(path.join(tmp.dir, 'none.json'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(readReceiptLocation(tmp.dir)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('Notarium.retrieve from a receipt file (head read as a stream)', () => {
  it('restores the dataset identical to the original, by receipt and by root', async () => {
    for (const [source, out] of [
      [receiptPath, path.join(tmp.dir, 'by-receipt')],
      [receipt.root, path.join(tmp.dir, 'by-root')],
    ] as const) {
      const result = await n.retrieve({ source, out }, { passphrase: TEST_PASSPHRASE });
      expect(result).toMatchObject({ fileCount: 13, root: receipt.root });
      for (const f of receipt.files) expect(await readFile(path.join(out, f.path))).toEqual(await readFile(path.join(dataset, f.path)));
    }
  });

  it('refuses a receipt whose location is damaged before decrypting anything (RECEIPT_INVALID), and a receipt of another root (HASH_MISMATCH)', async () => {
    const damaged = await write('damaged.json', JSON.stringify({ ...receipt, manifestDigest: 'nope' }));
    await expect(n.retrieve({ source: damaged, out: path.join(tmp.dir, 'never') }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'RECEIPT_INVALID' });
    const otherRoot = await write('other-root.json', serializeReceipt({ ...receipt, root: `0x${'ab'.repeat(32)}` }));
    await expect(n.retrieve({ source: otherRoot, out: path.join(tmp.dir, 'never-2') }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
  });
});
