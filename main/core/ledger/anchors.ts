/**
 * The anchors table: one row per (chain, contract, root), the on-chain anchoring of a
 * root. The row is written before the transaction is broadcast and keeps the signed
 * raw transaction, so after a restart the chain service re-broadcasts the same
 * transaction instead of sending a second one.
 */
import type BetterSqlite3 from 'better-sqlite3';

import { NotariumError } from '../../../shared/errors.ts';
import { checksumAddress, lowerHex, nowSeconds } from './normalize.ts';
import { toLedgerError } from './sqlite-errors.ts';
import type { AnchorConfirmation, AnchorRecord, PendingAnchor } from './types.ts';

const PENDING_COLUMNS = `root, chain_id AS chainId, contract, tx_hash AS txHash, raw_tx AS rawTx, nonce, status,
  block_number AS blockNumber, created_at AS createdAt`;
const ALL_COLUMNS = `${PENDING_COLUMNS}, block_hash AS blockHash, block_time AS blockTime, confirmations, updated_at AS updatedAt`;

type Key = [chainId: string, contract: string, root: string];

export class AnchorTable {
  private readonly db: BetterSqlite3.Database;
  private readonly getPendingStmt;
  private readonly getStmt;
  private readonly upsertStmt;
  private readonly confirmStmt;
  private readonly listPendingStmt;
  private readonly confirmationsStmt;

  constructor(db: BetterSqlite3.Database) {
    this.db = db;
    const where = `WHERE chain_id = ? AND contract = ? AND root = ?`;
    this.getPendingStmt = db.prepare<Key, PendingAnchor>(`SELECT ${PENDING_COLUMNS} FROM anchors ${where}`);
    this.getStmt = db.prepare<Key, AnchorRecord>(`SELECT ${ALL_COLUMNS} FROM anchors ${where}`);
    // Block details recorded by recordConfirmed stay only while the row still names
    // the same transaction in the same block; a replacement tx or a reorg clears them.
    this.upsertStmt = db.prepare<[PendingAnchor & { updatedAt: number }]>(
      `INSERT INTO anchors (chain_id, contract, root, tx_hash, raw_tx, nonce, status, block_number, created_at, updated_at)
       VALUES (@chainId, @contract, @root, @txHash, @rawTx, @nonce, @status, @blockNumber, @createdAt, @updatedAt)
       ON CONFLICT (chain_id, contract, root) DO UPDATE SET
         block_hash = CASE WHEN excluded.tx_hash = tx_hash AND excluded.block_number = block_number THEN block_hash END,
         block_time = CASE WHEN excluded.tx_hash = tx_hash AND excluded.block_number = block_number THEN block_time END,
         confirmations = CASE WHEN excluded.tx_hash = tx_hash AND excluded.block_number = block_number THEN confirmations ELSE 0 END,
         tx_hash = excluded.tx_hash,
         raw_tx = excluded.raw_tx,
         nonce = excluded.nonce,
         status = excluded.status,
         block_number = excluded.block_number,
         created_at = excluded.created_at,
         updated_at = excluded.updated_at`,
    );
    this.confirmStmt = db.prepare<[number, string, number, number, number, ...Key]>(
      `UPDATE anchors SET status = 'confirmed', block_number = ?, block_hash = ?, block_time = ?, confirmations = ?,
         updated_at = ? ${where}`,
    );
    this.confirmationsStmt = db.prepare<[], { root: string; confirmations: number }>(
      `SELECT root, max(confirmations) AS confirmations FROM anchors WHERE status = 'confirmed' GROUP BY root`,
    );
    this.listPendingStmt = db.prepare<[], PendingAnchor>(
      `SELECT ${PENDING_COLUMNS} FROM anchors WHERE status IN ('pending', 'mined') ORDER BY created_at, nonce`,
    );
  }

  /** Confirmations recorded when each root's anchor was confirmed, by root. */
  confirmationsByRoot(): Map<string, number> {
    return new Map(this.confirmationsStmt.all().map((r) => [r.root, r.confirmations]));
  }

  getPending(chainId: string, contract: string, root: string): PendingAnchor | undefined {
    return this.getPendingStmt.get(...key(chainId, contract, root));
  }

  get(chainId: string, contract: string, root: string): AnchorRecord | undefined {
    return this.getStmt.get(...key(chainId, contract, root));
  }

  save(anchor: PendingAnchor): void {
    const [chainId, contract, root] = key(anchor.chainId, anchor.contract, anchor.root);
    const row = {
      root,
      chainId,
      contract,
      txHash: lowerHex(anchor.txHash),
      rawTx: lowerHex(anchor.rawTx),
      nonce: anchor.nonce,
      status: anchor.status,
      blockNumber: anchor.blockNumber,
      createdAt: anchor.createdAt,
      updatedAt: nowSeconds(),
    };
    try {
      this.db.transaction(() => this.upsertStmt.run(row)).immediate();
    } catch (cause) {
      throw toLedgerError(cause, { action: 'save anchor', details: { chainId, contract, root } });
    }
  }

  confirm(c: AnchorConfirmation): void {
    const k = key(c.chainId, c.contract, c.root);
    let changes: number;
    try {
      changes = this.db
        .transaction(() => this.confirmStmt.run(c.blockNumber, lowerHex(c.blockHash), c.blockTime, c.confirmations, nowSeconds(), ...k).changes)
        .immediate();
    } catch (cause) {
      throw toLedgerError(cause, { action: 'record anchor confirmation', details: { chainId: k[0], contract: k[1], root: k[2] } });
    }
    if (changes === 0) {
      throw new NotariumError('NOT_FOUND', `No anchor of ${k[2]} on chain ${k[0]} at ${k[1]}`, {
        details: { chainId: k[0], contract: k[1], root: k[2] },
      });
    }
  }

  /** Anchors still to follow (pending or mined), oldest first. */
  listPending(): PendingAnchor[] {
    return this.listPendingStmt.all();
  }
}

function key(chainId: string, contract: string, root: string): Key {
  return [chainId, checksumAddress(contract, 'contract'), lowerHex(root)];
}
