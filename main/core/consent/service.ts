/**
 * ConsentService: consent records, dataset ↔ subject links, purpose checks, gates,
 * withdrawal, eligible subsets, FHIR R4 interchange and the audit log, over the ledger's
 * SQLite file (tables of ledger/migrations/002-consent.ts). Everything stays local: the
 * only thing that ever leaves the machine is the audit log's head hash (`anchorLog`).
 *
 * Every change and every decision is appended to the hash-chained audit log in the same
 * transaction as the change. Inputs are parsed with the shared zod schemas
 * (shared/api/consent-schemas.ts); bad input throws NotariumError('INVALID_INPUT') and
 * writes nothing. Calls are synchronous SQLite underneath: in the desktop app run the
 * service off the Electron main thread.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import type BetterSqlite3 from 'better-sqlite3';

import {
  consentCheckRequestSchema,
  consentExportRequestSchema,
  consentGateRequestSchema,
  consentImportRequestSchema,
  consentLinkRequestSchema,
  consentListRequestSchema,
  consentSubsetRequestSchema,
  consentWithdrawRequestSchema,
  type ConsentCheckRequest,
  type ConsentExportRequest,
  type ConsentGateRequest,
  type ConsentImportRequest,
  type ConsentLinkRequest,
  type ConsentListRequest,
  type ConsentSubsetRequest,
  type ConsentWithdrawRequest,
} from '../../../shared/api/consent-schemas.ts';
import { parseRequest } from '../../../shared/api/schemas.ts';
import { todayUtc } from '../../../shared/consent/dates.ts';
import { decideDataset, type DatasetDecision } from '../../../shared/consent/dataset.ts';
import { hierarchyOf, normalizeDiseaseId, type DiseaseHierarchy } from '../../../shared/consent/disease.ts';
import { lookupDuoTerm } from '../../../shared/consent/duo.ts';
import { matchScope, type ScopeDecision } from '../../../shared/consent/match.ts';
import { scopeText, describeScope, type ConsentScope } from '../../../shared/consent/scope.ts';
import { decideSubject, effectiveStatus, type ConsentFacts, type EffectiveStatus } from '../../../shared/consent/subject.ts';
import type { UseOverride, UseRequest } from '../../../shared/consent/use-request.ts';
import { NotariumError } from '../../../shared/errors.ts';
import { openDatabase, type OpenLedgerOptions } from '../ledger/connection.ts';
import { migrate } from '../ledger/migrate.ts';
import { MIGRATIONS } from '../ledger/migrations/index.ts';
import { toLedgerError } from '../ledger/sqlite-errors.ts';
import { AuditLog, type Checkpoint, type LogEntry, type LogProblem } from './audit-log.ts';
import { parseConsentCsv } from './csv-import.ts';
import { parseDiseaseFile } from './disease-file.ts';
import { BUNDLED_DISEASES_TEXT } from './data/diseases.ts';
import { consentBundle, consentFromFhir, consentResources } from './fhir-map.ts';
import { validateFhirResource } from './fhir-schema.ts';
import type { ConsentRecord, ConsentSource, ImportProblem, NewConsentRecord } from './record.ts';
import { delimiterFor, subjectsFromCsv, subjectsFromList, vcfSamples, type SubjectList } from './sources.ts';
import { ConsentStore, type AnchorRow, type FlagRow, type LinkedSubjectRow } from './store.ts';
import { csvSubset, sha256File, vcfSubset, type SubsetResult } from './subset.ts';
import { loadDuoVocabulary, type DuoVocabularyEntry } from './vocabulary.ts';

/** How the service finds notarized datasets (the Ledger implements it). */
export interface DatasetLookup {
  getDataset(idOrRoot: string): { id: string; root: string; title: string } | undefined;
  getFiles(datasetId: string): readonly { path: string; sha256: string }[];
}

/** Notarizes files as a new dataset (Notarium.notarize). */
export type NotarizeFn = (
  input: { inputs: string[]; title: string; receiptOut?: string },
  passphrase: string,
) => Promise<{ datasetId: string; root: string; receiptPath: string; txHash: string; blockNumber: number; network: string; local: boolean }>;

export interface ConsentServiceOptions {
  /** File holding the log head after every append (a checkpoint outside the database). */
  headFile?: string;
  datasets?: DatasetLookup;
  notarize?: NotarizeFn;
  /** Who acts, recorded in every log entry; default the OS user name. */
  actor?: string;
  /** Clock (tests). */
  now?: () => Date;
}

export interface ImportResult {
  file: string;
  format: 'csv' | 'fhir' | 'diseases';
  /** New records stored. */
  imported: number;
  /** Records already stored with the same content (skipped). */
  unchanged: number;
  /** Earlier records replaced by a new one. */
  superseded: number;
  subjects: number;
  /** Disease terms loaded (format diseases). */
  terms?: number;
}

export interface LinkResult {
  datasetId: string;
  source: 'list' | 'csv' | 'vcf';
  /** Subjects read from the source. */
  read: number;
  /** Newly linked. */
  added: number;
  /** Linked to the dataset in all. */
  total: number;
}

export interface ConsentRecordView extends ConsentRecord {
  /** Status today. */
  effectiveStatus: EffectiveStatus;
  /** e.g. "DS(DOID:162) NCU IRB". */
  summary: string;
}

