import { describe, expect, it } from 'vitest';

import { addMonths, dateOf, isIsoDate } from '../../../shared/consent/dates.ts';
import { decideDataset } from '../../../shared/consent/dataset.ts';
import { matchScope } from '../../../shared/consent/match.ts';
import { consentScopeSchema } from '../../../shared/consent/scope.ts';
import { decideSubject, effectiveStatus, type ConsentFacts } from '../../../shared/consent/subject.ts';
import { useRequestSchema } from '../../../shared/consent/use-request.ts';

const hmb = useRequestSchema.parse({ purpose: 'HMB' });
const none = { ancestors: () => undefined };
const facts = (over: Partial<ConsentFacts> = {}): ConsentFacts => ({
  id: 'r1',
  status: 'active',
  validFrom: '2026-01-01',
  validUntil: null,
  withdrawnDate: null,
  withdrawalScope: null,
  scope: consentScopeSchema.parse({ permission: 'GRU' }),
  ...over,
});
const decide = (f: ConsentFacts | undefined, date: string) => decideSubject('S1', f, date, (r) => matchScope(r.scope, hmb, none));

describe('per-subject decisions fail closed', () => {
  it('no consent on record: DENY', () => {
    expect(decide(undefined, '2026-06-01')).toMatchObject({ decision: 'DENY', recordId: null, reasons: [{ code: 'NO_CONSENT' }] });
  });
  it('withdrawn consent denies from the withdrawal date on, not before', () => {
    const w = facts({ status: 'withdrawn', withdrawnDate: '2026-05-01', withdrawalScope: 'destroy' });
    expect(decide(w, '2026-05-01')).toMatchObject({ decision: 'DENY', reasons: [{ code: 'WITHDRAWN', message: expect.stringContaining('destroy') }] });
    expect(decide(w, '2026-04-30').decision).toBe('ALLOW');
  });
  it('outside the validity period: DENY (valid_until is inclusive)', () => {
    const f = facts({ validFrom: '2026-03-01', validUntil: '2026-12-31' });
    expect(decide(f, '2026-02-28').reasons[0]?.code).toBe('NOT_YET_VALID');
    expect(decide(f, '2026-12-31').decision).toBe('ALLOW');
    expect(decide(f, '2027-01-01').reasons[0]?.code).toBe('EXPIRED');
    expect(effectiveStatus(f, '2027-01-01')).toBe('expired');
  });
  it('stored expired or superseded status denies', () => {
    expect(decide(facts({ status: 'expired' }), '2026-06-01').reasons[0]?.code).toBe('EXPIRED');
    expect(decide(facts({ status: 'superseded' }), '2026-06-01').reasons[0]?.code).toBe('SUPERSEDED');
  });
  it('TS: use allowed for N months from valid_from, with the end date as an obligation', () => {
    const f = facts({ validFrom: '2026-01-31', scope: consentScopeSchema.parse({ permission: 'GRU', modifiers: [{ code: 'TS', values: ['1'] }] }) });
    expect(decide(f, '2026-02-27')).toMatchObject({ decision: 'ALLOW', obligations: [{ code: 'TS', message: expect.stringContaining('2026-02-28') }] });
    expect(decide(f, '2026-02-28')).toMatchObject({ decision: 'DENY' });
    expect(decide(f, '2026-02-28').reasons.map((r) => r.code)).toContain('TIME_LIMIT_ENDED');
  });
});

describe('per-dataset decisions', () => {
  const s = (id: string, decision: 'ALLOW' | 'DENY' | 'REVIEW') => ({ subjectId: id, recordId: null, decision, reasons: decision === 'ALLOW' ? [] : [{ code: decision === 'DENY' ? 'NO_CONSENT' : 'RESEARCH_SPECIFIC', effect: decision, message: 'm' }] as never, obligations: [] });
  it('ALLOW only when every subject allows', () => {
    expect(decideDataset('d', '2026-01-01', [s('a', 'ALLOW'), s('b', 'ALLOW')]).decision).toBe('ALLOW');
  });
  it('any DENY denies, naming the subjects and offering the eligible subset', () => {
    const d = decideDataset('d', '2026-01-01', [s('a', 'ALLOW'), s('b', 'DENY'), s('c', 'REVIEW'), s('e', 'DENY')]);
    expect(d).toMatchObject({ decision: 'DENY', eligible: ['a'], denied: ['b', 'e'], review: ['c'], counts: { ALLOW: 1, DENY: 2, REVIEW: 1 } });
    expect(d.summary[0]).toMatchObject({ code: 'NO_CONSENT', count: 2 });
  });
  it('REVIEW when some need review and none deny; REVIEW for a dataset with no subjects linked', () => {
    expect(decideDataset('d', '2026-01-01', [s('a', 'ALLOW'), s('c', 'REVIEW')]).decision).toBe('REVIEW');
    expect(decideDataset('d', '2026-01-01', [])).toMatchObject({ decision: 'REVIEW', summary: [{ code: 'NO_SUBJECTS' }] });
  });
});

describe('dates', () => {
  it('validates calendar dates and adds months with end-of-month clamping', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-11-15', 14)).toBe('2028-01-15');
    expect(dateOf('2026-03-01T23:30:00-02:00')).toBe('2026-03-02');
    expect(dateOf('2026-03')).toBeUndefined();
  });
});
