/** The receipts table: every receipt written for a dataset, with the digest of its bytes. */
import { NotariumError } from '../../../shared/errors.ts';
import { createHash } from 'node:crypto';

import type BetterSqlite3 from 'better-sqlite3';

import { nowSeconds } from './normalize.ts';
import { toLedgerError } from './sqlite-errors.ts';
import type { NewReceipt, ReceiptRecord } from './types.ts';

const COLUMNS = `id, dataset_id AS datasetId, path, sha256, json, created_at AS createdAt`;

export class ReceiptTable {
  private readonly db: BetterSqlite3.Database;
  private readonly insertStmt;
  private readonly latestStmt;
  private readonly latestPathsStmt;

  constructor(db: BetterSqlite3.Database) {
    this.db = db;
    this.insertStmt = db.prepare<[string, string, string, string, number], ReceiptRecord>(
      `INSERT INTO receipts (dataset_id, path, sha256, json, created_at) VALUES (?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
    );
    // The newest receipt path of every dataset, without reading the receipts' JSON.
    this.latestPathsStmt = db.prepare<[], { datasetId: string; path: string }>(
      `SELECT dataset_id AS datasetId, path FROM receipts r
       WHERE id = (SELECT id FROM receipts WHERE dataset_id = r.dataset_id ORDER BY created_at DESC, id DESC LIMIT 1)`,
    );
    this.latestStmt = db.prepare<[string], ReceiptRecord>(
      `SELECT ${COLUMNS} FROM receipts WHERE dataset_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`,
    );
  }

  add(receipt: NewReceipt): ReceiptRecord {
    // The digest is computed here, from the text, so it cannot disagree with it.
    if (receipt.json === '' && receipt.sha256 === undefined) throw new NotariumError('INVALID_INPUT', 'a receipt kept outside the ledger needs its SHA-256');
    const sha256 = receipt.json === '' ? (receipt.sha256 as string) : `0x${createHash('sha256').update(receipt.json, 'utf8').digest('hex')}`;
    try {
      return this.db
        .transaction(() => this.insertStmt.get(receipt.datasetId, receipt.path, sha256, receipt.json, receipt.createdAt ?? nowSeconds()))
        .immediate() as ReceiptRecord;
    } catch (cause) {
      throw toLedgerError(cause, { action: 'add receipt', details: { datasetId: receipt.datasetId } });
    }
  }

  latestPaths(): Map<string, string> {
    return new Map(this.latestPathsStmt.all().map((r) => [r.datasetId, r.path]));
  }

  latest(datasetId: string): ReceiptRecord | undefined {
    return this.latestStmt.get(datasetId);
  }
}
