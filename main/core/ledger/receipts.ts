/** The receipts table: every receipt written for a dataset, with the digest of its bytes. */
import { NotariumError } from '../../../shared/errors.ts';
import { createHash } from 'node:crypto';

import type BetterSqlite3 from 'better-sqlite3';

import { nowSeconds } from './normalize.ts';
import { toLedgerError } from './sqlite-errors.ts';
import type { NewReceipt, ReceiptAnchor, ReceiptRecord } from './types.ts';

const COLUMNS = `id, dataset_id AS datasetId, path, sha256, json, network_name AS networkName, chain_id AS chainId,
  network_local AS networkLocal, contract, tx_hash AS txHash, block_number AS blockNumber, block_time AS blockTime,
  created_at AS createdAt`;

interface AnchorColumns {
  networkName: string | null;
  chainId: string | null;
  networkLocal: 0 | 1 | null;
  contract: string | null;
  txHash: string | null;
  blockNumber: number | null;
  blockTime: number | null;
}
type ReceiptRow = Omit<ReceiptRecord, 'anchor'> & AnchorColumns;

function toRecord(row: ReceiptRow): ReceiptRecord {
  const { networkName, chainId, networkLocal, contract, txHash, blockNumber, blockTime, ...rest } = row;
  const anchor =
    networkName === null || chainId === null || networkLocal === null || contract === null || txHash === null || blockNumber === null || blockTime === null
      ? null
      : { network: { name: networkName, chainId, local: networkLocal === 1 }, contract, txHash, blockNumber, blockTime };
  return { ...rest, anchor };
}

export class ReceiptTable {
  private readonly db: BetterSqlite3.Database;
  private readonly insertStmt;
  private readonly latestStmt;
  private readonly latestPathsStmt;

  constructor(db: BetterSqlite3.Database) {
    this.db = db;
    this.insertStmt = db.prepare<[string, string, string, string, ...AnchorValues, number], ReceiptRow>(
      `INSERT INTO receipts (dataset_id, path, sha256, json, network_name, chain_id, network_local, contract, tx_hash, block_number,
         block_time, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
    );
    // The newest receipt path of every dataset, without reading the receipts' JSON.
    this.latestPathsStmt = db.prepare<[], { datasetId: string; path: string }>(
      `SELECT dataset_id AS datasetId, path FROM receipts r
       WHERE id = (SELECT id FROM receipts WHERE dataset_id = r.dataset_id ORDER BY created_at DESC, id DESC LIMIT 1)`,
    );
    this.latestStmt = db.prepare<[string], ReceiptRow>(
      `SELECT ${COLUMNS} FROM receipts WHERE dataset_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`,
    );
  }

  add(receipt: NewReceipt): ReceiptRecord {
    // The digest is computed here, from the text, so it cannot disagree with it.
    if (receipt.json === '' && receipt.sha256 === undefined) throw new NotariumError('INVALID_INPUT', 'a receipt kept outside the ledger needs its SHA-256');
    const sha256 = receipt.json === '' ? (receipt.sha256 as string) : `0x${createHash('sha256').update(receipt.json, 'utf8').digest('hex')}`;
    const values = anchorValues(receipt.anchor);
    try {
      const row = this.db
        .transaction(() => this.insertStmt.get(receipt.datasetId, receipt.path, sha256, receipt.json, ...values, receipt.createdAt ?? nowSeconds()))
        .immediate() as ReceiptRow;
      return toRecord(row);
    } catch (cause) {
      throw toLedgerError(cause, { action: 'add receipt', details: { datasetId: receipt.datasetId } });
    }
  }

  latestPaths(): Map<string, string> {
    return new Map(this.latestPathsStmt.all().map((r) => [r.datasetId, r.path]));
  }

  latest(datasetId: string): ReceiptRecord | undefined {
    const row = this.latestStmt.get(datasetId);
    return row === undefined ? undefined : toRecord(row);
  }
}

type AnchorValues = [string | null, string | null, 0 | 1 | null, string | null, string | null, number | null, number | null];

function anchorValues(a: ReceiptAnchor | undefined): AnchorValues {
  if (a === undefined) return [null, null, null, null, null, null, null];
  // Stored as the receipt spells them: the ledger reports them in place of the receipt.
  return [a.network.name, a.network.chainId, a.network.local ? 1 : 0, a.contract, a.txHash, a.blockNumber, a.blockTime];
}
