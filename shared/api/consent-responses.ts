/**
 * Response schemas of the consent operations (docs/CONSENT.md), parsed by the shell
 * before a ConsentService result reaches the renderer. Dates are YYYY-MM-DD (UTC), times
 * unix seconds, digests 0x-prefixed hex. Subject ids are pseudonymous and stay local:
 * these answers travel only between the core worker and the app's own window.
 */
import { z } from 'zod';

import { DECISIONS, OBLIGATION_CODES, REASON_CODES } from '../consent/match.ts';
import { CONSENT_STATUSES, WITHDRAWAL_SCOPES } from '../consent/subject.ts';

const decision = z.enum(DECISIONS);
const count = z.number().int().nonnegative();

/** Statuses a record can have today: the stored ones plus 'not-yet-valid' (derived from the dates). */
export const EFFECTIVE_CONSENT_STATUSES = [...CONSENT_STATUSES, 'not-yet-valid'] as const;

export const consentScopeViewSchema = z.object({
  /** DUO permission shorthand (NRES, GRU, HMB, DS, POA). */
  permission: z.string(),
  /** Disease CURIEs (DS only). */
  diseases: z.array(z.string()),
  modifiers: z.array(z.object({ code: z.string(), values: z.array(z.string()) })),
});

export const consentRecordViewSchema = z.object({
  id: z.string(),
  subjectId: z.string(),
  status: z.enum(CONSENT_STATUSES),
  /** Status today: expired and not-yet-valid are derived from the validity period. */
  effectiveStatus: z.enum(EFFECTIVE_CONSENT_STATUSES),
  scope: consentScopeViewSchema,
  /** One-line scope, e.g. "DS(DOID:162) NCU IRB". */
  summary: z.string(),
  givenDate: z.string(),
  validFrom: z.string(),
  validUntil: z.string().nullable(),
  withdrawnDate: z.string().nullable(),
  withdrawalScope: z.enum(WITHDRAWAL_SCOPES).nullable(),
  formVersion: z.string().nullable(),
  documentSha256: z.string().nullable(),
  supersedes: z.string().nullable(),
  /** Insertion order. */
  seq: count,
  source: z.enum(['csv', 'fhir', 'api']),
  createdAt: count,
  /** The subject's current record (the one decisions use). */
  current: z.boolean(),
});
export type ConsentRecordInfo = z.infer<typeof consentRecordViewSchema>;

export const consentListResultSchema = z.object({
  records: z.array(consentRecordViewSchema),
  /** More records match beyond `offset + limit`. */
  hasMore: z.boolean(),
});
export type ConsentListResult = z.infer<typeof consentListResultSchema>;

export const consentFlagSchema = z.object({
  datasetId: z.string(),
  subjectId: z.string(),
  recordId: z.string(),
  reason: z.enum(['withdrawn-no-further-use', 'withdrawn-destroy']),
  flaggedAt: count,
});
export type ConsentFlagInfo = z.infer<typeof consentFlagSchema>;

export const consentImportResultSchema = z.object({
  file: z.string(),
  format: z.enum(['csv', 'fhir', 'diseases']),
  imported: count,
  unchanged: count,
  superseded: count,
  subjects: count,
  /** Disease terms loaded (format diseases). */
  terms: count.optional(),
});
export type ConsentImportResult = z.infer<typeof consentImportResultSchema>;

export const consentLinkResultSchema = z.object({
  datasetId: z.string(),
  source: z.enum(['list', 'csv', 'vcf']),
  read: count,
  added: count,
  total: count,
});
export type ConsentLinkResult = z.infer<typeof consentLinkResultSchema>;

export const reasonSchema = z.object({ code: z.enum(REASON_CODES), effect: decision, message: z.string() });
export type ReasonInfo = z.infer<typeof reasonSchema>;
export const obligationSchema = z.object({ code: z.enum(OBLIGATION_CODES), message: z.string() });

