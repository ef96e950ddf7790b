/**
 * Ledger service: the local SQLite record of datasets, anchors and receipts.
 * Public surface: {@link Ledger} (`Ledger.open(file)`), the row types, the reader and
 * writer interfaces, and the status lists. SQL stays inside this folder.
 */
export { Ledger } from './ledger.ts';
export { LEDGER_FILE_MODE } from './connection.ts';
export type { OpenLedgerOptions } from './connection.ts';
export { ANCHOR_STATUSES, DATASET_STATUSES } from './types.ts';
export type {
  AnchorConfirmation,
  AnchorRecord,
  AnchorStatus,
  DatasetAuthorRecord,
  DatasetFileRecord,
  DatasetRecord,
  DatasetStatus,
  InsertDatasetInput,
  LedgerReader,
  LedgerWriter,
  NewDataset,
  NewDatasetAuthor,
  NewDatasetFile,
  NewReceipt,
  PendingAnchor,
  PendingAnchorStore,
  ReceiptAnchor,
  ReceiptRecord,
} from './types.ts';