/** A decision as returned by check and the gates: the dataset decision plus its audit entry. */
export interface CheckResult extends DatasetDecision {
  request: UseRequest;
  /** Audit log entry of this decision. */
  logSeq: number;
}

export interface GateResult extends CheckResult {
  override: (UseOverride & { logSeq: number }) | null;
}

export interface WithdrawResult {
  subjectId: string;
  recordId: string;
  date: string;
  scope: 'no-further-use' | 'destroy';
  /** Datasets linked to the subject, now flagged. */
  flaggedDatasets: string[];
  logSeq: number;
}

export interface SubsetOutcome {
  decision: CheckResult;
  subset: SubsetResult;
  /** The notarized subset, when asked. */
  dataset: { datasetId: string; root: string; receiptPath: string; txHash: string } | null;
  logSeq: number;
}

export interface LogVerifyReport {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string } | null;
  problems: LogProblem[];
  /** Checkpoints compared: the head file and the notarized heads. */
  checkpoints: Checkpoint[];
  /** Consent records cross-checked against the log. */
  records: number;
}

export interface AnchorResult {
  seq: number;
  hash: string;
  datasetId: string;
  root: string;
  receiptPath: string;
  txHash: string;
  network: string;
  local: boolean;
  logSeq: number;
}

/** At most this many subject ids are written into one decision entry (the digest covers all). */
const MAX_LOGGED_SUBJECTS = 1000;

const sha256 = (text: string): string => `0x${createHash('sha256').update(text, 'utf8').digest('hex')}`;

function problemsError(what: string, problems: readonly ImportProblem[]): NotariumError {
  const shown = problems.slice(0, 25).map((p) => `  - ${p.location}: ${p.message}`);
  return new NotariumError('INVALID_INPUT', `${what} has ${problems.length} problem(s); nothing was imported:\n${shown.join('\n')}${problems.length > 25 ? `\n  … and ${problems.length - 25} more` : ''}`, {
    details: { problems: problems.slice(0, 1000), problemCount: problems.length },
  });
}

/** The facts of a record that the log commits to (so verify can compare the table with it). */
function loggedRecord(r: Required<NewConsentRecord>, source: ConsentSource): Record<string, unknown> {
  return {
    id: r.id,
    subjectId: r.subjectId,
    status: r.status,
    scope: r.scope,
    givenDate: r.givenDate,
    validFrom: r.validFrom,
    validUntil: r.validUntil,
    withdrawnDate: r.withdrawnDate,
    withdrawalScope: r.withdrawalScope,
    formVersion: r.formVersion,
    documentSha256: r.documentSha256,
    supersedes: r.supersedes,
    source,
  };
}

const sameContent = (a: NewConsentRecord, b: ConsentRecord): boolean =>
  a.subjectId === b.subjectId &&
  a.status === b.status &&
  scopeText(a.scope) === scopeText(b.scope) &&
  a.givenDate === b.givenDate &&
  a.validFrom === b.validFrom &&
  a.validUntil === b.validUntil &&
  a.withdrawnDate === b.withdrawnDate &&
  a.withdrawalScope === b.withdrawalScope &&
  a.formVersion === b.formVersion &&
  a.documentSha256 === b.documentSha256;

export class ConsentService {
  readonly #db: BetterSqlite3.Database;
  readonly #store: ConsentStore;
  readonly #log: AuditLog;
  readonly #opts: ConsentServiceOptions;
  readonly #actor: string;
  #hierarchy: DiseaseHierarchy | undefined;

  /** Uses an open, migrated ledger database (see {@link ConsentService.open}). */
  constructor(db: BetterSqlite3.Database, opts: ConsentServiceOptions = {}) {
    this.#db = db;
    this.#store = new ConsentStore(db);
    this.#log = new AuditLog(db);
    this.#opts = opts;
    this.#actor = opts.actor ?? safeUserName();
    if (this.#store.diseaseTermCount() === 0) this.#loadDiseaseText(BUNDLED_DISEASES_TEXT, 'bundled diseases.tsv', true);
  }

  /**
   * Opens (creating and migrating if needed) the ledger file `file` for consent.
   * @throws NotariumError('LEDGER_FAILED') when it cannot be opened or migrated.
   */
  static open(file: string, opts: ConsentServiceOptions & OpenLedgerOptions = {}): ConsentService {
    const db = openDatabase(file, opts);
    try {
      migrate(db, MIGRATIONS);
      return new ConsentService(db, opts);
    } catch (cause) {
      db.close();
      throw toLedgerError(cause, { action: `open ${file} for consent` });
    }
  }

  /** Closes the database. Idempotent. */
  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #now(): Date {
    return this.#opts.now?.() ?? new Date();
  }

  #seconds(): number {
    return Math.floor(this.#now().getTime() / 1000);
  }

  #today(): string {
    return todayUtc(this.#now());
  }

