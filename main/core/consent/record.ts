/**
 * Consent records: the shapes stored and returned, and the schema every import path
 * (CSV, FHIR, API) funnels its rows through, so all of them obey the same rules.
 */
import { z } from 'zod';

import { subjectIdSchema } from '../../../shared/api/consent-schemas.ts';
import { consentScopeSchema, type ConsentScope } from '../../../shared/consent/scope.ts';
import { isoDateSchema } from '../../../shared/consent/dates.ts';
import { CONSENT_STATUSES, WITHDRAWAL_SCOPES, type ConsentStatus, type WithdrawalScope } from '../../../shared/consent/subject.ts';

/** Where a record came from. */
export type ConsentSource = 'csv' | 'fhir' | 'api';

/** A record to store (normalized). */
export interface NewConsentRecord {
  /** Record id (FHIR id syntax); generated when absent. */
  id?: string;
  subjectId: string;
  status: ConsentStatus;
  scope: ConsentScope;
  /** Date the subject gave consent, YYYY-MM-DD. */
  givenDate: string;
  validFrom: string;
  validUntil: string | null;
  withdrawnDate: string | null;
  withdrawalScope: WithdrawalScope | null;
  formVersion: string | null;
  /** SHA-256 of the signed source document (bytes32, 0x + 64 lowercase hex). */
  documentSha256: string | null;
  /** Id of the record this one replaces; default: the subject's current record. */
  supersedes: string | null;
}

/** A stored record. */
export interface ConsentRecord extends Required<NewConsentRecord> {
  /** Insertion order (1, 2, ...). */
  seq: number;
  source: ConsentSource;
  /** Unix seconds. */
  createdAt: number;
  /** Whether it is its subject's current record (the one decisions use). */
  current: boolean;
}

/** FHIR `id` syntax, so every record exports as a Consent resource with the same id. */
export const recordIdSchema = z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'a record id is 1-64 letters, digits, "-" or "."');

const sha256Schema = z
  .string()
  .trim()
  .regex(/^(0x)?[0-9a-fA-F]{64}$/, 'expected a SHA-256 digest (64 hex digits)')
  .transform((s) => `0x${s.replace(/^0x/, '').toLowerCase()}`);

const optional = <T extends z.ZodType>(s: T) => s.nullable().optional().transform((v) => (v === undefined ? null : v));

function recordSchema(scope: z.ZodType<ConsentScope>) {
  return z
  .strictObject({
    id: recordIdSchema.optional(),
    subjectId: subjectIdSchema,
    status: z.enum(CONSENT_STATUSES).default('active'),
    scope,
    givenDate: isoDateSchema,
    validFrom: isoDateSchema.optional(),
    validUntil: optional(isoDateSchema),
    withdrawnDate: optional(isoDateSchema),
    withdrawalScope: optional(z.enum(WITHDRAWAL_SCOPES)),
    formVersion: optional(z.string().trim().min(1).max(200)),
    documentSha256: optional(sha256Schema),
    supersedes: optional(recordIdSchema),
  })
  .transform((r, ctx): NewConsentRecord => {
    const validFrom = r.validFrom ?? r.givenDate;
    if (r.validUntil !== null && r.validUntil < validFrom) ctx.addIssue({ code: 'custom', path: ['validUntil'], message: `valid until ${r.validUntil} is before valid from ${validFrom}` });
    const withdrawn = r.status === 'withdrawn';
    if (withdrawn && r.withdrawnDate === null) ctx.addIssue({ code: 'custom', path: ['withdrawnDate'], message: 'a withdrawn consent needs its withdrawal date' });
    if (!withdrawn && (r.withdrawnDate !== null || r.withdrawalScope !== null)) ctx.addIssue({ code: 'custom', path: ['status'], message: `a withdrawal date or scope is given but the status is ${r.status}, not withdrawn` });
    return {
      ...(r.id === undefined ? {} : { id: r.id }),
      subjectId: r.subjectId,
      status: r.status,
      scope: r.scope,
      givenDate: r.givenDate,
      validFrom,
      validUntil: r.validUntil,
      withdrawnDate: r.withdrawnDate,
      withdrawalScope: withdrawn ? (r.withdrawalScope ?? 'no-further-use') : null,
      formVersion: r.formVersion,
      documentSha256: r.documentSha256,
      supersedes: r.supersedes,
    };
  });
}

/** Validates and normalizes one record; the cross-field rules mirror the table's CHECKs. */
export const consentRecordInputSchema = recordSchema(consentScopeSchema);

/**
 * The same for a scope already parsed by `consentScopeSchema` (the CSV import parses each
 * distinct scope text once: a cohort has few distinct scopes and many rows).
 */
export const consentRecordWithScopeSchema = recordSchema(z.custom<ConsentScope>((v) => typeof v === 'object' && v !== null, 'expected a parsed scope'));

export type ConsentRecordInput = z.input<typeof consentRecordInputSchema>;

/** One problem of an import, with where it is (CSV "row 12, column status"; FHIR a JSON pointer). */
export interface ImportProblem {
  location: string;
  message: string;
}

/** Problems of a zod parse, located under `where` (e.g. "row 3"). */
export function zodProblems(error: z.ZodError, where: string, fieldName: (path: readonly PropertyKey[]) => string = (p) => p.join('.')): ImportProblem[] {
  return error.issues.map((i) => {
    const field = fieldName(i.path);
    return { location: field === '' ? where : `${where}, ${field}`, message: i.message };
  });
}
