/**
 * Schema v2: consent (docs/CONSENT.md). Data subjects by pseudonymous id; consent records
 * whose content is never overwritten (re-consent is a new record that supersedes the
 * old); dataset ↔ subject links; flags on datasets hit by a withdrawal; derived
 * (eligible-subset) datasets; the disease hierarchy; and the hash-chained audit log.
 *
 * Triggers refuse edits of history and of the log, so no bug in Notarium can rewrite
 * them; someone with the file can still drop the triggers, which is what the log's hash
 * chain (main/core/consent/audit-log.ts) detects. Dates are YYYY-MM-DD, times unix s.
 */
import type { Migration } from './types.ts';

const isoDate = (col: string): string => `(${col} IS NULL OR (length(${col}) = 10 AND date(${col}) IS ${col}))`;
const bytes32 = (col: string): string =>
  `(${col} IS NULL OR (substr(${col}, 1, 2) = '0x' AND coalesce(length(unhex(substr(${col}, 3))), 0) = 32 AND ${col} = lower(${col})))`;

export const migration002: Migration = {
  version: 2,
  name: 'consent',
  up: `
CREATE TABLE consent_subjects (
  id             TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 200),
  current_record TEXT REFERENCES consent_records (id),
  created_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE consent_records (
  seq              INTEGER PRIMARY KEY,
  id               TEXT NOT NULL UNIQUE CHECK (length(id) BETWEEN 1 AND 64),
  subject_id       TEXT NOT NULL REFERENCES consent_subjects (id),
  status           TEXT NOT NULL CHECK (status IN ('active', 'withdrawn', 'expired', 'superseded')),
  permission       TEXT NOT NULL CHECK (permission IN ('NRES', 'GRU', 'HMB', 'DS', 'POA')),
  scope            TEXT NOT NULL CHECK (json_valid(scope)),
  given_date       TEXT NOT NULL CHECK ${isoDate('given_date')},
  valid_from       TEXT NOT NULL CHECK ${isoDate('valid_from')},
  valid_until      TEXT CHECK ${isoDate('valid_until')},
  withdrawn_date   TEXT CHECK ${isoDate('withdrawn_date')},
  withdrawal_scope TEXT CHECK (withdrawal_scope IS NULL OR withdrawal_scope IN ('no-further-use', 'destroy')),
  form_version     TEXT,
  document_sha256  TEXT CHECK ${bytes32('document_sha256')},
  supersedes       TEXT REFERENCES consent_records (id),
  source           TEXT NOT NULL CHECK (source IN ('csv', 'fhir', 'api')),
  created_at       INTEGER NOT NULL,
  CHECK (valid_until IS NULL OR valid_until >= valid_from),
  CHECK ((status = 'withdrawn') = (withdrawn_date IS NOT NULL AND withdrawal_scope IS NOT NULL))
) STRICT;

CREATE INDEX consent_records_subject ON consent_records (subject_id, seq);

-- Content is immutable; the only change allowed is one status step out of 'active'
-- (a withdrawal sets its date and scope in the same step).
CREATE TRIGGER consent_records_immutable BEFORE UPDATE ON consent_records
WHEN NEW.seq IS NOT OLD.seq OR NEW.id IS NOT OLD.id OR NEW.subject_id IS NOT OLD.subject_id
  OR NEW.permission IS NOT OLD.permission OR NEW.scope IS NOT OLD.scope
  OR NEW.given_date IS NOT OLD.given_date OR NEW.valid_from IS NOT OLD.valid_from OR NEW.valid_until IS NOT OLD.valid_until
  OR NEW.form_version IS NOT OLD.form_version OR NEW.document_sha256 IS NOT OLD.document_sha256
  OR NEW.supersedes IS NOT OLD.supersedes OR NEW.source IS NOT OLD.source OR NEW.created_at IS NOT OLD.created_at
  OR NOT (OLD.status = 'active' AND NEW.status IN ('withdrawn', 'superseded', 'expired'))
  OR (NEW.status <> 'withdrawn' AND (NEW.withdrawn_date IS NOT OLD.withdrawn_date OR NEW.withdrawal_scope IS NOT OLD.withdrawal_scope))
BEGIN
  SELECT RAISE(ABORT, 'consent history is never overwritten: record a new consent instead');
END;

CREATE TRIGGER consent_records_no_delete BEFORE DELETE ON consent_records
BEGIN
  SELECT RAISE(ABORT, 'consent records are never deleted');
END;

-- A dataset id is the ledger's id, or any id the caller chooses for data not notarized
-- here; no foreign key, so consent can be recorded before notarization.
CREATE TABLE consent_dataset_subjects (
  dataset_id TEXT NOT NULL CHECK (length(dataset_id) BETWEEN 1 AND 100),
  subject_id TEXT NOT NULL REFERENCES consent_subjects (id),
  position   INTEGER NOT NULL,
  source     TEXT NOT NULL CHECK (source IN ('list', 'csv', 'vcf', 'derived')),
  linked_at  INTEGER NOT NULL,
  PRIMARY KEY (dataset_id, subject_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX consent_dataset_subjects_subject ON consent_dataset_subjects (subject_id);
-- Checks read a dataset's subjects in link order without sorting 100,000 rows.
CREATE UNIQUE INDEX consent_dataset_subjects_position ON consent_dataset_subjects (dataset_id, position);

CREATE TABLE consent_dataset_flags (
  dataset_id TEXT NOT NULL,
  subject_id TEXT NOT NULL REFERENCES consent_subjects (id),
  record_id  TEXT NOT NULL REFERENCES consent_records (id),
  reason     TEXT NOT NULL CHECK (reason IN ('withdrawn-no-further-use', 'withdrawn-destroy')),
  flagged_at INTEGER NOT NULL,
  PRIMARY KEY (dataset_id, subject_id, record_id)
) STRICT;

CREATE TABLE consent_derived_datasets (
  dataset_id  TEXT PRIMARY KEY NOT NULL,
  parent_id   TEXT NOT NULL,
  decision_seq INTEGER NOT NULL,
  format      TEXT NOT NULL CHECK (format IN ('csv', 'vcf')),
  sha256      TEXT NOT NULL CHECK ${bytes32('sha256')},
  kept        INTEGER NOT NULL,
  dropped     INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE consent_disease_terms (
  id    TEXT PRIMARY KEY NOT NULL,
  label TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE consent_disease_ancestors (
  term     TEXT NOT NULL REFERENCES consent_disease_terms (id) ON DELETE CASCADE,
  ancestor TEXT NOT NULL REFERENCES consent_disease_terms (id) ON DELETE CASCADE,
  PRIMARY KEY (term, ancestor)
) STRICT, WITHOUT ROWID;

-- The audit log: entry seq commits to entry seq-1's hash (see audit-log.ts).
CREATE TABLE consent_log (
  seq       INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  actor     TEXT,
  data      TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
) STRICT;

CREATE TRIGGER consent_log_no_update BEFORE UPDATE ON consent_log
BEGIN
  SELECT RAISE(ABORT, 'the consent audit log is append-only');
END;

CREATE TRIGGER consent_log_no_delete BEFORE DELETE ON consent_log
BEGIN
  SELECT RAISE(ABORT, 'the consent audit log is append-only');
END;

-- Heads of the log notarized on-chain (the only thing that leaves the machine is the hash).
CREATE TABLE consent_log_anchors (
  seq          INTEGER NOT NULL,
  hash         TEXT NOT NULL CHECK ${bytes32('hash')},
  dataset_id   TEXT NOT NULL,
  root         TEXT NOT NULL CHECK ${bytes32('root')},
  receipt_path TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (seq, dataset_id)
) STRICT;
`,
};
