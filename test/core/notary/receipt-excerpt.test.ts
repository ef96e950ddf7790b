/**
 * `receipt extract` in main/core: the excerpt is read from the receipt file as a stream
 * (any key order; reading stops once everything wanted was found, so even a receipt cut
 * short after the wanted entry gives it), it equals the excerpt built from the parsed
 * receipt, docs/example-excerpt.json is what the worked example gives, and `verify`
 * accepts an excerpt — offline, and against the embedded devnet's anchor.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TypedDataEncoder, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractReceiptExcerpt, readReceiptExcerpt } from '../../../main/core/notary/receipt-excerpt.ts';
import { verifyFiles } from '../../../main/core/notary/verify.ts';
import { Notarium } from '../../../main/core/notarium.ts';
import { canonicalManifest, manifestDigest, MANIFEST_LEAF_ENCODING, MANIFEST_PROFILE, sortFiles, type Manifest } from '../../../shared/notary/manifest.ts';
import { NOTARIZATION_TYPES, notaryDomain, ZERO_BYTES32 } from '../../../shared/notary/typed-data.ts';
import { excerptOf, parseReceipt, RECEIPT_FORMAT, RECEIPT_VERSION, serializeReceipt, type Receipt } from '../../../shared/receipt/index.ts';
import { buildDatasetTree } from '../../../shared/notary/leaf.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../../helpers/tmp.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const hex32 = (): string => `0x${randomBytes(32).toString('hex')}`;
/** A syntactically valid CIDv1 (raw, sha2-256) of random bytes: the receipt never dereferences it. */
const fakeCid = (): string => `bafkrei${createHash('sha256').update(randomBytes(8)).digest('hex').replace(/[^a-z2-7]/g, 'a').slice(0, 52)}`;

/** A signed receipt of `n` files with fake content hashes and CIDs (no chain: the anchor is made up). */
function bigReceipt(n: number): Receipt {
  const files = sortFiles(Array.from({ length: n }, (_, i) => ({ path: `s${String(i % 97).padStart(3, '0')}/f${i}.dcm`, size: i, sha256: hex32(), salt: hex32(), headerCid: fakeCid(), payloadCid: fakeCid() })));
  const wallet = Wallet.createRandom();
  const manifest: Manifest = { format: 'notarium-manifest', version: 1, title: 'Large', authors: [{ address: wallet.address }], createdAt: 1_700_000_000, public: false, leafEncoding: MANIFEST_LEAF_ENCODING, profile: MANIFEST_PROFILE, files };
  const text = canonicalManifest(manifest);
  const { root, proofs } = buildDatasetTree(files.map((f) => [f.salt, f.sha256]));
  const contract = `0x${'11'.repeat(20)}`;
  const digest = TypedDataEncoder.hash(notaryDomain(31337n, contract), NOTARIZATION_TYPES, { root, manifestDigest: manifestDigest(text), title: manifest.title, authors: [wallet.address], supersedes: ZERO_BYTES32 });
  return {
    format: RECEIPT_FORMAT,
    version: RECEIPT_VERSION,
    network: { name: 'devnet', chainId: '31337', local: true },
    contract,
    root,
    title: manifest.title,
    authors: [{ address: wallet.address, signature: wallet.signingKey.sign(digest).serialized }],
    supersedes: ZERO_BYTES32,
    manifestDigest: manifestDigest(text),
    manifest: text,
    storage: { manifestHeaderCid: fakeCid(), manifestPayloadCid: fakeCid() },
    anchor: { txHash: hex32(), blockNumber: 7, blockHash: hex32(), blockTime: 1_700_000_100, submitter: wallet.address },
    files: files.map((f, i) => ({ path: f.path, size: f.size, sha256: f.sha256, salt: f.salt, proof: proofs[i] ?? [] })),
  };
}

