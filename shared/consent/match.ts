/**
 * Matching a use request against one consent scope: the rules of docs/CONSENT.md §3.
 *
 * Sources: the DUO README ("How does querying work when using DUO?": a more specific
 * purpose matches a more general consent, never the reverse; the "Research Purpose to
 * Query" table) and the DUOS matcher (DataBiosphere/consent-ontology docs/Algorithms.md,
 * DataUseMatchCasesV4). Where they differ, the choice is documented in docs/CONSENT.md.
 *
 * Every rule yields reasons with an effect; the result is DENY if any reason denies
 * (fail closed: no override can lift a rule violation), else REVIEW if any asks for a
 * person's judgment, else ALLOW. Pure: no I/O, no clock.
 */
import { diseaseCoverage, type DiseaseHierarchy } from './disease.ts';
import type { DuoModifierCode, DuoPermission } from './duo.ts';
import { modifierValues, type ConsentScope } from './scope.ts';
import type { UsePurpose, UseRequest } from './use-request.ts';

export const DECISIONS = ['ALLOW', 'DENY', 'REVIEW'] as const;
export type Decision = (typeof DECISIONS)[number];

export const REASON_CODES = [
  'PERMISSION_COVERS',
  'PERMISSION_MISMATCH',
  'DISEASE_COVERED',
  'DISEASE_NOT_COVERED',
  'DISEASE_UNKNOWN',
  'METHODS_PROHIBITED',
  'METHODS_WITHIN_DISEASE',
  'COMMERCIAL_PROHIBITED',
  'FOR_PROFIT_PROHIBITED',
  'POA_PROHIBITED',
  'GENETIC_ONLY',
  'ATTESTATION_MISSING',
  'USER_NOT_ALLOWED',
  'INSTITUTION_NOT_ALLOWED',
  'PROJECT_NOT_ALLOWED',
  'REGION_NOT_ALLOWED',
  'RESEARCH_SPECIFIC',
  'SENSITIVE_TOPIC',
  'NO_CONSENT',
  'WITHDRAWN',
  'EXPIRED',
  'NOT_YET_VALID',
  'SUPERSEDED',
  'TIME_LIMIT_ENDED',
  'NO_SUBJECTS',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface Reason {
  code: ReasonCode;
  /** What this reason alone decides. */
  effect: Decision;
  message: string;
}

export const OBLIGATION_CODES = ['IRB', 'PUB', 'COL', 'RTN', 'MOR', 'TS'] as const;
export type ObligationCode = (typeof OBLIGATION_CODES)[number];

/** A condition the requester accepted and must keep (DUO modifiers IRB, PUB, COL, RTN, MOR, TS). */
export interface Obligation {
  code: ObligationCode;
  message: string;
}

export interface ScopeDecision {
  decision: Decision;
  reasons: Reason[];
  obligations: Obligation[];
}

/** DENY beats REVIEW beats ALLOW. */
export function combine(reasons: readonly Reason[]): Decision {
  if (reasons.some((r) => r.effect === 'DENY')) return 'DENY';
  if (reasons.some((r) => r.effect === 'REVIEW')) return 'REVIEW';
  return 'ALLOW';
}

const PURPOSE_NAME: Record<UsePurpose, string> = {
  GRU: 'general research (GRU)',
  HMB: 'health/medical/biomedical research (HMB)',
  DS: 'disease specific research (DS)',
  POA: 'population origins or ancestry research (POA)',
};

/** Purposes each permission covers without further checks (DS is checked disease by disease). */
const COVERS: Record<DuoPermission, readonly UsePurpose[]> = {
  NRES: ['GRU', 'HMB', 'DS', 'POA'],
  GRU: ['GRU', 'HMB', 'DS', 'POA'],
  HMB: ['HMB', 'DS'],
  DS: [],
  POA: ['POA'],
};

function permissionReasons(scope: ConsentScope, req: UseRequest, hierarchy: DiseaseHierarchy): { reasons: Reason[]; diseaseMatch: boolean } {
  const p = scope.permission;
  const purpose = PURPOSE_NAME[req.purpose];
  if (COVERS[p].includes(req.purpose)) {
    return { reasons: [{ code: 'PERMISSION_COVERS', effect: 'ALLOW', message: `${purpose} is within the ${p} consent.` }], diseaseMatch: false };
  }
  if (p === 'DS' && req.purpose === 'DS') {
    const reasons: Reason[] = [];
    for (const d of req.diseases) {
      const c = diseaseCoverage(d, scope.diseases, hierarchy);
      if (c === 'covered') reasons.push({ code: 'DISEASE_COVERED', effect: 'ALLOW', message: `Research on ${d} is within consent for ${scope.diseases.join(', ')} (the same disease or a narrower one).` });
      else if (c === 'not-covered') reasons.push({ code: 'DISEASE_NOT_COVERED', effect: 'DENY', message: `${d} is neither ${scope.diseases.join(', ')} nor a subtype of it: consent is limited to those diseases.` });
      else reasons.push({ code: 'DISEASE_UNKNOWN', effect: 'REVIEW', message: `${d} is not in the loaded disease hierarchy, so whether it falls under ${scope.diseases.join(', ')} needs a person's judgment.` });
    }
    return { reasons, diseaseMatch: reasons.every((r) => r.effect === 'ALLOW') };
  }
  let why: string;
  if (p === 'DS') why = `consent is limited to research on ${scope.diseases.join(', ')}; state a DS purpose with the disease studied`;
  else if (p === 'HMB' && req.purpose === 'GRU') why = 'general research is broader than health/medical/biomedical research; state the narrowest purpose that fits (HMB or DS)';
  else if (p === 'HMB' && req.purpose === 'POA') why = 'HMB consent excludes the study of population origins or ancestry';
  else why = `${p} consent does not cover it`;
  return { reasons: [{ code: 'PERMISSION_MISMATCH', effect: 'DENY', message: `${purpose}: ${why}.` }], diseaseMatch: false };
}

const norm = (s: string): string => s.trim().toLowerCase();

function listReason(
  scope: ConsentScope,
  code: DuoModifierCode,
  given: string | undefined,
  reason: ReasonCode,
  what: string,
): Reason | undefined {
  const allowed = modifierValues(scope, code);
  if (allowed === undefined) return undefined;
  if (given === undefined) return { code: reason, effect: 'DENY', message: `Consent limits use to approved ${what}s (${code}: ${allowed.join(', ')}); the request names no ${what}.` };
  if (allowed.some((a) => norm(a) === norm(given))) return undefined;
  return { code: reason, effect: 'DENY', message: `${what[0]?.toUpperCase()}${what.slice(1)} "${given}" is not among the approved ${what}s (${code}: ${allowed.join(', ')}).` };
}

const has = (scope: ConsentScope, code: DuoModifierCode): boolean => scope.modifiers.some((m) => m.code === code);

/**
 * Decides whether `req` is within `scope`, ignoring the record's status and dates (see
 * subject.ts). `hierarchy` gives disease ancestors for DS matching.
 */
export function matchScope(scope: ConsentScope, req: UseRequest, hierarchy: DiseaseHierarchy): ScopeDecision {
  const { reasons, diseaseMatch } = permissionReasons(scope, req, hierarchy);
  const obligations: Obligation[] = [];
  const deny = (code: ReasonCode, message: string): void => {
    reasons.push({ code, effect: 'DENY', message });
  };

  if (req.methods && has(scope, 'NMDS')) {
    if (scope.permission === 'DS' && req.purpose === 'DS' && diseaseMatch) {
      reasons.push({ code: 'METHODS_WITHIN_DISEASE', effect: 'ALLOW', message: 'Methods research is allowed within the consented disease area (NMDS with a DS match).' });
    } else {
      deny('METHODS_PROHIBITED', 'Consent prohibits methods research outside the bounds of its other restrictions (NMDS).');
    }
  }
  if (req.commercial && (has(scope, 'NCU') || has(scope, 'NPUNCU'))) deny('COMMERCIAL_PROHIBITED', `Consent allows non-commercial use only (${has(scope, 'NCU') ? 'NCU' : 'NPUNCU'}).`);
  if (req.forProfit && (has(scope, 'NPU') || has(scope, 'NPUNCU'))) deny('FOR_PROFIT_PROHIBITED', `Consent allows use by not-for-profit organisations only (${has(scope, 'NPU') ? 'NPU' : 'NPUNCU'}).`);
  if (has(scope, 'NPOA')) {
    if (req.purpose === 'POA') deny('POA_PROHIBITED', 'Consent prohibits population origins or ancestry research (NPOA).');
    else if (req.purpose === 'GRU') deny('POA_PROHIBITED', 'Consent prohibits population origins or ancestry research (NPOA), which general research (GRU) may include; state HMB or DS.');
  }
  if (has(scope, 'GSO') && !req.genetic) deny('GENETIC_ONLY', 'Consent allows genetic studies only (GSO); the request is not a genetic study.');

  const attest = (code: 'IRB' | 'PUB' | 'COL' | 'RTN', given: boolean, need: string, keep: string): void => {
    if (!has(scope, code)) return;
    if (given) obligations.push({ code, message: keep });
    else deny('ATTESTATION_MISSING', `Consent requires ${need} (${code}); the request does not attest it.`);
  };
  attest('IRB', req.attestations.irbApproval, 'local IRB/ERB approval', 'Keep the local IRB/ERB approval documentation on file (IRB).');
  attest('PUB', req.attestations.willPublish, 'that results be published', 'Make the results available to the scientific community (PUB).');
  attest('COL', req.attestations.collaboration, 'collaboration with the primary study investigators', 'Collaborate with the primary study investigator(s) (COL).');
  attest('RTN', req.attestations.willReturnData, 'that derived or enriched data be returned', 'Return derived or enriched data to the resource (RTN).');

  const mor = modifierValues(scope, 'MOR');
  if (mor?.[0] !== undefined) obligations.push({ code: 'MOR', message: `Do not publish results before ${mor[0]} (MOR).` });

  for (const r of [
    listReason(scope, 'US', req.user, 'USER_NOT_ALLOWED', 'user'),
    listReason(scope, 'IS', req.institution, 'INSTITUTION_NOT_ALLOWED', 'institution'),
    listReason(scope, 'PS', req.project, 'PROJECT_NOT_ALLOWED', 'project'),
    listReason(scope, 'GS', req.region, 'REGION_NOT_ALLOWED', 'region'),
  ]) {
    if (r !== undefined) reasons.push(r);
  }

  const rs = modifierValues(scope, 'RS');
  if (rs !== undefined) {
    reasons.push({ code: 'RESEARCH_SPECIFIC', effect: 'REVIEW', message: `Consent limits use to specific research types (RS${rs.length > 0 ? `: ${rs.join(', ')}` : ''}); a person must judge whether this request fits.` });
  }
  for (const t of req.sensitive) {
    reasons.push({ code: 'SENSITIVE_TOPIC', effect: 'REVIEW', message: `The request touches a sensitive research area (${t}); it needs a person's review.` });
  }
  return { decision: combine(reasons), reasons, obligations };
}
