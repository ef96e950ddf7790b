/**
 * The main job end to end on real research data (npm vega-datasets, Debian
 * python3-pydicom and htslib-test files) against the real parts: Helia on disk, the
 * EDR devnet, SQLite, and the Debian `age` CLI as an independent decryptor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CID } from 'multiformats/cid';
import { Notarium, type NotarizeResult } from '../../main/core/notarium.ts';
import { HeliaBackend } from '../../main/core/ipfs/index.ts';
import { AccountStore } from '../../main/core/keys/index.ts';
import { Ledger } from '../../main/core/ledger/index.ts';
import { buildRealDataset } from '../../scripts/real-dataset.ts';
import { parseReceipt } from '../../shared/receipt/index.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p, base)));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

describe('notarize → verify → tamper → retrieve on real research files', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let dataDir: string;
  let dataset: string;
  let result: NotarizeResult;
  let notarium: Notarium;

  beforeAll(async () => {
    tmp = await tempDir();
    dataDir = path.join(tmp.dir, 'data');
    dataset = path.join(tmp.dir, 'dataset');
    const info = await buildRealDataset(dataset, { small: true });
    expect(info.files).toBeGreaterThan(5);
    // One file large enough for the cipher worker path (read, hashed and sealed there).
    await writeFile(path.join(dataset, 'imaging-stack.bin'), randomBytes(5 * 1024 * 1024 + 4321));
    notarium = await Notarium.open({ dataDir, scryptN: TEST_SCRYPT_N });
    await notarium.init(TEST_PASSPHRASE);
    result = await notarium.notarize(
      { inputs: [dataset], title: 'Real research files', authorName: 'Ada Lovelace', authorOrcid: '0000-0002-1825-0097', receiptOut: path.join(tmp.dir, 'r.json') },
      { passphrase: TEST_PASSPHRASE },
    );
  });

  afterAll(async () => {
    await notarium.close();
    await tmp.cleanup();
  });

  it('anchors one root on the local devnet and writes a receipt recorded in the ledger', async () => {
    expect(result.root).toMatch(/^0x[0-9a-f]{64}$/);
    expect(result.local).toBe(true);
    const receipt = parseReceipt(await readFile(result.receiptPath, 'utf8'));
    expect(receipt.root).toBe(result.root);
    expect(receipt.network).toEqual({ name: 'devnet', chainId: '31337', local: true });
    expect(receipt.files.map((f) => f.path)).toEqual(await listFiles(dataset));
    expect(receipt.authors[0]?.orcid).toBe('0000-0002-1825-0097');
    const list = notarium.datasets();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ root: result.root, status: 'anchored', receiptPath: result.receiptPath });
  });

  it('verifies the untouched folder, including the chain, with exit-worthy ok=true', async () => {
    const report = await notarium.verify({ inputs: [dataset], receipt: result.receiptPath });
    expect(report.checks.chain.status).toBe('pass');
    expect(report.ok).toBe(true);
    expect(report.files.every((f) => f.status === 'pass')).toBe(true);
  });

  it('detects one flipped byte in one file and names that file', async () => {
    const copy = path.join(tmp.dir, 'tampered');
    await cp(dataset, copy, { recursive: true });
    const victim = (await listFiles(copy))[2] as string;
    const bytes = await readFile(path.join(copy, victim));
    bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] ?? 0) ^ 0x80;
    await writeFile(path.join(copy, victim), bytes);
    const report = await notarium.verify({ inputs: [copy], receipt: result.receiptPath });
    expect(report.ok).toBe(false);
    const failed = report.files.filter((f) => f.status !== 'pass');
    expect(failed.map((f) => f.path)).toEqual([victim]);
    expect(failed[0]?.content.code).toBe('HASH_MISMATCH');
  });

  it('retrieves every file byte-identical into a new folder', async () => {
    const out = path.join(tmp.dir, 'restored');
    const r = await notarium.retrieve({ source: result.receiptPath, out }, { passphrase: TEST_PASSPHRASE });
    const files = await listFiles(dataset);
    expect(r.fileCount).toBe(files.length);
    expect(await listFiles(out)).toEqual(files);
    for (const f of files) {
      expect((await readFile(path.join(out, f))).equals(await readFile(path.join(dataset, f)))).toBe(true);
    }
  });

  it('stores each file as age header + payload objects that the age CLI decrypts', async () => {
    await notarium.close();
    const ledger = Ledger.open(path.join(dataDir, 'ledger.sqlite'));
    const ds = ledger.getDataset(result.root);
    const file = ledger.getFiles(ds?.id ?? '').find((f) => f.size > 1000);
    ledger.close();
    expect(file).toBeDefined();
    const ipfs = await HeliaBackend.open(path.join(dataDir, 'ipfs'));
    const chunks: Uint8Array[] = [];
    for await (const c of ipfs.cat(CID.parse(file?.headerCid ?? ''))) chunks.push(c);
    for await (const c of ipfs.cat(CID.parse(file?.payloadCid ?? ''))) chunks.push(c);
    await ipfs.stop();
    const ageFile = path.join(tmp.dir, 'one.age');
    await writeFile(ageFile, Buffer.concat(chunks));
    const { identity } = await new AccountStore(path.join(dataDir, 'keys')).unlock(TEST_PASSPHRASE);
    const idFile = path.join(tmp.dir, 'id.txt');
    await writeFile(idFile, `${identity}\n`, { mode: 0o600 });
    const plain = execFileSync('age', ['-d', '-i', idFile, ageFile]);
    expect(`0x${(await import('node:crypto')).createHash('sha256').update(plain).digest('hex')}`).toBe(file?.sha256);
    notarium = await Notarium.open({ dataDir, scryptN: TEST_SCRYPT_N });
  });
});
