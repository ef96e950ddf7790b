/**
 * Consent service (docs/CONSENT.md): DUO-coded consent records with history, dataset ↔
 * subject links, purpose checks and gates, withdrawal, eligible subsets, FHIR R4
 * import/export and the hash-chained audit log, over the ledger's SQLite file.
 * Public surface: {@link ConsentService} and its result types; the pure rules are in
 * shared/consent.
 */
export { ConsentService } from './service.ts';
export type {
  AnchorResult,
  CheckResult,
  ConsentRecordView,
  ConsentServiceOptions,
  DatasetLookup,
  GateResult,
  ImportResult,
  LinkResult,
  LogVerifyReport,
  NotarizeFn,
  SubsetOutcome,
  WithdrawResult,
} from './service.ts';
export type { ConsentRecord, ImportProblem, NewConsentRecord } from './record.ts';
export type { LogEntry, LogProblem, Checkpoint } from './audit-log.ts';
export type { FlagRow, AnchorRow } from './store.ts';
export type { SubsetResult } from './subset.ts';
export { CSV_COLUMNS } from './csv-import.ts';
export { loadDuoVocabulary } from './vocabulary.ts';
