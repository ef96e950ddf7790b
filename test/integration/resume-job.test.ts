import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Notarium } from '../../main/core/notarium.ts';
import { AccountStore } from '../../main/core/keys/index.ts';
import { JobJournal } from '../../main/core/notary/job-journal.ts';
import { parseReceipt } from '../../shared/receipt/index.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

async function journalsOf(dataDir: string): Promise<JobJournal[]> {
  const account = await new AccountStore(path.join(dataDir, 'keys')).unlock(TEST_PASSPHRASE);
  return JobJournal.loadAll(path.join(dataDir, 'jobs'), account.identity, account.recipient);
}

async function dataset(folder: string, files: number, bytes: number): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (let i = 0; i < files; i++) await writeFile(path.join(folder, `sample-${i}.bin`), randomBytes(bytes));
}

function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('a notarization job that stops half-way', () => {
  it('resumes on the same request: stored files are reused (same CIDs and salts), one receipt, no job left', async () => {
    const tmp = await tempDir();
    const dataDir = path.join(tmp.dir, 'data');
    const n = await Notarium.open({ dataDir, scryptN: TEST_SCRYPT_N });
    try {
      await n.init(TEST_PASSPHRASE);
      const folder = path.join(tmp.dir, 'cohort');
      await dataset(folder, 12, 256 * 1024);
      const stop = new AbortController();
      const first = n.notarize({ inputs: [folder], title: 'Cohort' }, {
        passphrase: TEST_PASSPHRASE,
        signal: stop.signal,
        onProgress: (p) => {
          if (p.filesDone >= 3) stop.abort();
        },
      });
      await expect(first).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(n.datasets()).toEqual([]);
      expect(await n.pendingJobs()).toHaveLength(1);
      const [journal] = await journalsOf(dataDir);
      const kept = [...(journal?.files.values() ?? [])];
      expect(kept.length).toBeGreaterThanOrEqual(3);

      const second = await n.notarize({ inputs: [folder], title: 'Cohort' }, { passphrase: TEST_PASSPHRASE });
      expect(second.warnings.join('\n')).toContain(`${kept.length} file(s) stored by an earlier run were reused`);
      const receipt = parseReceipt(await readFile(second.receiptPath, 'utf8'));
      const manifest = JSON.parse(receipt.manifest) as { files: Array<{ path: string; salt: string; headerCid: string; payloadCid: string }>; createdAt: number };
      expect(manifest.files).toHaveLength(12);
      for (const k of kept) {
        const f = manifest.files.find((m) => m.path === k.path);
        expect(f).toEqual(expect.objectContaining({ salt: k.salt, headerCid: k.headerCid, payloadCid: k.payloadCid }));
      }
      // The manifest keeps the first run's creation time: the same job, not a new one.
      expect(manifest.createdAt).toBe(journal?.spec.createdAt);
      expect(await n.pendingJobs()).toEqual([]);
      expect(n.datasets()).toHaveLength(1);
      expect((await n.verify({ receipt: second.receiptPath, inputs: [folder] })).ok).toBe(true);
    } finally {
      await n.close();
      await tmp.cleanup();
    }
  }, 120_000);

  it('run again on the same unchanged files (e.g. killed before it could exit), returns the same notarization; changed files get a new one', async () => {
    const tmp = await tempDir();
    const dataDir = path.join(tmp.dir, 'data');
    const n = await Notarium.open({ dataDir, scryptN: TEST_SCRYPT_N });
    try {
      await n.init(TEST_PASSPHRASE);
      const folder = path.join(tmp.dir, 'cohort');
      await dataset(folder, 4, 10_000);
      const first = await n.notarize({ inputs: [folder], title: 'Twice' }, { passphrase: TEST_PASSPHRASE });
      const again = await n.notarize({ inputs: [folder], title: 'Twice' }, { passphrase: TEST_PASSPHRASE });
      expect(again.root).toBe(first.root);
      expect(again.txHash).toBe(first.txHash);
      expect(again.receiptPath).toBe(first.receiptPath);
      // Reported from the ledger rows, the same as the anchoring reported it (and its receipt states).
      const same = ({ datasetId, root, manifestDigest, receiptPath, fileCount, totalBytes, network, chainId, local, contract, txHash, blockNumber, blockTime }: typeof first): unknown =>
        ({ datasetId, root, manifestDigest, receiptPath, fileCount, totalBytes, network, chainId, local, contract, txHash, blockNumber, blockTime });
      expect(same(again)).toEqual(same(first));
      expect(again.warnings.join('\n')).toContain('nothing was sent again');
      // A receipt row recorded before the ledger kept its anchoring (schema v3 left the
      // columns empty): the same result, read from the receipt itself.
      const db = new Database(path.join(dataDir, 'ledger.sqlite'));
      try {
        expect(db.prepare('UPDATE receipts SET network_name = NULL, chain_id = NULL, network_local = NULL, contract = NULL, tx_hash = NULL, block_number = NULL, block_time = NULL').run().changes).toBe(1);
      } finally {
        db.close();
      }
      const fromReceipt = await n.notarize({ inputs: [folder], title: 'Twice' }, { passphrase: TEST_PASSPHRASE });
      expect(same(fromReceipt)).toEqual(same(first));
      expect(n.datasets()).toHaveLength(1);
      expect(await n.pendingJobs()).toEqual([]);
      // Another title is another request: notarized on its own.
      const other = await n.notarize({ inputs: [folder], title: 'Twice, other title' }, { passphrase: TEST_PASSPHRASE });
      expect(other.root).not.toBe(first.root);
      // A changed file makes it a new notarization.
      await writeFile(path.join(folder, 'sample-2.bin'), randomBytes(10_000));
      const changed = await n.notarize({ inputs: [folder], title: 'Twice' }, { passphrase: TEST_PASSPHRASE });
      expect(changed.root).not.toBe(first.root);
      expect(n.datasets()).toHaveLength(3);
    } finally {
      await n.close();
      await tmp.cleanup();
    }
  }, 120_000);

  it.skipIf(!canMount())('stops with DISK_FULL on a full disk, keeps what it committed, and finishes once space is freed', async () => {
    const tmp = await tempDir();
    const mountPoint = path.join(tmp.dir, 'small-disk');
    await mkdir(mountPoint);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0700', 'tmpfs', mountPoint]);
    try {
      const dataDir = path.join(mountPoint, 'data');
      const folder = path.join(tmp.dir, 'cohort');
      // 40 MiB of files for a 24 MiB disk: the job must stop part-way.
      await dataset(folder, 20, 2 * 1024 * 1024);
      let n = await Notarium.open({ dataDir, scryptN: TEST_SCRYPT_N });
      try {
        await n.init(TEST_PASSPHRASE);
        await expect(n.notarize({ inputs: [folder], title: 'Big cohort' }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'DISK_FULL' });
        expect(n.datasets()).toEqual([]);
      } finally {
        await n.close();
      }
      const [journal] = await journalsOf(dataDir);
      const kept = [...(journal?.files.values() ?? [])];
      expect(kept.length).toBeGreaterThan(0);
      // Free space: the same disk, grown.
      execFileSync('mount', ['-o', 'remount,size=128m', mountPoint]);
      n = await Notarium.open({ dataDir, scryptN: TEST_SCRYPT_N });
      try {
        const done = await n.notarize({ inputs: [folder], title: 'Big cohort' }, { passphrase: TEST_PASSPHRASE });
        const manifest = JSON.parse(parseReceipt(await readFile(done.receiptPath, 'utf8')).manifest) as { files: Array<{ path: string; payloadCid: string }> };
        for (const k of kept) expect(manifest.files.find((f) => f.path === k.path)?.payloadCid).toBe(k.payloadCid);
        expect((await n.verify({ receipt: done.receiptPath, inputs: [folder] })).ok).toBe(true);
        const retrieved = path.join(tmp.dir, 'retrieved');
        await n.retrieve({ source: done.receiptPath, out: retrieved }, { passphrase: TEST_PASSPHRASE });
        expect(await readFile(path.join(retrieved, 'sample-7.bin'))).toEqual(await readFile(path.join(folder, 'sample-7.bin')));
      } finally {
        await n.close();
      }
    } finally {
      execFileSync('umount', ['-l', mountPoint]);
      await tmp.cleanup();
    }
  }, 180_000);
});

