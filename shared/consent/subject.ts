/**
 * The decision for one data subject: their current consent record's status and validity
 * at the date of use, then its scope against the request. Fail closed: no record, a
 * withdrawn, expired, superseded or not-yet-valid record all DENY.
 */
import { addMonths } from './dates.ts';
import { combine, type Decision, type Obligation, type Reason, type ScopeDecision } from './match.ts';
import { modifierValues, type ConsentScope } from './scope.ts';

/** Stored statuses of a consent record. "expired" is also derived from the validity dates. */
export const CONSENT_STATUSES = ['active', 'withdrawn', 'expired', 'superseded'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/** What a withdrawal asks for: stop any further use, or also destroy the data. */
export const WITHDRAWAL_SCOPES = ['no-further-use', 'destroy'] as const;
export type WithdrawalScope = (typeof WITHDRAWAL_SCOPES)[number];

/** Status at a given date: the stored one, or derived from the validity period. */
export type EffectiveStatus = ConsentStatus | 'not-yet-valid';

/** The parts of a consent record a decision needs. Dates are YYYY-MM-DD. */
export interface ConsentFacts {
  id: string;
  status: ConsentStatus;
  validFrom: string;
  validUntil: string | null;
  withdrawnDate: string | null;
  withdrawalScope: WithdrawalScope | null;
  scope: ConsentScope;
}

export interface SubjectDecision {
  subjectId: string;
  /** The consent record decided on, or null when the subject has none. */
  recordId: string | null;
  decision: Decision;
  reasons: readonly Reason[];
  obligations: readonly Obligation[];
}

/**
 * Status of `r` on `date`. A withdrawal counts from its date on, so a check of an
 * earlier use still sees the consent that applied then.
 */
export function effectiveStatus(r: Omit<ConsentFacts, 'scope'>, date: string): EffectiveStatus {
  if (r.status === 'withdrawn' && (r.withdrawnDate === null || r.withdrawnDate <= date)) return 'withdrawn';
  if (r.status === 'superseded' || r.status === 'expired') return r.status;
  if (r.validFrom > date) return 'not-yet-valid';
  if (r.validUntil !== null && r.validUntil < date) return 'expired';
  return 'active';
}

function statusReason(r: ConsentFacts, date: string): Reason | undefined {
  switch (effectiveStatus(r, date)) {
    case 'withdrawn':
      return { code: 'WITHDRAWN', effect: 'DENY', message: `Consent was withdrawn${r.withdrawnDate === null ? '' : ` on ${r.withdrawnDate}`}${r.withdrawalScope === 'destroy' ? ' with a request to destroy the data' : ''}.` };
    case 'expired':
      return { code: 'EXPIRED', effect: 'DENY', message: r.validUntil !== null && r.validUntil < date ? `Consent was valid until ${r.validUntil}; the use is on ${date}.` : 'Consent has expired.' };
    case 'superseded':
      return { code: 'SUPERSEDED', effect: 'DENY', message: 'This consent was superseded and no newer consent is on record.' };
    case 'not-yet-valid':
      return { code: 'NOT_YET_VALID', effect: 'DENY', message: `Consent is valid from ${r.validFrom}; the use is on ${date}.` };
    default:
      return undefined;
  }
}

const NO_CONSENT: readonly Reason[] = Object.freeze([{ code: 'NO_CONSENT', effect: 'DENY', message: 'No consent is on record for this subject.' } as const]);
const NONE: readonly Obligation[] = Object.freeze([]);

/**
 * Decides for one subject. `scopeDecision` evaluates the record's scope against the
 * request (the caller memoizes it per distinct scope: many subjects share one).
 */
export function decideSubject(subjectId: string, record: ConsentFacts | undefined, date: string, scopeDecision: (r: ConsentFacts) => ScopeDecision): SubjectDecision {
  if (record === undefined) return { subjectId, recordId: null, decision: 'DENY', reasons: NO_CONSENT, obligations: NONE };
  const status = statusReason(record, date);
  if (status !== undefined) return { subjectId, recordId: record.id, decision: 'DENY', reasons: [status], obligations: NONE };
  const s = scopeDecision(record);
  const months = modifierValues(record.scope, 'TS')?.[0];
  if (months === undefined) return { subjectId, recordId: record.id, decision: s.decision, reasons: s.reasons, obligations: s.obligations };
  const end = addMonths(record.validFrom, Number(months));
  if (date >= end) {
    const reasons = [...s.reasons, { code: 'TIME_LIMIT_ENDED', effect: 'DENY', message: `Consent allowed use for ${months} months from ${record.validFrom}, i.e. before ${end} (TS).` } satisfies Reason];
    return { subjectId, recordId: record.id, decision: combine(reasons), reasons, obligations: s.obligations };
  }
  return { subjectId, recordId: record.id, decision: s.decision, reasons: s.reasons, obligations: [...s.obligations, { code: 'TS', message: `Finish using the data before ${end} (TS: ${months} months from ${record.validFrom}).` }] };
}
