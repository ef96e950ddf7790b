/**
 * Typed shapes of the ledger: what callers write and what they read back, and the
 * reader/writer interfaces services depend on (a verifier takes a `LedgerReader`, the
 * notary pipeline a `LedgerWriter`). Conventions: bytes32 values are `0x` + 64
 * lowercase hex; addresses EIP-55 checksummed; times unix seconds; sizes bytes.
 */
import type { PendingAnchor, PendingAnchorStore } from '../chain/types.ts';

export type { PendingAnchor, PendingAnchorStore } from '../chain/types.ts';

export const DATASET_STATUSES = ['prepared', 'pending', 'anchored', 'failed'] as const;
/** prepared: files stored, not yet sent; pending: anchor tx sent; anchored: confirmed; failed: anchoring failed. */
export type DatasetStatus = (typeof DATASET_STATUSES)[number];

export const ANCHOR_STATUSES = ['pending', 'mined', 'confirmed', 'failed'] as const;
export type AnchorStatus = PendingAnchor['status'];

/** A dataset row. `fileCount` and `totalBytes` are derived from its files on insert. */
export interface DatasetRecord {
  /** Random UUID. */
  id: string;
  title: string;
  /** Merkle root (bytes32), unique in the ledger. */
  root: string;
  /** SHA-256 of the canonical manifest (bytes32). */
  manifestDigest: string;
  /** CIDs of the encrypted manifest's age header and payload. */
  manifestHeaderCid: string;
  manifestPayloadCid: string;
  /** Public mode: leaves use the zero salt. */
  public: boolean;
  fileCount: number;
  /** Sum of file sizes, bytes. */
  totalBytes: number;
  status: DatasetStatus;
  /** Root of the dataset version this one replaces, or null. */
  supersedesRoot: string | null;
  createdAt: number;
}

/** One file = one Merkle leaf. */
export interface DatasetFileRecord {
  /** Index of the leaf in the tree's input order (the manifest's file order). */
  leafIndex: number;
  /** Relative POSIX path inside the dataset. */
  path: string;
  /** Plaintext size, bytes. */
  size: number;
  /** SHA-256 of the plaintext (bytes32). */
  sha256: string;
  /** Leaf salt (bytes32; the zero salt in public mode). */
  salt: string;
  headerCid: string;
  payloadCid: string;
}

/** One author, in signing order. */
export interface DatasetAuthorRecord {
  position: number;
  address: string;
  name: string | null;
  orcid: string | null;
  /** EIP-712 signature (0x hex), or null while not collected. */
  signature: string | null;
}

/** A dataset to record. */
export interface NewDataset {
  /** Defaults to a random UUID. */
  id?: string;
  title: string;
  root: string;
  manifestDigest: string;
  manifestHeaderCid: string;
  manifestPayloadCid: string;
  public: boolean;
  /** Defaults to 'prepared'. */
  status?: DatasetStatus;
  supersedesRoot?: string | null;
  /** Defaults to now. */
  createdAt?: number;
}

/** An author to record; its position is its index in the list. */
export interface NewDatasetAuthor {
  address: string;
  name?: string | null;
  orcid?: string | null;
  signature?: string | null;
}

/** A file to record; `leafIndex` defaults to its position in the list. */
export type NewDatasetFile = Omit<DatasetFileRecord, 'leafIndex'> & { leafIndex?: number };

export interface InsertDatasetInput {
  dataset: NewDataset;
  /** The files in leaf order: an array, or any source made on demand (`at(i)` as Array.prototype.at). */
  files: readonly NewDatasetFile[] | { readonly length: number; at(index: number): NewDatasetFile | undefined };
  authors: readonly NewDatasetAuthor[];
}

/** An anchor with what is known once it is confirmed. */
export interface AnchorRecord extends PendingAnchor {
  blockHash: string | null;
  /** Block timestamp, unix seconds. */
  blockTime: number | null;
  confirmations: number;
  updatedAt: number;
}

/** What {@link LedgerWriter.recordAnchorConfirmed} stores. */
export interface AnchorConfirmation {
  chainId: string;
  contract: string;
  root: string;
  blockNumber: number;
  blockHash: string;
  /** Block timestamp, unix seconds. */
  blockTime: number;
  /** Confirmations counted when recording (1 = in the latest block). */
  confirmations: number;
}

/** What a receipt states about its anchoring (its `network`, `contract` and `anchor`). */
export interface ReceiptAnchor {
  /** Network name as the receipt states it (e.g. 'devnet', 'Sepolia', a custom name), decimal chain id, local devnet or not. */
  network: { name: string; chainId: string; local: boolean };
  /** NotaryRegistry address. */
  contract: string;
  /** Anchoring transaction hash (bytes32). */
  txHash: string;
  blockNumber: number;
  /** Block timestamp, unix seconds. */
  blockTime: number;
}

export interface ReceiptRecord {
  id: number;
  datasetId: string;
  /** Where the receipt file was written. */
  path: string;
  /** SHA-256 of the receipt's UTF-8 bytes (bytes32). */
  sha256: string;
  /** The receipt text ('' when kept only as a file, see NewReceipt.json). */
  json: string;
  /** Its anchoring; null for a receipt recorded before schema v3 and kept only as a file. */
  anchor: ReceiptAnchor | null;
  createdAt: number;
}

export interface NewReceipt {
  datasetId: string;
  path: string;
  /**
   * The receipt text; '' for one too large to keep in the ledger (see RECEIPT_IN_LEDGER_MAX_BYTES),
   * whose text is then the kept file `<data-dir>/receipts/<root>.json` with digest `sha256`.
   */
  json: string;
  /** SHA-256 of the text's UTF-8 bytes (0x-hex); required when `json` is '', else computed. */
  sha256?: string;
  /** What the receipt states about its anchoring. */
  anchor?: ReceiptAnchor;
  /** Defaults to now. */
  createdAt?: number;
}

/** Read side of the ledger. */
export interface LedgerReader {
  getDataset(idOrRoot: string): DatasetRecord | undefined;
  listDatasets(): DatasetRecord[];
  getFiles(datasetId: string): DatasetFileRecord[];
  getFileRange(datasetId: string, fromLeafIndex: number, count: number): DatasetFileRecord[];
  iterateFiles(datasetId: string): IterableIterator<DatasetFileRecord>;
  getAuthors(datasetId: string): DatasetAuthorRecord[];
  latestReceipt(datasetId: string): ReceiptRecord | undefined;
  getPendingAnchor(chainId: string, contract: string, root: string): PendingAnchor | undefined;
  getAnchor(chainId: string, contract: string, root: string): AnchorRecord | undefined;
  listPendingAnchors(): PendingAnchor[];
}

/** Write side of the ledger (every method is one transaction). */
export interface LedgerWriter extends PendingAnchorStore {
  insertDataset(input: InsertDatasetInput): DatasetRecord;
  setDatasetStatus(id: string, status: DatasetStatus): void;
  setAuthorSignature(datasetId: string, address: string, signature: string): void;
  addReceipt(receipt: NewReceipt): ReceiptRecord;
  recordAnchorConfirmed(confirmation: AnchorConfirmation): void;
  transaction<T>(fn: () => T): T;
}
