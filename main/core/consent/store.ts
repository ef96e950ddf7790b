/**
 * SQL of the consent tables (schema: ledger/migrations/002-consent.ts). Prepared
 * statements only; callers own the transactions. Rows come back in the typed shapes of
 * record.ts.
 */
import type BetterSqlite3 from 'better-sqlite3';

import type { ConsentScope } from '../../../shared/consent/scope.ts';
import type { ConsentFacts, ConsentStatus, WithdrawalScope } from '../../../shared/consent/subject.ts';
import type { ConsentRecord, ConsentSource, NewConsentRecord } from './record.ts';

interface RecordRow {
  seq: number;
  id: string;
  subjectId: string;
  status: ConsentStatus;
  scope: string;
  givenDate: string;
  validFrom: string;
  validUntil: string | null;
  withdrawnDate: string | null;
  withdrawalScope: WithdrawalScope | null;
  formVersion: string | null;
  documentSha256: string | null;
  supersedes: string | null;
  source: ConsentSource;
  createdAt: number;
  current: 0 | 1;
}

const RECORD_COLUMNS = `r.seq, r.id, r.subject_id AS subjectId, r.status, r.scope, r.given_date AS givenDate,
  r.valid_from AS validFrom, r.valid_until AS validUntil, r.withdrawn_date AS withdrawnDate,
  r.withdrawal_scope AS withdrawalScope, r.form_version AS formVersion, r.document_sha256 AS documentSha256,
  r.supersedes, r.source, r.created_at AS createdAt, (s.current_record IS r.id) AS current`;

/** One linked subject with its current record's facts (null fields when it has none). */
export interface LinkedSubjectRow {
  subjectId: string;
  id: string | null;
  status: ConsentStatus | null;
  scope: string | null;
  validFrom: string | null;
  validUntil: string | null;
  withdrawnDate: string | null;
  withdrawalScope: WithdrawalScope | null;
}

export interface FlagRow {
  datasetId: string;
  subjectId: string;
  recordId: string;
  reason: 'withdrawn-no-further-use' | 'withdrawn-destroy';
  flaggedAt: number;
}

export interface AnchorRow {
  seq: number;
  hash: string;
  datasetId: string;
  root: string;
  receiptPath: string;
  createdAt: number;
}

export interface ListFilter {
  subjectId?: string | undefined;
  datasetId?: string | undefined;
  history: boolean;
}

export function toRecord(r: RecordRow): ConsentRecord {
  return { ...r, scope: JSON.parse(r.scope) as ConsentScope, current: r.current === 1 };
}

export function toFacts(r: LinkedSubjectRow): ConsentFacts | undefined {
  if (r.id === null || r.status === null || r.scope === null || r.validFrom === null) return undefined;
  return { id: r.id, status: r.status, validFrom: r.validFrom, validUntil: r.validUntil, withdrawnDate: r.withdrawnDate, withdrawalScope: r.withdrawalScope, scope: JSON.parse(r.scope) as ConsentScope };
}

export class ConsentStore {
  readonly db: BetterSqlite3.Database;
  private readonly s;

