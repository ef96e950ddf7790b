/**
 * The local ledger: one SQLite file (better-sqlite3, WAL) recording what this user
 * notarized: datasets with every file's leaf data, authors and signatures, on-chain
 * anchors until confirmed, and the receipts written. Every write is one IMMEDIATE
 * transaction (all or nothing; a crash leaves the old or the new state); reads are
 * prepared statements. Calls are synchronous: in the desktop app, run the ledger off
 * the Electron main thread for large datasets.
 */
import type BetterSqlite3 from 'better-sqlite3';

import { AnchorTable } from './anchors.ts';
import { openDatabase } from './connection.ts';
import type { OpenLedgerOptions } from './connection.ts';
import { DatasetTable } from './datasets.ts';
import { migrate, schemaVersion } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { ReceiptTable } from './receipts.ts';
import { toLedgerError } from './sqlite-errors.ts';
import type {
  AnchorConfirmation,
  AnchorRecord,
  DatasetAuthorRecord,
  DatasetFileRecord,
  DatasetRecord,
  DatasetStatus,
  InsertDatasetInput,
  LedgerReader,
  LedgerWriter,
  NewReceipt,
  PendingAnchor,
  ReceiptRecord,
} from './types.ts';

export class Ledger implements LedgerReader, LedgerWriter {
  /** Path of the SQLite file. */
  readonly file: string;
  private readonly db: BetterSqlite3.Database;
  private readonly datasets: DatasetTable;
  private readonly anchors: AnchorTable;
  private readonly receipts: ReceiptTable;

  private constructor(file: string, db: BetterSqlite3.Database) {
    this.file = file;
    this.db = db;
    this.datasets = new DatasetTable(db);
    this.anchors = new AnchorTable(db);
    this.receipts = new ReceiptTable(db);
  }

  /**
   * Opens the ledger at `file` (created mode 0600 if absent) and migrates it to the
   * latest schema.
   *
   * @throws NotariumError('LEDGER_FAILED') when the file cannot be opened, is not a
   *   ledger, or was written by a newer Notarium.
   */
  static open(file: string, options: OpenLedgerOptions = {}): Ledger {
    const db = openDatabase(file, options);
    try {
      migrate(db, MIGRATIONS);
      return new Ledger(file, db);
    } catch (cause) {
      db.close();
      throw toLedgerError(cause, { action: `open ${file}` });
    }
  }

  /** Schema version (`PRAGMA user_version`). */
  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  /** Closes the file; the WAL is checkpointed. Idempotent. */
  close(): void {
    if (!this.db.open) return;
    try {
      this.db.pragma('optimize');
    } finally {
      this.db.close();
    }
  }

  /**
   * Records a dataset with its files (one per Merkle leaf; a file's leaf index defaults
   * to its position in `files`) and authors (in signing order), in one transaction.
   * `fileCount`/`totalBytes` (bytes) are computed from `files`.
   *
   * @returns the stored dataset.
   * @throws NotariumError('ALREADY_EXISTS') when the root (or id) is already recorded;
   *   'INVALID_INPUT' for malformed values or a duplicate leaf index or path.
   *   Nothing is written when it throws.
   */
  insertDataset(input: InsertDatasetInput): DatasetRecord {
    return this.datasets.insert(input);
  }

  /** A dataset by id, or by root (bytes32, any case). */
  getDataset(idOrRoot: string): DatasetRecord | undefined {
    return this.datasets.get(idOrRoot);
  }

  /** All datasets, newest first. */
  listDatasets(): DatasetRecord[] {
    return this.datasets.list();
  }

  /** The files of a dataset ordered by leaf index ([] for an unknown dataset). */
  getFiles(datasetId: string): DatasetFileRecord[] {
    return this.datasets.files(datasetId);
  }

  /**
   * Up to `count` files of a dataset from leaf index `fromLeafIndex` on, in leaf order:
   * reads a huge dataset page by page (flat memory) while the connection stays free for
   * other statements between pages, unlike iterateFiles.
   */
  getFileRange(datasetId: string, fromLeafIndex: number, count: number): DatasetFileRecord[] {
    return this.datasets.fileRange(datasetId, fromLeafIndex, count);
  }

  /**
   * Like getFiles, one row at a time. The connection cannot run other statements until
   * the iterator finishes: do not write to the ledger inside the loop.
   */
  iterateFiles(datasetId: string): IterableIterator<DatasetFileRecord> {
    return this.datasets.iterateFiles(datasetId);
  }

  /** The authors of a dataset in signing order. */
  getAuthors(datasetId: string): DatasetAuthorRecord[] {
    return this.datasets.authors(datasetId);
  }

  /** @throws NotariumError('NOT_FOUND') for an unknown dataset; 'INVALID_INPUT' for an unknown status. */
  setDatasetStatus(id: string, status: DatasetStatus): void {
    this.datasets.setStatus(id, status);
  }

  /**
   * Stores a co-author's EIP-712 signature (0x hex).
   * @throws NotariumError('NOT_FOUND') when the dataset has no such author; 'INVALID_INPUT' for malformed input.
   */
  setAuthorSignature(datasetId: string, address: string, signature: string): void {
    this.datasets.setSignature(datasetId, address, signature);
  }

  /**
   * Records a receipt written to `path`, with the chain it was anchored on (`chain`, the
   * receipt's network and contract); its sha256 (bytes32) is computed over the UTF-8 bytes
   * of `json` (or given, for a receipt kept only as a file).
   * @throws NotariumError('NOT_FOUND') for an unknown dataset; ('INVALID_INPUT') for a
   *   malformed chain id or contract address.
   */
  addReceipt(receipt: NewReceipt): ReceiptRecord {
    return this.receipts.add(receipt);
  }

  /** The most recent receipt of a dataset. */
  /** Path of the newest receipt of every dataset that has one, by dataset id. */
  latestReceiptPaths(): Map<string, string> {
    return this.receipts.latestPaths();
  }

  latestReceipt(datasetId: string): ReceiptRecord | undefined {
    return this.receipts.latest(datasetId);
  }

  /** The anchor of `root` on (chainId, contract) (address in any case), in the chain service's shape. */
  getPendingAnchor(chainId: string, contract: string, root: string): PendingAnchor | undefined {
    return this.anchors.getPending(chainId, contract, root);
  }

  /** The anchor with its confirmation details. */
  /** Confirmations recorded at confirmation time, by root (one query for the whole list). */
  anchorConfirmationsByRoot(): Map<string, number> {
    return this.anchors.confirmationsByRoot();
  }

  getAnchor(chainId: string, contract: string, root: string): AnchorRecord | undefined {
    return this.anchors.get(chainId, contract, root);
  }

  /**
   * Inserts or replaces the anchor of (chainId, contract, root). Block hash/time and
   * confirmations are kept only while txHash and blockNumber are unchanged.
   * @throws NotariumError('INVALID_INPUT') for malformed values.
   */
  savePendingAnchor(anchor: PendingAnchor): void {
    this.anchors.save(anchor);
  }

  /**
   * Marks an anchor confirmed with its block number, hash, time (unix s) and the
   * confirmations counted.
   * @throws NotariumError('NOT_FOUND') when no anchor was saved for the key.
   */
  recordAnchorConfirmed(confirmation: AnchorConfirmation): void {
    this.anchors.confirm(confirmation);
  }

  /** Anchors still pending or mined (not yet confirmed or failed), oldest first: resume these on start. */
  listPendingAnchors(): PendingAnchor[] {
    return this.anchors.listPending();
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction, so several ledger writes commit together
   * (the methods called inside become savepoints). `fn` must be synchronous.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}
