/**
 * Schema v1: datasets with their files (one row per Merkle leaf) and authors, on-chain
 * anchors tracked until confirmed, and the receipts written.
 *
 * Conventions: hashes, roots and salts are `0x` + 64 lowercase hex digits (bytes32);
 * addresses are EIP-55 checksummed; times are unix seconds; sizes are bytes. STRICT
 * tables make SQLite enforce the column types; CHECKs enforce the formats, so a bug in
 * a caller cannot store a value a receipt could not carry.
 */
import type { Migration } from './types.ts';

// unhex() (SQLite >= 3.41) validates hex in C: GLOB-based checks cost seconds per
// 100,000 rows. coalesce() because a NULL CHECK result counts as a pass.
const hexBytes = (col: string, bytes: string): string =>
  `(substr(${col}, 1, 2) = '0x' AND coalesce(length(unhex(substr(${col}, 3))), 0) ${bytes})`;
const bytes32 = (col: string): string => `(${hexBytes(col, '= 32')} AND ${col} = lower(${col}))`;
const hex0x = (col: string): string => `(${hexBytes(col, '>= 1')} AND ${col} = lower(${col}))`;
const address = (col: string): string => hexBytes(col, '= 20');

export const migration001: Migration = {
  version: 1,
  name: 'initial',
  up: `
CREATE TABLE datasets (
  id                   TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 100),
  title                TEXT NOT NULL,
  root                 TEXT NOT NULL UNIQUE CHECK ${bytes32('root')},
  manifest_digest      TEXT NOT NULL CHECK ${bytes32('manifest_digest')},
  manifest_header_cid  TEXT NOT NULL CHECK (length(manifest_header_cid) > 0),
  manifest_payload_cid TEXT NOT NULL CHECK (length(manifest_payload_cid) > 0),
  public               INTEGER NOT NULL CHECK (public IN (0, 1)),
  file_count           INTEGER NOT NULL CHECK (file_count >= 0),
  total_bytes          INTEGER NOT NULL CHECK (total_bytes >= 0),
  status               TEXT NOT NULL CHECK (status IN ('prepared', 'pending', 'anchored', 'failed')),
  supersedes_root      TEXT CHECK (supersedes_root IS NULL OR ${bytes32('supersedes_root')}),
  created_at           INTEGER NOT NULL
) STRICT;

CREATE INDEX datasets_created_at ON datasets (created_at);

-- WITHOUT ROWID clusters the rows by (dataset_id, leaf_index): reading a dataset's
-- files in leaf order is one range scan.
CREATE TABLE dataset_files (
  dataset_id  TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  leaf_index  INTEGER NOT NULL CHECK (leaf_index >= 0),
  path        TEXT NOT NULL CHECK (length(path) > 0),
  size        INTEGER NOT NULL CHECK (size >= 0),
  sha256      TEXT NOT NULL CHECK ${bytes32('sha256')},
  salt        TEXT NOT NULL CHECK ${bytes32('salt')},
  header_cid  TEXT NOT NULL CHECK (length(header_cid) > 0),
  payload_cid TEXT NOT NULL CHECK (length(payload_cid) > 0),
  PRIMARY KEY (dataset_id, leaf_index),
  UNIQUE (dataset_id, path)
) STRICT, WITHOUT ROWID;

CREATE TABLE dataset_authors (
  dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL CHECK (position >= 0),
  address    TEXT NOT NULL CHECK ${address('address')},
  name       TEXT,
  orcid      TEXT,
  signature  TEXT CHECK (signature IS NULL OR ${hex0x('signature')}),
  PRIMARY KEY (dataset_id, position),
  UNIQUE (dataset_id, address)
) STRICT, WITHOUT ROWID;

CREATE TABLE anchors (
  chain_id      TEXT NOT NULL CHECK (length(chain_id) > 0 AND chain_id NOT GLOB '*[^0-9]*' AND chain_id NOT GLOB '0*'),
  contract      TEXT NOT NULL CHECK ${address('contract')},
  root          TEXT NOT NULL CHECK ${bytes32('root')},
  tx_hash       TEXT NOT NULL CHECK ${bytes32('tx_hash')},
  raw_tx        TEXT NOT NULL CHECK ${hex0x('raw_tx')},
  nonce         INTEGER NOT NULL CHECK (nonce >= 0),
  status        TEXT NOT NULL CHECK (status IN ('pending', 'mined', 'confirmed', 'failed')),
  block_number  INTEGER CHECK (block_number IS NULL OR block_number >= 0),
  block_hash    TEXT CHECK (block_hash IS NULL OR ${bytes32('block_hash')}),
  block_time    INTEGER,
  confirmations INTEGER NOT NULL DEFAULT 0 CHECK (confirmations >= 0),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (chain_id, contract, root)
) STRICT;

CREATE INDEX anchors_status ON anchors (status) WHERE status IN ('pending', 'mined');

CREATE TABLE receipts (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  path       TEXT NOT NULL,
  sha256     TEXT NOT NULL CHECK ${bytes32('sha256')},
  json       TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX receipts_dataset ON receipts (dataset_id, created_at);
`,
};
