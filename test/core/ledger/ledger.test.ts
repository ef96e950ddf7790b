import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { Ledger } from '../../../main/core/ledger/index.ts';
import { MIGRATIONS } from '../../../main/core/ledger/migrations/index.ts';
import { bytes32, makeAnchor, makeDataset, makeFiles } from './fixtures/dataset.ts';

function count(file: string, table: string): number {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('Ledger', () => {
  let tmp: string;
  let file: string;
  let ledger: Ledger;

  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'notarium-ledger-'));
    file = path.join(tmp, 'ledger.sqlite');
    ledger = Ledger.open(file);
  });
  afterEach(async () => {
    ledger.close();
    await rm(tmp, { recursive: true, force: true });
  });

  describe('datasets', () => {
    it('stores a dataset with files in leaf order and authors in signing order, readable by id and by root', () => {
      const input = makeDataset(3);
      const stored = ledger.insertDataset(input);
      expect(stored.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(stored).toMatchObject({ root: input.dataset.root, status: 'prepared', public: false, fileCount: 3, totalBytes: 1000 + 1001 + 1002, supersedesRoot: null });
      expect(ledger.getDataset(stored.id)).toEqual(stored);
      expect(ledger.getDataset(input.dataset.root.toUpperCase().replace('0X', '0x'))).toEqual(stored);
      expect(ledger.getFiles(stored.id)).toEqual(input.files);
      expect(ledger.getAuthors(stored.id)).toEqual([
        { position: 0, address: '0x90F8bf6A479f320ead074411a4B0e7944Ea8c9C1', name: 'Ada Lovelace', orcid: '0000-0002-1825-0097', signature: null },
        { position: 1, address: '0xFFcf8FDEE72ac11b5c542428B35EEF5769C409f0', name: null, orcid: null, signature: null },
      ]);
      expect(ledger.getDataset('no-such-id')).toBeUndefined();
    });

    it('rejects a duplicate root with ALREADY_EXISTS and writes nothing', () => {
      const first = makeDataset(2);
      ledger.insertDataset(first);
      const again = makeDataset(4);
      again.dataset.root = first.dataset.root;
      expect(() => ledger.insertDataset(again)).toThrow(expect.objectContaining({ code: 'ALREADY_EXISTS' }));
      expect(ledger.listDatasets()).toHaveLength(1);
      expect(count(file, 'dataset_files')).toBe(2);
      expect(count(file, 'dataset_authors')).toBe(2);
    });

    it('is all-or-nothing: a duplicate path in the middle of the files leaves no dataset, file or author row', () => {
      const input = makeDataset(1000);
      const dup = input.files[500];
      const prev = input.files[499];
      if (dup === undefined || prev === undefined) throw new Error('fixture too small');
      dup.path = prev.path;
      expect(() => ledger.insertDataset(input)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
      expect(ledger.getDataset(input.dataset.root)).toBeUndefined();
      expect(count(file, 'datasets')).toBe(0);
      expect(count(file, 'dataset_files')).toBe(0);
      expect(count(file, 'dataset_authors')).toBe(0);
    });

    it('rejects malformed hashes, salts and addresses with INVALID_INPUT', () => {
      const badHash = makeDataset(2);
      (badHash.files[1] as { sha256: string }).sha256 = `0x${'zz'.repeat(32)}`;
      expect(() => ledger.insertDataset(badHash)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
      const shortSalt = makeDataset(2);
      (shortSalt.files[0] as { salt: string }).salt = '0x1234';
      expect(() => ledger.insertDataset(shortSalt)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
      const badAuthor = makeDataset(1);
      badAuthor.authors = [{ address: '0x1234' }];
      expect(() => ledger.insertDataset(badAuthor)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
      const badSize = makeDataset(1);
      (badSize.files[0] as { size: number }).size = 1.5;
      expect(() => ledger.insertDataset(badSize)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
      expect(count(file, 'datasets')).toBe(0);
    });

    it('lists datasets newest first', () => {
      const older = makeDataset(1);
      older.dataset.createdAt = 100;
      const newer = makeDataset(1);
      newer.dataset.createdAt = 200;
      ledger.insertDataset(older);
      ledger.insertDataset(newer);
      expect(ledger.listDatasets().map((d) => d.root)).toEqual([newer.dataset.root, older.dataset.root]);
    });

    it('updates the status, refusing unknown datasets (NOT_FOUND) and statuses (INVALID_INPUT)', () => {
      const { id } = ledger.insertDataset(makeDataset(1));
      ledger.setDatasetStatus(id, 'anchored');
      expect(ledger.getDataset(id)?.status).toBe('anchored');
      expect(() => ledger.setDatasetStatus('missing', 'failed')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
      expect(() => ledger.setDatasetStatus(id, 'lost' as never)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
      expect(ledger.getDataset(id)?.status).toBe('anchored');
    });

    it('stores a co-author signature against the author address in any case', () => {
      const input = makeDataset(1);
      const { id } = ledger.insertDataset(input);
      const signature = `0x${'ab'.repeat(65)}`;
      ledger.setAuthorSignature(id, '0xFFCF8FDEE72AC11B5C542428B35EEF5769C409F0'.toLowerCase(), signature);
      expect(ledger.getAuthors(id)[1]?.signature).toBe(signature);
      expect(() => ledger.setAuthorSignature(id, '0x1df62f291b2e969fb0849d99d9ce41e2f137006e', signature)).toThrow(
        expect.objectContaining({ code: 'NOT_FOUND' }),
      );
    });

    it('reads files back ordered by leaf index, whatever the insertion order', () => {
      const input = makeDataset(0);
      input.files = makeFiles(50).reverse();
      const { id } = ledger.insertDataset(input);
      expect(ledger.getFiles(id).map((f) => f.leafIndex)).toEqual([...Array(50).keys()]);
      expect([...ledger.iterateFiles(id)]).toEqual([...input.files].reverse());
    });

    it('reads files a page at a time from a leaf index, and numbers files by position when no leaf index is given', () => {
      const input = makeDataset(0);
      input.files = makeFiles(10).map(({ leafIndex: _, ...f }) => f);
      const { id } = ledger.insertDataset(input);
      expect(ledger.getFileRange(id, 0, 4).map((f) => f.leafIndex)).toEqual([0, 1, 2, 3]);
      expect(ledger.getFileRange(id, 8, 4)).toEqual([
        { leafIndex: 8, ...input.files[8] },
        { leafIndex: 9, ...input.files[9] },
      ]);
      expect(ledger.getFileRange(id, 10, 4)).toEqual([]);
      expect(ledger.getFileRange('missing', 0, 4)).toEqual([]);
    });

    it('stores 100,000 files in one call and reads them all back, as a list and as an iterator', () => {
      const input = makeDataset(0);
      input.files = makeFiles(100_000);
      const { id, fileCount, totalBytes } = ledger.insertDataset(input);
      expect(fileCount).toBe(100_000);
      expect(totalBytes).toBe(100_000 * 1000 + (99_999 * 100_000) / 2);
      const files = ledger.getFiles(id);
      expect(files).toHaveLength(100_000);
      expect(files[99_999]).toEqual(input.files[99_999]);
      let n = 0;
      for (const f of ledger.iterateFiles(id)) {
        if (f.leafIndex !== n) throw new Error(`out of order at ${n}`);
        n += 1;
      }
      expect(n).toBe(100_000);
    });
  });

  describe('receipts', () => {
    it('stores receipts with the sha256 of their UTF-8 bytes and returns the latest one', () => {
      const { id } = ledger.insertDataset(makeDataset(1));
      expect(ledger.latestReceipt(id)).toBeUndefined();
      const json = '{"format":"notarium-receipt","title":"Zürich"}\n';
      const first = ledger.addReceipt({ datasetId: id, path: '/r/1.json', json, createdAt: 10 });
      expect(first.sha256).toBe(`0x${createHash('sha256').update(Buffer.from(json, 'utf8')).digest('hex')}`);
      const second = ledger.addReceipt({ datasetId: id, path: '/r/2.json', json: '{}', createdAt: 10 });
      expect(second.id).toBeGreaterThan(first.id);
      expect(ledger.latestReceipt(id)).toEqual(second);
    });

    it("keeps what the receipt states about its anchoring, also for a receipt kept only as a file", () => {
      const { id } = ledger.insertDataset(makeDataset(1));
      const anchor = {
        network: { name: 'Base Sepolia', chainId: '84532', local: false },
        contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
        txHash: bytes32(),
        blockNumber: 123,
        blockTime: 1_790_000_000,
      };
      const sha256 = bytes32();
      const stored = ledger.addReceipt({ datasetId: id, path: '/r/big.json', json: '', sha256, anchor });
      expect(stored).toMatchObject({ json: '', sha256, anchor });
      expect(ledger.latestReceipt(id)).toEqual(stored);
      expect(ledger.addReceipt({ datasetId: id, path: '/r/old.json', json: '{}' }).anchor).toBeNull();
      expect(() => ledger.addReceipt({ datasetId: id, path: '/r/x.json', json: '{}', anchor: { ...anchor, contract: '0x12' } })).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT' }),
      );
    });

    it('refuses a receipt for an unknown dataset with NOT_FOUND (foreign keys are enforced)', () => {
      expect(() => ledger.addReceipt({ datasetId: 'missing', path: '/r.json', json: '{}' })).toThrow(
        expect.objectContaining({ code: 'NOT_FOUND' }),
      );
    });
  });

  describe('anchors (PendingAnchorStore)', () => {
    it('returns a saved anchor exactly as saved, looked up with the contract address in any case', () => {
      const anchor = makeAnchor();
      expect(ledger.getPendingAnchor(anchor.chainId, anchor.contract, anchor.root)).toBeUndefined();
      ledger.savePendingAnchor(anchor);
      expect(ledger.getPendingAnchor(anchor.chainId, anchor.contract, anchor.root)).toEqual(anchor);
      expect(ledger.getPendingAnchor(anchor.chainId, anchor.contract.toLowerCase(), anchor.root)).toEqual(anchor);
      expect(ledger.getPendingAnchor('1', anchor.contract, anchor.root)).toBeUndefined();
    });

    it('upserts by (chainId, contract, root): a second save replaces the row', () => {
      const anchor = makeAnchor();
      ledger.savePendingAnchor(anchor);
      const replaced = { ...anchor, txHash: bytes32(), nonce: 1, status: 'mined' as const, blockNumber: 12 };
      ledger.savePendingAnchor(replaced);
      expect(ledger.getPendingAnchor(anchor.chainId, anchor.contract, anchor.root)).toEqual(replaced);
      expect(count(file, 'anchors')).toBe(1);
    });

    it('records confirmation details and keeps them only while the same transaction stays in the same block', () => {
      const anchor = makeAnchor({ status: 'mined', blockNumber: 7 });
      ledger.savePendingAnchor(anchor);
      const blockHash = bytes32();
      ledger.recordAnchorConfirmed({ chainId: anchor.chainId, contract: anchor.contract, root: anchor.root, blockNumber: 7, blockHash, blockTime: 1_780_000_100, confirmations: 3 });
      expect(ledger.getAnchor(anchor.chainId, anchor.contract, anchor.root)).toMatchObject({ status: 'confirmed', blockNumber: 7, blockHash, blockTime: 1_780_000_100, confirmations: 3 });

      ledger.savePendingAnchor({ ...anchor, status: 'confirmed', blockNumber: 7 });
      expect(ledger.getAnchor(anchor.chainId, anchor.contract, anchor.root)).toMatchObject({ blockHash, confirmations: 3 });

      // A reorg moved the transaction: the old block's details must not survive.
      ledger.savePendingAnchor({ ...anchor, status: 'mined', blockNumber: 8 });
      expect(ledger.getAnchor(anchor.chainId, anchor.contract, anchor.root)).toMatchObject({ blockNumber: 8, blockHash: null, blockTime: null, confirmations: 0 });
    });

    it('refuses to confirm an anchor that was never saved (NOT_FOUND)', () => {
      const anchor = makeAnchor();
      expect(() =>
        ledger.recordAnchorConfirmed({ chainId: anchor.chainId, contract: anchor.contract, root: anchor.root, blockNumber: 1, blockHash: bytes32(), blockTime: 1, confirmations: 1 }),
      ).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    });

    it('lists only pending and mined anchors for resume, oldest first', () => {
      const pending = makeAnchor({ createdAt: 30 });
      const mined = makeAnchor({ createdAt: 10, status: 'mined', blockNumber: 5 });
      const confirmed = makeAnchor({ createdAt: 20, status: 'confirmed', blockNumber: 4 });
      const failed = makeAnchor({ createdAt: 5, status: 'failed' });
      for (const a of [pending, mined, confirmed, failed]) ledger.savePendingAnchor(a);
      expect(ledger.listPendingAnchors()).toEqual([mined, pending]);
    });

    it('rejects malformed anchors with INVALID_INPUT', () => {
      expect(() => ledger.savePendingAnchor(makeAnchor({ chainId: '0x7a69' }))).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
      expect(() => ledger.savePendingAnchor(makeAnchor({ contract: '0x1234' }))).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
      expect(() => ledger.savePendingAnchor(makeAnchor({ status: 'sent' as never }))).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
      expect(count(file, 'anchors')).toBe(0);
    });
  });

  describe('durability', () => {
    it('shows committed data after close and reopen, without re-running migrations', () => {
      const stored = ledger.insertDataset(makeDataset(5));
      const anchor = makeAnchor({ root: stored.root });
      ledger.savePendingAnchor(anchor);
      ledger.close();
      ledger = Ledger.open(file);
      expect(ledger.schemaVersion).toBe(MIGRATIONS.length);
      expect(ledger.getDataset(stored.id)).toEqual(stored);
      expect(ledger.getFiles(stored.id)).toHaveLength(5);
      expect(ledger.listPendingAnchors()).toEqual([anchor]);
    });

    it('rolls back every write of a transaction that throws', () => {
      const input = makeDataset(3);
      expect(() =>
        ledger.transaction(() => {
          const { id } = ledger.insertDataset(input);
          ledger.addReceipt({ datasetId: id, path: '/r.json', json: '{}' });
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(ledger.getDataset(input.dataset.root)).toBeUndefined();
      expect(count(file, 'receipts')).toBe(0);
    });

    it('keeps the last committed state when the writing process is killed mid-transaction', async () => {
      ledger.close();
      const committedRoot = bytes32();
      const uncommittedRoot = bytes32();
      const writer = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
      const child = spawn(process.execPath, [writer, file, committedRoot, uncommittedRoot], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (code) => reject(new Error(`crash writer exited early with ${String(code)}`)));
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('mid-transaction')) resolve();
        });
      });
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGKILL');
      await exited;

      ledger = Ledger.open(file);
      expect(ledger.getDataset(committedRoot)?.fileCount).toBe(10);
      expect(ledger.getDataset(uncommittedRoot)).toBeUndefined();
      expect(ledger.listDatasets()).toHaveLength(1);
      expect(count(file, 'dataset_files')).toBe(10);
    });
  });
});