describe('a receipt too large to keep in the ledger', () => {
  it('is kept as a file with its SHA-256 in the ledger: export, a finished job and rekey read it from there', async () => {
    const tmp = await tempDir();
    const dataDir = path.join(tmp.dir, 'data');
    const n = await Notarium.open({ dataDir, scryptN: TEST_SCRYPT_N, receiptInLedgerMaxBytes: 100 });
    try {
      await n.init(TEST_PASSPHRASE);
      const folder = path.join(tmp.dir, 'cohort');
      await dataset(folder, 3, 1000);
      const done = await n.notarize({ inputs: [folder], title: 'Large receipt' }, { passphrase: TEST_PASSPHRASE });
      const exported = path.join(tmp.dir, 'again.json');
      await n.exportReceipt(done.root, exported);
      expect(await readFile(exported, 'utf8')).toBe(await readFile(done.receiptPath, 'utf8'));
      // Written again to the same file: refused (the file untouched) unless asked to replace it.
      await writeFile(exported, 'another receipt');
      await expect(n.exportReceipt(done.root, exported)).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { path: exported } });
      expect(await readFile(exported, 'utf8')).toBe('another receipt');
      await n.exportReceipt(done.root, exported, { replace: true });
      expect(await readFile(exported, 'utf8')).toBe(await readFile(done.receiptPath, 'utf8'));
      // The kept copy altered: the ledger's digest catches it.
      const kept = path.join(dataDir, 'receipts', `${done.root}.json`);
      await writeFile(kept, (await readFile(kept, 'utf8')).replace('Large receipt', 'Large receipT'));
      await expect(n.rekey({ dataset: done.root }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'RECEIPT_INVALID' });
    } finally {
      await n.close();
      await tmp.cleanup();
    }
  }, 120_000);
});