  /** Runs `fn` in one IMMEDIATE transaction, then writes the head file. */
  #write<T>(action: string, fn: () => T): T {
    let result: T;
    try {
      result = this.#db.transaction(fn).immediate();
    } catch (cause) {
      throw toLedgerError(cause, { action });
    } finally {
      this.#log.resetHead();
    }
    this.#writeHeadFile();
    return result;
  }

  #append(kind: string, data: unknown, actor: string | null = this.#actor): LogEntry {
    return this.#log.append(kind, data, actor, this.#seconds());
  }

  #writeHeadFile(): void {
    const file = this.#opts.headFile;
    const head = this.#log.head();
    if (file === undefined || head === null) return;
    const tmp = `${file}.${randomUUID()}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ format: 'notarium-consent-log-head', version: 1, seq: head.seq, hash: head.hash })}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
  }

  #hierarchyOf(): DiseaseHierarchy {
    this.#hierarchy ??= hierarchyOf(this.#store.diseaseAncestors());
    return this.#hierarchy;
  }

  /** The ledger id of a dataset id or root, when the ledger knows it; else `ref` as given. */
  #datasetId(ref: string, mustExist: boolean): string {
    const lookup = this.#opts.datasets;
    if (lookup === undefined) return ref;
    const ds = lookup.getDataset(ref);
    if (ds !== undefined) return ds.id;
    if (mustExist) throw new NotariumError('NOT_FOUND', `No dataset ${ref} in the ledger (give its id or Merkle root; see \`notarium datasets\`).`, { details: { datasetId: ref } });
    return ref;
  }

  // ---- import ----------------------------------------------------------------------

  /**
   * Imports a consent CSV, a FHIR R4 Consent/Bundle (JSON) or a disease hierarchy (TSV).
   * All or nothing: a file with any problem imports nothing and the error lists each
   * problem with its location (CSV line and column, FHIR JSON pointer, TSV line).
   * @throws NotariumError('INVALID_INPUT') with `details.problems`; ('NOT_FOUND') for a missing file.
   */
  async importFile(input: ConsentImportRequest): Promise<ImportResult> {
    const req = parseRequest(consentImportRequestSchema, input);
    const text = await readFile(req.file, 'utf8').catch((cause: unknown) => {
      throw new NotariumError('NOT_FOUND', `Cannot read ${req.file}: ${(cause as Error).message}`, { cause, details: { file: req.file } });
    });
    const format = req.format ?? (/\.json$/i.test(req.file) ? 'fhir' : 'csv');
    const name = path.basename(req.file);
    if (format === 'diseases') {
      const terms = this.#loadDiseaseText(text, name);
      return { file: req.file, format, imported: 0, unchanged: 0, superseded: 0, subjects: 0, terms };
    }
    let records: NewConsentRecord[];
    if (format === 'csv') {
      const r = parseConsentCsv(text, delimiterFor(req.file));
      if (r.problems.length > 0) throw problemsError(name, r.problems);
      records = r.records;
    } else {
      records = this.#fhirRecords(text, name);
    }
    return { file: req.file, format, ...this.importRecords(records, format) };
  }

  #fhirRecords(text: string, name: string): NewConsentRecord[] {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (cause) {
      throw problemsError(name, [{ location: '/', message: `not JSON: ${(cause as Error).message}` }]);
    }
    const schemaProblems = validateFhirResource(doc);
    const { resources, problems } = consentResources(doc);
    problems.unshift(...schemaProblems);
    if (problems.length > 0) throw problemsError(name, problems);
    const today = this.#today();
    const records: NewConsentRecord[] = [];
    for (const { resource, at } of resources) {
      const r = consentFromFhir(resource, at, today);
      problems.push(...r.problems);
      if (r.record !== undefined) records.push(r.record);
    }
    if (problems.length > 0) throw problemsError(name, problems);
    return records;
  }

  /**
   * Stores records in order, in one transaction. A record without `supersedes` replaces
   * its subject's current record; one identical to a stored record is skipped.
   * @throws NotariumError('INVALID_INPUT') listing every conflict (nothing stored).
   */
  importRecords(records: readonly NewConsentRecord[], source: ConsentSource): Omit<ImportResult, 'file' | 'format'> {
    return this.#write('import consent records', () => {
      const problems: ImportProblem[] = [];
      const current = new Map<string, string | null>();
      const batchIds = new Set<string>();
      const plan: Required<NewConsentRecord>[] = [];
      let unchanged = 0;
      const currentOf = (subjectId: string): string | null => {
        if (!current.has(subjectId)) current.set(subjectId, this.#store.subject(subjectId)?.currentRecord ?? null);
        return current.get(subjectId) ?? null;
      };
      records.forEach((r, i) => {
        const where = `record ${i + 1}${r.id === undefined ? '' : ` (${r.id})`}`;
        if (r.id !== undefined) {
          const stored = this.#store.record(r.id);
          if (stored !== undefined) {
            if (sameContent(r, stored) && (r.supersedes === null || r.supersedes === stored.supersedes)) unchanged++;
            else problems.push({ location: where, message: `a different record with id ${r.id} is already stored; consent history is never overwritten` });
            return;
          }
          if (batchIds.has(r.id)) {
            problems.push({ location: where, message: `id ${r.id} is used twice in this file` });
            return;
          }
        }
        const cur = currentOf(r.subjectId);
        if (r.id === undefined && cur !== null && !batchIds.has(cur)) {
          const stored = this.#store.record(cur);
          if (stored !== undefined && sameContent(r, stored)) {
            unchanged++;
            return;
          }
        }
        if (r.supersedes !== null && r.supersedes !== cur) {
          problems.push({ location: where, message: cur === null ? `supersedes ${r.supersedes}, but subject ${r.subjectId} has no earlier consent` : `supersedes ${r.supersedes}, but subject ${r.subjectId}'s current consent is ${cur}` });
          return;
        }
        const id = r.id ?? randomUUID();
        batchIds.add(id);
        current.set(r.subjectId, id);
        plan.push({ ...r, id, supersedes: cur });
      });
      if (problems.length > 0) throw problemsError(`The ${source === 'fhir' ? 'FHIR file' : source === 'csv' ? 'CSV file' : 'input'}`, problems);

      const now = this.#seconds();
      const subjects = new Set<string>();
      const statusOf = new Map<string, string>();
      let superseded = 0;
      for (const record of plan) {
        const prev = record.supersedes;
        const prevStatus = prev === null ? undefined : (statusOf.get(prev) ?? this.#store.record(prev)?.status);
        this.#store.ensureSubject(record.subjectId, now);
        this.#store.insertRecord(record, scopeText(record.scope), source, now);
        this.#append('consent.recorded', { record: loggedRecord(record, source) });
        statusOf.set(record.id, record.status);
        subjects.add(record.subjectId);
        if (prev !== null) superseded++;
        if (prev !== null && prevStatus === 'active') {
          this.#store.setStatus(prev, 'superseded');
          statusOf.set(prev, 'superseded');
          this.#append('consent.status', { recordId: prev, from: 'active', to: 'superseded', by: record.id });
        }
      }
      return { imported: plan.length, unchanged, superseded, subjects: subjects.size };
    });
  }

  /** Replaces the disease hierarchy; `onlyIfEmpty` seeds it (another process may have just done so). */
  #loadDiseaseText(text: string, name: string, onlyIfEmpty = false): number {
    const { closure, problems } = parseDiseaseFile(text);
    if (problems.length > 0) throw problemsError(name, problems);
    this.#write('load disease hierarchy', () => {
      if (onlyIfEmpty && this.#store.diseaseTermCount() > 0) return;
      this.#store.replaceDiseases(closure.labels, closure.ancestors);
      this.#append('diseases.loaded', { source: name, sha256: sha256(text), terms: closure.labels.size });
    });
    this.#hierarchy = undefined;
    return closure.labels.size;
  }

  // ---- links -----------------------------------------------------------------------

  /**
   * Links subjects to a dataset: a list, a CSV column or a VCF file's sample ids.
   * Subjects with no consent on record are linked too (checks then deny them).
   * @throws NotariumError('NOT_FOUND') for an unknown dataset or file, ('INVALID_INPUT') for bad ids.
   */
  async link(input: ConsentLinkRequest): Promise<LinkResult> {
    const req = parseRequest(consentLinkRequestSchema, input);
    const datasetId = this.#datasetId(req.datasetId, true);
    let list: SubjectList;
    let source: LinkResult['source'];
    if (req.subjects !== undefined) {
      list = { subjects: [...new Set(req.subjects)], rows: req.subjects.length };
      source = 'list';
    } else if (req.subjectsFile !== undefined) {
      list = await subjectsFromList(req.subjectsFile);
      source = 'list';
    } else if (req.csv !== undefined) {
      list = await subjectsFromCsv(req.csv.file, req.csv.column);
      source = 'csv';
    } else {
      list = await vcfSamples((req.vcf as { file: string }).file);
      source = 'vcf';
    }
    return this.#write('link subjects', () => {
      const added = this.#store.link(datasetId, list.subjects, source, this.#seconds());
      const total = this.#store.linkCount(datasetId);
      this.#append('datasets.linked', { datasetId, source, read: list.subjects.length, added, total, subjectsSha256: sha256(list.subjects.join('\n')) });
      return { datasetId, source, read: list.subjects.length, added, total };
    });
  }

  // ---- queries ---------------------------------------------------------------------

  /** Consent records (each subject's current one, or the full history), filtered; insertion order. */
  list(input: ConsentListRequest = {}): ConsentRecordView[] {
    const req = parseRequest(consentListRequestSchema, input);
    const today = this.#today();
    const datasetId = req.datasetId === undefined ? undefined : this.#datasetId(req.datasetId, false);
    let term: ((s: ConsentScope) => boolean) | undefined;
    if (req.term !== undefined) {
      const duo = lookupDuoTerm(req.term);
      const disease = normalizeDiseaseId(req.term);
      if (duo !== undefined) term = (s) => s.permission === duo.code || s.modifiers.some((m) => m.code === duo.code);
      else if (disease !== undefined) term = (s) => s.diseases.includes(disease);
      else throw new NotariumError('INVALID_INPUT', `"${req.term}" is neither a DUO term nor a disease CURIE.`);
    }
    const out: ConsentRecordView[] = [];
    let skipped = 0;
    for (const r of this.#store.listRecords({ subjectId: req.subjectId, datasetId, history: req.history })) {
      const eff = effectiveStatus(r, today);
      if (req.status !== undefined && eff !== req.status) continue;
      if (term !== undefined && !term(r.scope)) continue;
      if (skipped++ < req.offset) continue;
      out.push({ ...r, effectiveStatus: eff, summary: describeScope(r.scope) });
      if (out.length >= req.limit) break;
    }
    return out;
  }

  /**
   * The DUO term list (data/duo.csv, EBISPOT/DUO, CC BY 4.0) with what Notarium does with
   * each term: 'permission', 'modifier', or 'class' for the two term roots.
   */
  duoTerms(): (DuoVocabularyEntry & { kind: 'permission' | 'modifier' | 'class' })[] {
    return loadDuoVocabulary().map((e) => ({ ...e, kind: lookupDuoTerm(e.id)?.kind ?? 'class' }));
  }

  /** Datasets flagged by withdrawals, oldest first. */
  flaggedDatasets(): FlagRow[] {
    return this.#store.flags();
  }

  /** Datasets derived from `datasetId` as eligible subsets. */
  derivedDatasets(datasetId: string): { datasetId: string; decisionSeq: number; sha256: string }[] {
    return this.#store.derivedOf(this.#datasetId(datasetId, false));
  }

  // ---- decisions -------------------------------------------------------------------

  /** Decides without logging (the callers log). */
  #decide(datasetId: string, request: UseRequest, date: string): DatasetDecision {
    const hierarchy = this.#hierarchyOf();
    const scopes = new Map<string, ConsentScope>();
    const decisions = new Map<string, ScopeDecision>();
    const rows: LinkedSubjectRow[] = this.#store.linkedSubjects(datasetId);
    const subjects = rows.map((row) => {
      let facts: ConsentFacts | undefined;
      if (row.id !== null && row.status !== null && row.scope !== null && row.validFrom !== null) {
        let scope = scopes.get(row.scope);
        if (scope === undefined) scopes.set(row.scope, (scope = JSON.parse(row.scope) as ConsentScope));
        facts = { id: row.id, status: row.status, validFrom: row.validFrom, validUntil: row.validUntil, withdrawnDate: row.withdrawnDate, withdrawalScope: row.withdrawalScope, scope };
      }
      return decideSubject(row.subjectId, facts, date, (f) => {
        const key = row.scope as string;
        let d = decisions.get(key);
        if (d === undefined) decisions.set(key, (d = matchScope(f.scope, request, hierarchy)));
        return d;
      });
    });
    return decideDataset(datasetId, date, subjects);
  }

  #logDecision(d: DatasetDecision, request: UseRequest, gate: string | null): LogEntry {
    const digest = createHash('sha256');
    for (const s of d.subjects) digest.update(`${s.subjectId}\t${s.decision}\t${s.recordId ?? ''}\n`);
    return this.#append('decision', {
      datasetId: d.datasetId,
      gate,
      request,
      date: d.date,
      decision: d.decision,
      counts: d.counts,
      denied: d.denied.slice(0, MAX_LOGGED_SUBJECTS),
      review: d.review.slice(0, MAX_LOGGED_SUBJECTS),
      summary: d.summary.map((s) => ({ code: s.code, effect: s.effect, count: s.count })),
      obligations: d.obligations.map((o) => o.code),
      resultsSha256: `0x${digest.digest('hex')}`,
    });
  }

  /**
   * Checks a use request against every subject linked to a dataset, and logs the decision.
   * `request.date` defaults to today.
   * @returns per-subject decisions, the dataset decision and the eligible subset.
   * @throws NotariumError('INVALID_INPUT'); ('NOT_FOUND') for a dataset neither in the
   *   ledger nor linked to subjects (gates instead answer REVIEW, see assertUseAllowed).
   */
  check(input: ConsentCheckRequest): CheckResult {
    const req = parseRequest(consentCheckRequestSchema, input);
    const datasetId = this.#datasetId(req.datasetId, false);
    if (this.#opts.datasets?.getDataset(datasetId) === undefined && this.#opts.datasets !== undefined && this.#store.linkCount(datasetId) === 0) {
      // Most likely a typo: neither notarized here nor linked to any subject.
      throw new NotariumError('NOT_FOUND', `No dataset ${req.datasetId} in the ledger, and no subjects linked to it.`, { details: { datasetId: req.datasetId } });
    }
    const date = req.request.date ?? this.#today();
    const d = this.#decide(datasetId, req.request, date);
    const entry = this.#write('log decision', () => this.#logDecision(d, req.request, null));
    return { ...d, request: req.request, logSeq: entry.seq };
  }

  /**
   * The gate of `share`, `retrieve --purpose` and export: checks the use for today and
   * logs the decision. DENY always blocks; REVIEW blocks unless `override` names the
   * person who decides and why (the override is logged).
   * @throws NotariumError('CONSENT_DENIED' | 'CONSENT_REVIEW_REQUIRED') with details
   *   { datasetId, decision, counts, denied, review, summary, logSeq };
   *   ('INVALID_INPUT') for a bad request or a use date other than today.
   */
  assertUseAllowed(datasetId: string, request: ConsentGateRequest['request'], override?: UseOverride, gate: ConsentGateRequest['gate'] = 'retrieve'): GateResult {
    const req = parseRequest(consentGateRequestSchema, { datasetId, request, gate, ...(override === undefined ? {} : { override }) });
    const today = this.#today();
    if (req.request.date !== undefined && req.request.date !== today) {
      throw new NotariumError('INVALID_INPUT', `A ${req.gate} happens now: its use date is today (${today}), not ${req.request.date}.`, { details: { field: 'request.date' } });
    }
    const id = this.#datasetId(req.datasetId, false);
    const d = this.#decide(id, req.request, today);
    const result = this.#write('log gate decision', () => {
      const entry = this.#logDecision(d, req.request, req.gate);
      let ov: GateResult['override'] = null;
      if (d.decision === 'REVIEW' && req.override !== undefined) {
        const o = this.#append('decision.override', { decisionSeq: entry.seq, datasetId: id, gate: req.gate, by: req.override.by, reason: req.override.reason }, req.override.by);
        ov = { ...req.override, logSeq: o.seq };
      }
      return { ...d, request: req.request, logSeq: entry.seq, override: ov };
    });
    const details = {
      datasetId: id,
      decision: d.decision,
      counts: d.counts,
      denied: d.denied.slice(0, 50),
      review: d.review.slice(0, 50),
      summary: d.summary,
      logSeq: result.logSeq,
    };
    const names = (ids: string[]): string => `${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ` and ${ids.length - 10} more` : ''}`;
    const why = d.summary.slice(0, 3).map((s) => `${s.code} ×${s.count}: ${s.example}`).join(' ');
    if (d.decision === 'DENY') {
      throw new NotariumError('CONSENT_DENIED', `Consent does not cover this ${req.gate}: ${d.counts.DENY} of ${d.total} subject(s) deny it (${names(d.denied)}). ${why} Derive the eligible subset (${d.eligible.length} subjects) with \`notarium consent subset\`. Decision logged as entry ${result.logSeq}.`, { details });
    }
    if (d.decision === 'REVIEW' && result.override === null) {
      throw new NotariumError('CONSENT_REVIEW_REQUIRED', `This ${req.gate} needs a person's decision: ${d.total === 0 ? 'no subjects are linked to the dataset' : `${d.counts.REVIEW} subject(s) need review (${names(d.review)})`}. ${why} Repeat with --override-by <name> --override-reason <text> to record who decided and why. Decision logged as entry ${result.logSeq}.`, { details });
    }
    return result;
  }

  // ---- eligible subset -------------------------------------------------------------

  /**
   * Writes the eligible subset of one of a dataset's CSV or VCF files (only the subjects
   * who allow the use) and, when asked, notarizes it as a new dataset linked to its
   * parent and to the kept subjects.
   * @throws NotariumError('NOT_FOUND'); ('INVALID_INPUT') when the file is not one of the
   *   dataset's notarized files; ('CONSENT_DENIED') when no subject allows the use;
   *   ('ALREADY_EXISTS') when `out` exists.
   */
  async deriveSubset(input: ConsentSubsetRequest, passphrase?: string): Promise<SubsetOutcome> {
    const req = parseRequest(consentSubsetRequestSchema, input);
    const lookup = this.#opts.datasets;
    const parentId = this.#datasetId(req.datasetId, true);
    if (req.notarize && (this.#opts.notarize === undefined || passphrase === undefined)) {
      throw new NotariumError('INVALID_INPUT', 'Notarizing the subset needs the account passphrase and a Notarium data folder.');
    }
    await stat(req.input).catch((cause: unknown) => {
      throw new NotariumError('NOT_FOUND', `Cannot read ${req.input}: ${(cause as Error).message}`, { cause });
    });
    if (lookup !== undefined) {
      const digest = await sha256File(req.input);
      if (!lookup.getFiles(parentId).some((f) => f.sha256 === digest)) {
        throw new NotariumError('INVALID_INPUT', `${path.basename(req.input)} (SHA-256 ${digest}) is not one of the files notarized in dataset ${parentId}; retrieve the dataset and use its file.`, { details: { sha256: digest } });
      }
    }
    const check = this.check({ datasetId: parentId, request: { ...req.request, attestations: req.request.attestations, sensitive: req.request.sensitive } });
    if (check.eligible.length === 0) {
      throw new NotariumError('CONSENT_DENIED', `No subject of dataset ${parentId} allows this use: there is no eligible subset. Decision logged as entry ${check.logSeq}.`, { details: { logSeq: check.logSeq, counts: check.counts } });
    }
    const allowed = new Set(check.eligible);
    const note = `parent=${parentId},decision=${check.logSeq},purpose=${req.request.purpose}${req.request.diseases.length > 0 ? `:${req.request.diseases.join('+')}` : ''}`;
    const subset = req.format === 'csv' ? await csvSubset(req.input, req.column as string, allowed, req.out) : await vcfSubset(req.input, allowed, req.out, note);

    let dataset: SubsetOutcome['dataset'] = null;
    if (req.notarize && this.#opts.notarize !== undefined && passphrase !== undefined) {
      const title = req.title ?? `${lookup?.getDataset(parentId)?.title ?? parentId} — eligible subset for ${req.request.purpose}${req.request.diseases.length > 0 ? ` (${req.request.diseases.join(', ')})` : ''}`;
      const n = await this.#opts.notarize({ inputs: [subset.out], title }, passphrase);
      dataset = { datasetId: n.datasetId, root: n.root, receiptPath: n.receiptPath, txHash: n.txHash };
    }
    const entry = this.#write('record eligible subset', () => {
      const now = this.#seconds();
      if (dataset !== null) {
        this.#store.link(dataset.datasetId, subset.keptSubjects, 'derived', now);
        this.#store.recordDerived({ datasetId: dataset.datasetId, parentId, decisionSeq: check.logSeq, format: req.format, sha256: subset.sha256, kept: subset.kept, dropped: subset.dropped }, now);
      }
      return this.#append('subset.derived', {
        parentId,
        decisionSeq: check.logSeq,
        format: req.format,
        sha256: subset.sha256,
        kept: subset.kept,
        dropped: subset.dropped,
        datasetId: dataset?.datasetId ?? null,
        root: dataset?.root ?? null,
      });
    });
    return { decision: check, subset, dataset, logSeq: entry.seq };
  }

  // ---- withdrawal ------------------------------------------------------------------

  /**
   * Withdraws a subject's current consent from `date` (default today): future checks
   * deny, and every dataset linked to the subject is flagged.
   * @throws NotariumError('NOT_FOUND') when the subject has no consent; ('INVALID_INPUT')
   *   when the current consent is not active (already withdrawn, expired, superseded).
   */
  /** Number of data subjects linked to a dataset (0: consent does not apply to it). */
  linkedSubjectCount(datasetId: string): number {
    return this.#store.linkCount(datasetId);
  }

  withdraw(input: ConsentWithdrawRequest): WithdrawResult {
    const req = parseRequest(consentWithdrawRequestSchema, input);
    const date = req.date ?? this.#today();
    return this.#write('withdraw consent', () => {
      const current = this.#store.currentRecord(req.subjectId);
      if (current === undefined) throw new NotariumError('NOT_FOUND', `No consent is on record for subject ${req.subjectId}.`, { details: { subjectId: req.subjectId } });
      if (current.status !== 'active') throw new NotariumError('INVALID_INPUT', `Subject ${req.subjectId}'s current consent (${current.id}) is ${current.status}, not active: there is nothing to withdraw.`, { details: { subjectId: req.subjectId, status: current.status } });
      this.#store.withdraw(current.id, date, req.scope);
      const now = this.#seconds();
      const flagged = this.#store.datasetsOf(req.subjectId);
      for (const ds of flagged) this.#store.flag(ds, req.subjectId, current.id, req.scope === 'destroy' ? 'withdrawn-destroy' : 'withdrawn-no-further-use', now);
      const entry = this.#append('consent.status', {
        recordId: current.id,
        from: 'active',
        to: 'withdrawn',
        withdrawnDate: date,
        withdrawalScope: req.scope,
        flaggedDatasets: flagged,
        ...(req.note === undefined ? {} : { note: req.note }),
      });
      return { subjectId: req.subjectId, recordId: current.id, date, scope: req.scope, flaggedDatasets: flagged, logSeq: entry.seq };
    });
  }

  // ---- export ----------------------------------------------------------------------

  /**
   * Exports consent records (all history, in insertion order) as a FHIR R4 Bundle of
   * Consent resources that re-imports to the same state.
   * @returns the bundle, and where it was written when `out` is given (never overwritten).
   * @throws NotariumError('ALREADY_EXISTS') when `out` exists.
   */
  async exportFhir(input: ConsentExportRequest = {}): Promise<{ count: number; out: string | null; bundle: Record<string, unknown> }> {
    const req = parseRequest(consentExportRequestSchema, input);
    const only = req.subjects === undefined ? undefined : new Set(req.subjects);
    const records: ConsentRecord[] = [];
    for (const r of this.#store.iterateRecords()) if (only === undefined || only.has(r.subjectId)) records.push(r);
    const bundle = consentBundle(records, this.#now().toISOString());
    const text = `${JSON.stringify(bundle, null, 2)}\n`;
    if (req.out !== undefined) {
      await mkdir(path.dirname(path.resolve(req.out)), { recursive: true });
      await writeFile(req.out, text, { flag: 'wx', mode: 0o600 }).catch((cause: unknown) => {
        if ((cause as { code?: string }).code === 'EEXIST') throw new NotariumError('ALREADY_EXISTS', `${req.out} already exists; choose another file.`, { cause });
        throw new NotariumError('INVALID_INPUT', `Cannot write ${req.out}: ${(cause as Error).message}`, { cause });
      });
    }
    this.#write('log export', () => this.#append('consent.exported', { count: records.length, sha256: sha256(text), subjects: only === undefined ? 'all' : only.size }));
    return { count: records.length, out: req.out ?? null, bundle };
  }

  // ---- audit log -------------------------------------------------------------------

  /** Log entries, newest first. */
  logEntries(limit = 50, offset = 0): LogEntry[] {
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) throw new NotariumError('INVALID_INPUT', 'limit must be ≥ 1 and offset ≥ 0.');
    return this.#log.page(limit, offset);
  }

  /** The checkpoints the log must still contain: the head file and the notarized heads. */
  #checkpoints(problems: LogProblem[]): Checkpoint[] {
    const out: Checkpoint[] = [];
    const file = this.#opts.headFile;
    if (file !== undefined) {
      let text: string | undefined;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        text = undefined;
      }
      if (text !== undefined) {
        try {
          const h = JSON.parse(text) as { seq?: unknown; hash?: unknown };
          if (typeof h.seq !== 'number' || typeof h.hash !== 'string') throw new Error('bad shape');
          out.push({ source: 'head-file', seq: h.seq, hash: h.hash });
        } catch {
          problems.push({ code: 'CHECKPOINT_MISMATCH', seq: null, message: `The head file ${file} is not a valid log head.` });
        }
      }
    }
    for (const a of this.#store.anchors()) out.push({ source: 'anchor', seq: a.seq, hash: a.hash, datasetId: a.datasetId });
    return out;
  }

  /**
   * Verifies the audit log: every entry's hash, the chain, the numbering, the
   * checkpoints (head file, notarized heads), and that the consent records table matches
   * what the log says was recorded, withdrawn or superseded.
   */
  verifyLog(): LogVerifyReport {
    const problems: LogProblem[] = [];
    const checkpoints = this.#checkpoints(problems);
    const expected = new Map<string, { seq: number; record: Record<string, unknown> }>();
    const res = this.#log.verify(checkpoints, (e) => {
      const d = e.data as Record<string, unknown>;
      if (e.kind === 'consent.recorded') {
        const r = d['record'] as Record<string, unknown>;
        expected.set(String(r['id']), { seq: e.seq, record: { ...r } });
      } else if (e.kind === 'consent.status') {
        const hit = expected.get(String(d['recordId']));
        if (hit === undefined) return;
        hit.record['status'] = d['to'];
        if (d['to'] === 'withdrawn') {
          hit.record['withdrawnDate'] = d['withdrawnDate'];
          hit.record['withdrawalScope'] = d['withdrawalScope'];
        }
      }
    });
    problems.unshift(...res.problems);
    let records = 0;
    const fields = ['subjectId', 'status', 'givenDate', 'validFrom', 'validUntil', 'withdrawnDate', 'withdrawalScope', 'formVersion', 'documentSha256', 'supersedes', 'source'] as const;
    for (const r of this.#store.iterateRecords()) {
      records++;
      const hit = expected.get(r.id);
      if (hit === undefined) {
        problems.push({ code: 'RECORD_UNLOGGED', seq: null, message: `Consent record ${r.id} (subject ${r.subjectId}) is in the table but was never logged.` });
        continue;
      }
      expected.delete(r.id);
      const diff = fields.filter((f) => hit.record[f] !== r[f]);
      if (scopeText(hit.record['scope'] as ConsentScope) !== scopeText(r.scope)) diff.push('scope' as (typeof fields)[number]);
      if (diff.length > 0) problems.push({ code: 'RECORD_MISMATCH', seq: hit.seq, message: `Consent record ${r.id} differs from what entry ${hit.seq} recorded: ${diff.join(', ')}.` });
    }
    for (const [id, hit] of expected) problems.push({ code: 'RECORD_MISMATCH', seq: hit.seq, message: `Consent record ${id}, recorded by entry ${hit.seq}, is missing from the table (deleted?).` });
    return { ok: problems.length === 0, entries: res.entries, head: res.head, problems, checkpoints, records };
  }

  /**
   * Notarizes the log's current head through the normal notarization path: a small JSON
   * file holding only {seq, hash} (no subject ids, no consent details) becomes a dataset
   * anchored on-chain. Refuses when the log does not verify.
   * @throws NotariumError('INVALID_INPUT') for an empty log, no notarization available or
   *   a log that fails verification; notarization errors.
   */
  async anchorLog(passphrase: string, dir: string): Promise<AnchorResult> {
    if (this.#opts.notarize === undefined) throw new NotariumError('INVALID_INPUT', 'Anchoring the log needs a Notarium data folder (notarization).');
    const report = this.verifyLog();
    if (!report.ok) throw new NotariumError('INVALID_INPUT', `The consent log does not verify (${report.problems.length} problem(s)); run \`notarium consent log verify\`. Refusing to anchor a tampered log.`, { details: { problems: report.problems.slice(0, 50) } });
    const head = report.head;
    if (head === null) throw new NotariumError('INVALID_INPUT', 'The consent log is empty: nothing to anchor.');
    const folder = path.join(dir, `head-${head.seq}-${head.hash.slice(2, 10)}`);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const file = path.join(folder, 'consent-log-head.json');
    const content = `${JSON.stringify({ format: 'notarium-consent-log-head', version: 1, seq: head.seq, hash: head.hash })}\n`;
    await writeFile(file, content, { mode: 0o644 }).catch((cause: unknown) => {
      throw new NotariumError('INVALID_INPUT', `Cannot write ${file}: ${(cause as Error).message}`, { cause });
    });
    const n = await this.#opts.notarize({ inputs: [file], title: `Notarium consent audit log head #${head.seq}`, receiptOut: path.join(folder, 'consent-log-head.notarium-receipt.json') }, passphrase);
    const entry = this.#write('record log anchor', () => {
      this.#store.addAnchor({ seq: head.seq, hash: head.hash, datasetId: n.datasetId, root: n.root, receiptPath: n.receiptPath }, this.#seconds());
      return this.#append('log.anchored', { seq: head.seq, hash: head.hash, datasetId: n.datasetId, root: n.root, txHash: n.txHash, network: n.network });
    });
    return { seq: head.seq, hash: head.hash, datasetId: n.datasetId, root: n.root, receiptPath: n.receiptPath, txHash: n.txHash, network: n.network, local: n.local, logSeq: entry.seq };
  }

  /** Notarized log heads, oldest first. */
  anchors(): AnchorRow[] {
    return this.#store.anchors();
  }
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