describe('receipt excerpts from receipt files', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let big: Receipt;
  let bigFile: string;
  beforeAll(async () => {
    tmp = await tempDir();
    big = bigReceipt(3000);
    bigFile = path.join(tmp.dir, 'big.json');
    await writeFile(bigFile, serializeReceipt(big));
  });
  afterAll(async () => {
    await tmp.cleanup();
  });

  it('streams the excerpt of the first, a middle and the last file: equal to the one built from the parsed receipt', async () => {
    const paths = [big.files[0]?.path, big.files[1500]?.path, big.files[2999]?.path] as string[];
    const streamed = await readReceiptExcerpt(bigFile, paths);
    expect(streamed).toEqual(excerptOf(big, paths));
    expect(serializeReceipt(streamed)).toBe(serializeReceipt(excerptOf(big, paths)));
  });

  it('does not depend on key order, and stops reading once it has what it needs (a receipt cut short after the entry still gives it)', async () => {
    const { files, ...header } = big;
    const reordered = path.join(tmp.dir, 'reordered.json');
    await writeFile(reordered, JSON.stringify({ files, ...Object.fromEntries(Object.entries(header).reverse()) }));
    const wanted = big.files[10]?.path as string;
    expect(await readReceiptExcerpt(reordered, [wanted])).toEqual(excerptOf(big, [wanted]));

    const text = serializeReceipt(big);
    const cut = path.join(tmp.dir, 'cut.json');
    // Cut inside files[] (the last occurrence of the path: the manifest, earlier, names it too).
    await writeFile(cut, text.slice(0, text.lastIndexOf(big.files[1000]?.path as string)));
    expect(await readReceiptExcerpt(cut, [wanted])).toEqual(excerptOf(big, [wanted]));
    await expect(readReceiptExcerpt(cut, [big.files[2000]?.path as string])).rejects.toMatchObject({ code: 'RECEIPT_INVALID', message: expect.stringMatching(/not valid JSON/) });
  });

  it('extracts from an excerpt too (a subset of it)', async () => {
    const paths = [big.files[3]?.path, big.files[4]?.path] as string[];
    const first = path.join(tmp.dir, 'two.json');
    await extractReceiptExcerpt(bigFile, paths, { out: first });
    expect(await readReceiptExcerpt(first, [paths[1] as string])).toEqual(excerptOf(big, [paths[1] as string]));
  });

  it('reports a missing file, a folder, non-JSON, another format or version, an unknown path (with hints) and a damaged proof by code', async () => {
    const wanted = [big.files[0]?.path as string];
    await expect(readReceiptExcerpt(path.join(tmp.dir, 'none.json'), wanted)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(readReceiptExcerpt(tmp.dir, wanted)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const write = async (name: string, text: string): Promise<string> => {
      await writeFile(path.join(tmp.dir, name), text);
      return path.join(tmp.dir, name);
    };
    await expect(readReceiptExcerpt(await write('junk.json', 'not json {'), wanted)).rejects.toMatchObject({ code: 'RECEIPT_INVALID' });
    await expect(readReceiptExcerpt(await write('array.json', '[1, 2]'), wanted)).rejects.toMatchObject({ code: 'RECEIPT_INVALID', message: expect.stringMatching(/not a Notarium receipt/) });
    await expect(readReceiptExcerpt(await write('other.json', JSON.stringify({ ...big, format: 'something-else' })), wanted)).rejects.toMatchObject({ code: 'RECEIPT_INVALID', message: expect.stringMatching(/not a Notarium receipt/) });
    await expect(readReceiptExcerpt(await write('v9.json', JSON.stringify({ ...big, version: 9 })), wanted)).rejects.toMatchObject({ code: 'RECEIPT_INVALID', message: expect.stringMatching(/version 9/) });
    const missing = readReceiptExcerpt(bigFile, ['elsewhere/f7.dcm']);
    await expect(missing).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/no file at "elsewhere\/f7\.dcm".*s007\/f7\.dcm/) });
    await expect(readReceiptExcerpt(bigFile, [])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const damaged = { ...big, files: big.files.map((f, i) => (i === 0 ? { ...f, proof: [hex32()] } : f)) };
    await expect(readReceiptExcerpt(await write('damaged.json', JSON.stringify(damaged)), wanted)).rejects.toMatchObject({ code: 'PROOF_INVALID' });
  });

  it('writes next to the current folder by default without replacing a file; an existing --out file only with replace', async () => {
    const cwd = path.join(tmp.dir, 'cwd');
    await mkdir(cwd);
    const wanted = [big.files[5]?.path as string];
    const a = await extractReceiptExcerpt(bigFile, wanted, { cwd });
    const b = await extractReceiptExcerpt(bigFile, wanted, { cwd });
    expect(path.basename(a.path)).toBe(`${path.posix.basename(wanted[0] as string)}.notarium-excerpt.json`);
    expect(path.basename(b.path)).toBe(`${path.posix.basename(wanted[0] as string)}-1.notarium-excerpt.json`);
    expect(a.bytes).toBe((await stat(a.path)).size);
    expect(a.bytes).toBeLessThan(4000);
    const out = path.join(cwd, 'chosen.json');
    await writeFile(out, 'old');
    await expect(extractReceiptExcerpt(bigFile, wanted, { out })).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { path: out } });
    expect(await readFile(out, 'utf8')).toBe('old');
    await extractReceiptExcerpt(bigFile, wanted, { out, replace: true });
    expect(parseReceipt(await readFile(bigFile, 'utf8')).root).toBe(JSON.parse(await readFile(out, 'utf8')).root);
    await expect(extractReceiptExcerpt(bigFile, wanted, { out: path.join(cwd, 'no-such-folder', 'x.json') })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('docs/example-excerpt.json is the excerpt of the worked example for cohort.csv, and verifies offline against that file', async () => {
    const derived = serializeReceipt(await readReceiptExcerpt(path.join(ROOT, 'docs/example-receipt.json'), ['cohort.csv']));
    expect(await readFile(path.join(ROOT, 'docs/example-excerpt.json'), 'utf8')).toBe(derived);
    // RECEIPT.md §6b states its size.
    expect(Buffer.byteLength(derived)).toBe(1624);
    const folder = path.join(tmp.dir, 'wx');
    await mkdir(folder);
    await writeFile(path.join(folder, 'cohort.csv'), 'subject,age\nS1,42\n');
    const report = await verifyFiles({ inputs: [path.join(folder, 'cohort.csv')], receiptPath: path.join(ROOT, 'docs/example-excerpt.json'), offline: true, chain: null });
    expect(report.ok).toBe(true);
    expect(report.receipt.kind).toBe('excerpt');
    expect(report.checks.manifest).toMatchObject({ status: 'skipped', message: expect.stringMatching(/Not included in this excerpt/) });
    expect(report.files.map((f) => f.status)).toEqual(['pass']);
  });

  it('through the service: an excerpt of a notarized dataset verifies against the devnet anchor; the full receipt still does', async () => {
    const dataset = path.join(tmp.dir, 'ds');
    await mkdir(path.join(dataset, 'imaging'), { recursive: true });
    await writeFile(path.join(dataset, 'cohort.csv'), 'subject,age\nS1,42\nS2,37\n');
    await writeFile(path.join(dataset, 'imaging', 's01.bin'), randomBytes(70_000));
    await writeFile(path.join(dataset, 'imaging', 's02.bin'), randomBytes(50_000));
    const n = await Notarium.open({ dataDir: path.join(tmp.dir, 'data'), scryptN: TEST_SCRYPT_N });
    try {
      await n.init(TEST_PASSPHRASE);
      const done = await n.notarize({ inputs: [dataset], title: 'Excerpted', receiptOut: path.join(tmp.dir, 'full.json') }, { passphrase: TEST_PASSPHRASE });
      const excerpt = await extractReceiptExcerpt(done.receiptPath, ['imaging/s02.bin'], { out: path.join(tmp.dir, 's02.excerpt.json') });
      const report = await n.verify({ inputs: [path.join(dataset, 'imaging', 's02.bin')], receipt: excerpt.path });
      expect(report.ok).toBe(true);
      expect(report.checks.chain.status).toBe('pass');
      expect(report.checks.root.status).toBe('skipped');
      expect(report.files).toMatchObject([{ path: 'imaging/s02.bin', status: 'pass' }]);
      // Another file of the dataset is not provable with this excerpt.
      const other = await n.verify({ inputs: [path.join(dataset, 'imaging', 's01.bin')], receipt: excerpt.path });
      expect(other.ok).toBe(false);
      expect((await n.verify({ inputs: [dataset], receipt: done.receiptPath })).ok).toBe(true);
    } finally {
      await n.close();
    }
  });
});