  constructor(db: BetterSqlite3.Database) {
    this.db = db;
    this.s = {
      subject: db.prepare<[string], { id: string; currentRecord: string | null }>('SELECT id, current_record AS currentRecord FROM consent_subjects WHERE id = ?'),
      insertSubject: db.prepare<[string, number]>('INSERT INTO consent_subjects (id, current_record, created_at) VALUES (?, NULL, ?) ON CONFLICT (id) DO NOTHING'),
      setCurrent: db.prepare<[string, string]>('UPDATE consent_subjects SET current_record = ? WHERE id = ?'),
      insertRecord: db.prepare<(string | number | null)[]>(
        `INSERT INTO consent_records (id, subject_id, status, permission, scope, given_date, valid_from, valid_until,
           withdrawn_date, withdrawal_scope, form_version, document_sha256, supersedes, source, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      recordById: db.prepare<[string], RecordRow>(`SELECT ${RECORD_COLUMNS} FROM consent_records r JOIN consent_subjects s ON s.id = r.subject_id WHERE r.id = ?`),
      currentOf: db.prepare<[string], RecordRow>(`SELECT ${RECORD_COLUMNS} FROM consent_subjects s JOIN consent_records r ON r.id = s.current_record WHERE s.id = ?`),
      setStatus: db.prepare<[ConsentStatus, string]>('UPDATE consent_records SET status = ? WHERE id = ?'),
      withdraw: db.prepare<[string, WithdrawalScope, string]>("UPDATE consent_records SET status = 'withdrawn', withdrawn_date = ?, withdrawal_scope = ? WHERE id = ?"),
      allRecords: db.prepare<[], RecordRow>(`SELECT ${RECORD_COLUMNS} FROM consent_records r JOIN consent_subjects s ON s.id = r.subject_id ORDER BY r.seq`),
      link: db.prepare<[string, string, number, string, number]>(
        'INSERT INTO consent_dataset_subjects (dataset_id, subject_id, position, source, linked_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      maxPosition: db.prepare<[string], { n: number | null }>('SELECT max(position) AS n FROM consent_dataset_subjects WHERE dataset_id = ?'),
      linked: db.prepare<[string], LinkedSubjectRow>(
        `SELECT l.subject_id AS subjectId, r.id, r.status, r.scope, r.valid_from AS validFrom, r.valid_until AS validUntil,
           r.withdrawn_date AS withdrawnDate, r.withdrawal_scope AS withdrawalScope
         FROM consent_dataset_subjects l
         JOIN consent_subjects s ON s.id = l.subject_id
         LEFT JOIN consent_records r ON r.id = s.current_record
         WHERE l.dataset_id = ? ORDER BY l.position`,
      ),
      linkCount: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM consent_dataset_subjects WHERE dataset_id = ?'),
      datasetsOf: db.prepare<[string], { datasetId: string }>('SELECT dataset_id AS datasetId FROM consent_dataset_subjects WHERE subject_id = ? ORDER BY dataset_id'),
      flag: db.prepare<[string, string, string, string, number]>(
        'INSERT INTO consent_dataset_flags (dataset_id, subject_id, record_id, reason, flagged_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      flags: db.prepare<[], FlagRow>(
        'SELECT dataset_id AS datasetId, subject_id AS subjectId, record_id AS recordId, reason, flagged_at AS flaggedAt FROM consent_dataset_flags ORDER BY flagged_at, dataset_id, subject_id',
      ),
      derive: db.prepare<[string, string, number, string, string, number, number, number]>(
        'INSERT INTO consent_derived_datasets (dataset_id, parent_id, decision_seq, format, sha256, kept, dropped, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      derivedOf: db.prepare<[string], { datasetId: string; decisionSeq: number; sha256: string }>(
        'SELECT dataset_id AS datasetId, decision_seq AS decisionSeq, sha256 FROM consent_derived_datasets WHERE parent_id = ? ORDER BY created_at',
      ),
      diseaseTerms: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM consent_disease_terms'),
      clearDiseases: db.prepare('DELETE FROM consent_disease_terms'),
      insertDisease: db.prepare<[string, string]>('INSERT INTO consent_disease_terms (id, label) VALUES (?, ?)'),
      insertAncestor: db.prepare<[string, string]>('INSERT INTO consent_disease_ancestors (term, ancestor) VALUES (?, ?)'),
      ancestors: db.prepare<[], { term: string; ancestor: string | null }>(
        'SELECT t.id AS term, a.ancestor FROM consent_disease_terms t LEFT JOIN consent_disease_ancestors a ON a.term = t.id',
      ),
      insertAnchor: db.prepare<[number, string, string, string, string, number]>(
        'INSERT INTO consent_log_anchors (seq, hash, dataset_id, root, receipt_path, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      anchors: db.prepare<[], AnchorRow>(
        'SELECT seq, hash, dataset_id AS datasetId, root, receipt_path AS receiptPath, created_at AS createdAt FROM consent_log_anchors ORDER BY seq',
      ),
    };
  }

  ensureSubject(id: string, now: number): void {
    this.s.insertSubject.run(id, now);
  }

  subject(id: string): { id: string; currentRecord: string | null } | undefined {
    return this.s.subject.get(id);
  }

  /** Inserts a record (its id must be set) and makes it the subject's current one. */
  insertRecord(r: Required<NewConsentRecord>, scopeText: string, source: ConsentSource, now: number): void {
    // Positional parameters: binding an object costs measurably more at 100,000 rows.
    this.s.insertRecord.run(r.id, r.subjectId, r.status, r.scope.permission, scopeText, r.givenDate, r.validFrom, r.validUntil, r.withdrawnDate, r.withdrawalScope, r.formVersion, r.documentSha256, r.supersedes, source, now);
    this.s.setCurrent.run(r.id, r.subjectId);
  }

  record(id: string): ConsentRecord | undefined {
    const r = this.s.recordById.get(id);
    return r === undefined ? undefined : toRecord(r);
  }

  currentRecord(subjectId: string): ConsentRecord | undefined {
    const r = this.s.currentOf.get(subjectId);
    return r === undefined ? undefined : toRecord(r);
  }

  setStatus(id: string, status: ConsentStatus): void {
    this.s.setStatus.run(status, id);
  }

  withdraw(id: string, date: string, scope: WithdrawalScope): void {
    this.s.withdraw.run(date, scope, id);
  }

  /** Every record in insertion order (one row at a time). */
  iterateRecords(): IterableIterator<ConsentRecord> {
    const it = this.s.allRecords.iterate();
    return (function* () {
      for (const r of it) yield toRecord(r);
    })();
  }

  /**
   * Records matching `filter`, in insertion order, as SQL so that `limit`/`offset`
   * page in the database. The term and status filters are applied by the caller.
   */
  listRecords(filter: ListFilter): ConsentRecord[] {
    const where: string[] = [];
    const args: string[] = [];
    if (!filter.history) where.push('s.current_record = r.id');
    if (filter.subjectId !== undefined) {
      where.push('r.subject_id = ?');
      args.push(filter.subjectId);
    }
    if (filter.datasetId !== undefined) {
      where.push('r.subject_id IN (SELECT subject_id FROM consent_dataset_subjects WHERE dataset_id = ?)');
      args.push(filter.datasetId);
    }
    const sql = `SELECT ${RECORD_COLUMNS} FROM consent_records r JOIN consent_subjects s ON s.id = r.subject_id
      ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY r.seq`;
    return this.db.prepare<string[], RecordRow>(sql).all(...args).map(toRecord);
  }

  /** Links subjects to a dataset after the ones already linked; returns how many were new. */
  link(datasetId: string, subjectIds: readonly string[], source: string, now: number): number {
    let position = (this.s.maxPosition.get(datasetId)?.n ?? -1) + 1;
    let added = 0;
    for (const id of subjectIds) {
      this.s.insertSubject.run(id, now);
      if (this.s.link.run(datasetId, id, position, source, now).changes > 0) {
        added++;
        position++;
      }
    }
    return added;
  }

  linkedSubjects(datasetId: string): LinkedSubjectRow[] {
    return this.s.linked.all(datasetId);
  }

  linkCount(datasetId: string): number {
    return this.s.linkCount.get(datasetId)?.n ?? 0;
  }

  datasetsOf(subjectId: string): string[] {
    return this.s.datasetsOf.all(subjectId).map((r) => r.datasetId);
  }

  flag(datasetId: string, subjectId: string, recordId: string, reason: FlagRow['reason'], now: number): void {
    this.s.flag.run(datasetId, subjectId, recordId, reason, now);
  }

  flags(): FlagRow[] {
    return this.s.flags.all();
  }

  recordDerived(d: { datasetId: string; parentId: string; decisionSeq: number; format: 'csv' | 'vcf'; sha256: string; kept: number; dropped: number }, now: number): void {
    this.s.derive.run(d.datasetId, d.parentId, d.decisionSeq, d.format, d.sha256, d.kept, d.dropped, now);
  }

  derivedOf(parentId: string): { datasetId: string; decisionSeq: number; sha256: string }[] {
    return this.s.derivedOf.all(parentId);
  }

  diseaseTermCount(): number {
    return this.s.diseaseTerms.get()?.n ?? 0;
  }

  /** Replaces the disease hierarchy. */
  replaceDiseases(labels: ReadonlyMap<string, string>, ancestors: ReadonlyMap<string, ReadonlySet<string>>): void {
    this.s.clearDiseases.run();
    for (const [id, label] of labels) this.s.insertDisease.run(id, label);
    for (const [term, ups] of ancestors) for (const a of ups) this.s.insertAncestor.run(term, a);
  }

  /** term → ancestors. */
  diseaseAncestors(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const { term, ancestor } of this.s.ancestors.iterate()) {
      let set = out.get(term);
      if (set === undefined) out.set(term, (set = new Set()));
      if (ancestor !== null) set.add(ancestor);
    }
    return out;
  }

  addAnchor(a: Omit<AnchorRow, 'createdAt'>, now: number): void {
    this.s.insertAnchor.run(a.seq, a.hash, a.datasetId, a.root, a.receiptPath, now);
  }

  anchors(): AnchorRow[] {
    return this.s.anchors.all();
  }
}
