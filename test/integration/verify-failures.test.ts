/**
 * Each way a verification can fail gives its own, clear failure: tampered file, wrong
 * receipt, altered proof, forged signature, wrong chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Wallet, TypedDataEncoder } from 'ethers';
import { Notarium, type NotarizeResult } from '../../main/core/notarium.ts';
import { receiptDigest } from '../../shared/receipt/index.ts';
import type { Receipt } from '../../shared/receipt/schema.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

describe('verification failures are distinct and clear', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let notarium: Notarium;
  let folder: string;
  let other: string;
  let a: NotarizeResult;
  let b: NotarizeResult;
  let receipt: Receipt;

  async function variant(name: string, edit: (r: Receipt) => void): Promise<string> {
    const r = structuredClone(receipt);
    edit(r);
    const p = path.join(tmp.dir, `${name}.json`);
    await writeFile(p, JSON.stringify(r));
    return p;
  }

  beforeAll(async () => {
    tmp = await tempDir();
    folder = path.join(tmp.dir, 'a');
    other = path.join(tmp.dir, 'b');
    await mkdir(folder);
    await mkdir(other);
    for (let i = 0; i < 5; i++) await writeFile(path.join(folder, `f${i}.csv`), `id,value\n${i},${i * 7}\n`);
    await writeFile(path.join(other, 'x.txt'), 'another dataset');
    notarium = await Notarium.open({ dataDir: path.join(tmp.dir, 'data'), scryptN: TEST_SCRYPT_N });
    await notarium.init(TEST_PASSPHRASE);
    a = await notarium.notarize({ inputs: [folder], title: 'A', receiptOut: path.join(tmp.dir, 'a.receipt.json') }, { passphrase: TEST_PASSPHRASE });
    b = await notarium.notarize({ inputs: [other], title: 'B', receiptOut: path.join(tmp.dir, 'b.receipt.json') }, { passphrase: TEST_PASSPHRASE });
    receipt = JSON.parse(await readFile(a.receiptPath, 'utf8')) as Receipt;
  });

  afterAll(async () => {
    await notarium.close();
    await tmp.cleanup();
  });

  it('a receipt of another dataset: no file is listed in it', async () => {
    const report = await notarium.verify({ inputs: [folder], receipt: b.receiptPath });
    expect(report.ok).toBe(false);
    expect(report.files.filter((f) => f.status === 'unlisted')).toHaveLength(5);
    expect(report.files.filter((f) => f.status === 'missing').map((f) => f.path)).toEqual(['x.txt']);
  });

  it('an altered Merkle proof: PROOF_INVALID for that file only', async () => {
    const p = await variant('proof', (r) => {
      const f = r.files[1];
      if (f === undefined || f.proof[0] === undefined) throw new Error('fixture');
      f.proof[0] = `0x${f.proof[0].slice(2).split('').reverse().join('')}`;
    });
    const report = await notarium.verify({ inputs: [folder], receipt: p });
    expect(report.ok).toBe(false);
    const bad = report.files.filter((f) => f.status === 'fail');
    expect(bad.map((f) => [f.path, f.proof.code])).toEqual([['f1.csv', 'PROOF_INVALID']]);
  });

  it('a forged author signature: SIGNATURE_INVALID even though the files match', async () => {
    const forger = Wallet.createRandom();
    const p = await variant('forged', (r) => {
      const author = r.authors[0];
      if (author === undefined) throw new Error('fixture');
      author.signature = forger.signingKey.sign(receiptDigest(r)).serialized;
    });
    const report = await notarium.verify({ inputs: [folder], receipt: p });
    expect(report.ok).toBe(false);
    expect(report.files.every((f) => f.status === 'pass')).toBe(true);
    expect(report.authors[0]?.signature.status).toBe('fail');
    expect(report.authors[0]?.signature.code).toBe('SIGNATURE_INVALID');
  });

  it('offline, a forged signature is not accepted either', async () => {
    const forger = Wallet.createRandom();
    const p = await variant('forged-offline', (r) => {
      (r.authors[0] as { signature: string }).signature = forger.signingKey.sign(receiptDigest(r)).serialized;
    });
    const report = await notarium.verify({ inputs: [folder], receipt: p, offline: true });
    expect(report.ok).toBe(false);
  });

  it('a title changed after signing breaks the manifest digest and the signatures', async () => {
    const p = await variant('title', (r) => {
      r.title = 'A (revised)';
    });
    const report = await notarium.verify({ inputs: [folder], receipt: p, offline: true });
    expect(report.ok).toBe(false);
    expect(report.checks.manifest.code).toBe('RECEIPT_INVALID');
  });

  it('a receipt claiming another chain: CHAIN_ID_MISMATCH against the endpoint', async () => {
    const server = await notarium.serveDevnet(0);
    try {
      const good = await notarium.verify({ inputs: [folder], receipt: a.receiptPath, rpc: server.url });
      expect(good.checks.chain.status).toBe('pass');
      expect(good.ok).toBe(true);
      const p = await variant('chain', (r) => {
        r.network.chainId = '11155111';
      });
      const report = await notarium.verify({ inputs: [folder], receipt: p, rpc: server.url });
      expect(report.ok).toBe(false);
      expect(report.checks.chain.code).toBe('CHAIN_ID_MISMATCH');
    } finally {
      await server.close();
    }
  });

  it('a wrong block time or transaction in the receipt fails the chain check', async () => {
    const p = await variant('time', (r) => {
      r.anchor.blockTime -= 86_400;
    });
    const report = await notarium.verify({ inputs: [folder], receipt: p });
    expect(report.ok).toBe(false);
    expect(report.checks.chain.status).toBe('fail');
    const q = await variant('tx', (r) => {
      r.anchor.txHash = b.txHash;
    });
    const report2 = await notarium.verify({ inputs: [folder], receipt: q });
    expect(report2.checks.chain.status).toBe('fail');
  });

  it('the EIP-712 digest in the report is the one the registry domain gives', async () => {
    const report = await notarium.verify({ inputs: [folder], receipt: a.receiptPath, offline: true });
    expect(report.computed).toEqual({ manifestDigest: receipt.manifestDigest, root: receipt.root });
    expect(report.files.every((f) => f.observedSha256 !== undefined && f.observedSha256 === f.expectedSha256)).toBe(true);
    expect(report.digest).toBe(
      TypedDataEncoder.hash({ name: 'Notarium', version: '1', chainId: 31337n, verifyingContract: receipt.contract }, { Notarization: [
        { name: 'root', type: 'bytes32' }, { name: 'manifestDigest', type: 'bytes32' }, { name: 'title', type: 'string' }, { name: 'authors', type: 'address[]' }, { name: 'supersedes', type: 'bytes32' },
      ] }, { root: receipt.root, manifestDigest: receipt.manifestDigest, title: 'A', authors: [receipt.authors[0]?.address], supersedes: receipt.supersedes }),
    );
  });
});

describe('verifying part of a dataset', () => {
  it('a sub-folder of the dataset verifies against the whole receipt, without the rest counted missing', async () => {
    const tmp = await tempDir();
    const n = await Notarium.open({ dataDir: path.join(tmp.dir, 'data'), scryptN: TEST_SCRYPT_N });
    try {
      await n.init(TEST_PASSPHRASE);
      const ds = path.join(tmp.dir, 'cohort');
      await mkdir(path.join(ds, 'imaging', 'mri'), { recursive: true });
      await writeFile(path.join(ds, 'clinical.csv'), 'a\n');
      await writeFile(path.join(ds, 'imaging', 'mri', 's1.dcm'), 'x');
      await writeFile(path.join(ds, 'imaging', 'notes.txt'), 'y');
      const r = await n.notarize({ inputs: [ds], title: 'Cohort', receiptOut: path.join(tmp.dir, 'r.json') }, { passphrase: TEST_PASSPHRASE });
      const report = await n.verify({ inputs: [path.join(ds, 'imaging')], receipt: r.receiptPath, offline: true });
      expect(report.ok).toBe(true);
      expect(report.files.map((f) => [f.path, f.status]).sort()).toEqual([['imaging/mri/s1.dcm', 'pass'], ['imaging/notes.txt', 'pass']]);
    } finally {
      await n.close();
      await tmp.cleanup();
    }
  });
});