export const subjectDecisionSchema = z.object({
  subjectId: z.string(),
  /** The consent record decided on; null when the subject has none. */
  recordId: z.string().nullable(),
  decision,
  reasons: z.array(reasonSchema),
  obligations: z.array(obligationSchema),
});
export type SubjectDecisionInfo = z.infer<typeof subjectDecisionSchema>;

const countsSchema = z.object({ ALLOW: count, DENY: count, REVIEW: count });

/** A dataset decision (ALLOW only if every linked subject allows) and its audit log entry. */
export const consentCheckResultSchema = z.object({
  datasetId: z.string(),
  /** Date of use checked. */
  date: z.string(),
  decision,
  total: count,
  counts: countsSchema,
  /** Subjects who allow the use, in link order: the eligible subset. */
  eligible: z.array(z.string()),
  denied: z.array(z.string()),
  review: z.array(z.string()),
  obligations: z.array(obligationSchema),
  /** Reasons of the subjects who do not allow, counted, most frequent first. */
  summary: z.array(z.object({ code: z.enum(REASON_CODES), effect: decision, count, example: z.string() })),
  subjects: z.array(subjectDecisionSchema),
  logSeq: count,
});
export type ConsentCheckResult = z.infer<typeof consentCheckResultSchema>;

export const consentSubsetResultSchema = z.object({
  decision: z.object({ decision, total: count, counts: countsSchema, logSeq: count }),
  subset: z.object({
    out: z.string(),
    /** CSV rows or VCF samples kept / dropped. */
    kept: count,
    dropped: count,
    /** Distinct eligible subjects kept. */
    subjects: count,
    sha256: z.string(),
    bytes: count,
  }),
  /** The subset notarized as a new dataset linked to its parent, when asked. */
  dataset: z.object({ datasetId: z.string(), root: z.string(), receiptPath: z.string(), txHash: z.string() }).nullable(),
  logSeq: count,
});
export type ConsentSubsetResult = z.infer<typeof consentSubsetResultSchema>;

export const consentWithdrawResultSchema = z.object({
  subjectId: z.string(),
  recordId: z.string(),
  date: z.string(),
  scope: z.enum(WITHDRAWAL_SCOPES),
  /** Datasets linked to the subject, now flagged. */
  flaggedDatasets: z.array(z.string()),
  logSeq: count,
});
export type ConsentWithdrawResult = z.infer<typeof consentWithdrawResultSchema>;

export const consentExportResultSchema = z.object({
  /** Consent resources written (history included). */
  count,
  /** The FHIR R4 Bundle file written. */
  out: z.string(),
});

const logProblemSchema = z.object({ code: z.string(), seq: count.nullable(), message: z.string() });

export const consentLogVerifySchema = z.object({
  ok: z.boolean(),
  entries: count,
  head: z.object({ seq: count, hash: z.string() }).nullable(),
  problems: z.array(logProblemSchema),
  /** Checkpoints compared: the head file and the notarized heads. */
  checkpoints: z.array(z.object({ source: z.enum(['head-file', 'anchor']), seq: count, hash: z.string(), datasetId: z.string().optional() })),
  /** Consent records cross-checked against the log. */
  records: count,
});
export type ConsentLogVerifyInfo = z.infer<typeof consentLogVerifySchema>;

export const consentLogEntrySchema = z.object({
  seq: count,
  at: count,
  kind: z.string(),
  actor: z.string().nullable(),
  data: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});
export type ConsentLogEntryInfo = z.infer<typeof consentLogEntrySchema>;

export const consentLogEntriesSchema = z.object({
  /** Newest first. */
  entries: z.array(consentLogEntrySchema),
  hasMore: z.boolean(),
});

export const consentLogAnchorSchema = z.object({
  /** The notarized head. */
  seq: count,
  hash: z.string(),
  datasetId: z.string(),
  root: z.string(),
  receiptPath: z.string(),
  txHash: z.string(),
  network: z.string(),
  local: z.boolean(),
  logSeq: count,
});
export type ConsentLogAnchorInfo = z.infer<typeof consentLogAnchorSchema>;
