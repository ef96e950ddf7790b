/**
 * Words and colours of the consent screens: DUO purposes, sensitive research areas,
 * record statuses and decisions. Types come from shared/consent (type-only imports, so
 * the renderer bundle carries no zod); the Records keep each list complete.
 */
import type { ConsentRecordInfo } from '../../../shared/api/index.ts';
import { DUO_TERMS, type DuoCode } from '../../../shared/consent/duo.ts';
import type { Decision } from '../../../shared/consent/match.ts';
import type { SensitiveTopic, UsePurpose } from '../../../shared/consent/use-request.ts';

export const PURPOSE_LABELS: Record<UsePurpose, string> = {
  GRU: 'General research',
  HMB: 'Health / medical / biomedical',
  DS: 'Disease specific',
  POA: 'Population origins / ancestry',
};
export const PURPOSES = Object.keys(PURPOSE_LABELS) as UsePurpose[];

export const SENSITIVE_LABELS: Record<SensitiveTopic, string> = {
  controls: 'Used as controls',
  population: 'Population structure',
  gender: 'Gender, sex or sexuality',
  pediatric: 'Pediatric',
  'vulnerable-populations': 'Vulnerable populations',
  'illegal-behavior': 'Illegal behaviour',
  'sexual-diseases': 'Sexually transmitted diseases',
  'psychological-traits': 'Psychological traits',
  'not-health': 'Not health related',
  'stigmatized-diseases': 'Stigmatized diseases',
};
export const SENSITIVE_TOPICS = Object.keys(SENSITIVE_LABELS) as SensitiveTopic[];

type EffectiveStatus = ConsentRecordInfo['effectiveStatus'];

export const STATUS_LOOK: Record<EffectiveStatus, { label: string; color: string }> = {
  active: { label: 'active', color: 'teal' },
  withdrawn: { label: 'withdrawn', color: 'red' },
  expired: { label: 'expired', color: 'orange' },
  superseded: { label: 'superseded', color: 'gray' },
  'not-yet-valid': { label: 'not yet valid', color: 'blue' },
};
export const EFFECTIVE_STATUSES = Object.keys(STATUS_LOOK) as EffectiveStatus[];

export const DECISION_LOOK: Record<Decision, { color: string; sentence: string }> = {
  ALLOW: { color: 'teal', sentence: 'Allowed.' },
  DENY: { color: 'red', sentence: 'Denied: consent does not cover this use for every subject.' },
  REVIEW: { color: 'yellow', sentence: 'A person must review this use before it goes ahead.' },
};
export const DECISION_ORDER: readonly Decision[] = ['ALLOW', 'DENY', 'REVIEW'];

/** DUO permissions then modifiers, as filter options ("NCU — non-commercial use only"). */
export function duoTermOptions(): { group: string; items: { value: string; label: string }[] }[] {
  const terms = Object.values(DUO_TERMS);
  const option = (t: (typeof terms)[number]) => ({ value: t.code as DuoCode, label: `${t.code} — ${t.label}` });
  return [
    { group: 'Permissions', items: terms.filter((t) => t.kind === 'permission').map(option) },
    { group: 'Modifiers', items: terms.filter((t) => t.kind === 'modifier').map(option) },
  ];
}
