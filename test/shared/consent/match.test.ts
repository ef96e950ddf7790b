/**
 * Purpose-vs-consent matching. Cases written from the DUO README ("How does querying
 * work", "Research Purpose to Query") and the DUOS matcher (consent-ontology
 * docs/Algorithms.md, DataUseMatchCasesV4 and its unit tests); differences are the
 * documented choices of docs/CONSENT.md.
 */
import { describe, expect, it } from 'vitest';

import { buildDiseaseClosure, hierarchyOf } from '../../../shared/consent/disease.ts';
import { matchScope, type Decision } from '../../../shared/consent/match.ts';
import { consentScopeSchema, type ConsentScope } from '../../../shared/consent/scope.ts';
import { useRequestSchema, type UseRequestInput } from '../../../shared/consent/use-request.ts';

// The DOID chain the DUOS tests give for intestinal cancer, plus lung cancer.
const closure = buildDiseaseClosure([
  { id: 'DOID:4', label: 'disease', parents: [], line: 1 },
  { id: 'DOID:14566', label: 'disease of cellular proliferation', parents: ['DOID:4'], line: 2 },
  { id: 'DOID:162', label: 'cancer', parents: ['DOID:14566'], line: 3 },
  { id: 'DOID:0050686', label: 'organ system cancer', parents: ['DOID:162'], line: 4 },
  { id: 'DOID:3119', label: 'gastrointestinal system cancer', parents: ['DOID:0050686'], line: 5 },
  { id: 'DOID:10155', label: 'intestinal cancer', parents: ['DOID:3119'], line: 6 },
  { id: 'DOID:1324', label: 'lung cancer', parents: ['DOID:0050686'], line: 7 },
  { id: 'DOID:9351', label: 'diabetes mellitus', parents: ['DOID:4'], line: 8 },
]);
const hierarchy = hierarchyOf(closure.ancestors);

const scope = (permission: string, extra: { diseases?: string[]; modifiers?: string[] } = {}): ConsentScope =>
  consentScopeSchema.parse({
    permission,
    diseases: extra.diseases ?? [],
    modifiers: (extra.modifiers ?? []).map((t) => {
      const [code = '', values] = t.split('=');
      return { code, values: values === undefined ? [] : values.split('|') };
    }),
  });

function decide(consent: ConsentScope, request: UseRequestInput): { decision: Decision; codes: string[]; obligations: string[] } {
  const r = matchScope(consent, useRequestSchema.parse(request), hierarchy);
  return { decision: r.decision, codes: r.reasons.filter((x) => x.effect !== 'ALLOW').map((x) => x.code), obligations: r.obligations.map((o) => o.code) };
}

describe('permission hierarchy: a more specific purpose matches a more general consent, not the reverse', () => {
  const cases: [consent: string, purpose: string, expected: Decision][] = [
    ['NRES', 'GRU', 'ALLOW'],
    ['NRES', 'POA', 'ALLOW'],
    ['GRU', 'GRU', 'ALLOW'],
    ['GRU', 'HMB', 'ALLOW'],
    ['GRU', 'POA', 'ALLOW'],
    ['HMB', 'HMB', 'ALLOW'],
    ['HMB', 'GRU', 'DENY'], // DUOS testHMB_negative_case_1
    ['HMB', 'POA', 'DENY'], // DUOS testPOA_negative_case_1: HMB excludes ancestry research
    ['POA', 'POA', 'ALLOW'], // DUOS testPOA_positive_case_2
    ['POA', 'HMB', 'DENY'], // DUOS testHMB_negative_case_3
    ['POA', 'GRU', 'DENY'],
  ];
  it.each(cases)('%s consent, %s purpose → %s', (consent, purpose, expected) => {
    expect(decide(scope(consent), { purpose }).decision).toBe(expected);
  });

  it('a DS purpose is within GRU and HMB consent (README: "any dataset with GRU=true / HMB=true")', () => {
    expect(decide(scope('GRU'), { purpose: 'DS', diseases: ['DOID:1324'] }).decision).toBe('ALLOW');
    expect(decide(scope('HMB'), { purpose: 'DS', diseases: ['DOID:1324'] }).decision).toBe('ALLOW');
  });

  it('DS consent covers no GRU, HMB or POA purpose (DUOS testHMB_negative_case_2, testPOA_negative_case_2)', () => {
    const ds = scope('DS', { diseases: ['DOID:162'] });
    for (const purpose of ['GRU', 'HMB', 'POA']) expect(decide(ds, { purpose }).codes).toEqual(['PERMISSION_MISMATCH']);
  });

  it('accepts DUO ids for the purpose', () => {
    expect(decide(scope('GRU'), { purpose: 'DUO:0000006' }).decision).toBe('ALLOW');
    expect(() => useRequestSchema.parse({ purpose: 'NCU' })).toThrow(/not a research purpose/);
  });
});

describe('disease specific matching is hierarchical', () => {
  it('consent for cancer covers research on intestinal cancer (DUOS testDiseaseMatching_positive)', () => {
    expect(decide(scope('DS', { diseases: ['DOID:162'] }), { purpose: 'DS', diseases: ['DOID:10155'] }).decision).toBe('ALLOW');
  });

  it('consent for intestinal cancer does not cover research on cancer (DUOS testDiseaseMatching_negative)', () => {
    expect(decide(scope('DS', { diseases: ['DOID:10155'] }), { purpose: 'DS', diseases: ['DOID:162'] })).toMatchObject({ decision: 'DENY', codes: ['DISEASE_NOT_COVERED'] });
  });

  it('README: a lung cancer query retrieves cancer consent; a cancer query does not retrieve lung cancer consent', () => {
    expect(decide(scope('DS', { diseases: ['DOID:162'] }), { purpose: 'DS', diseases: ['DOID:1324'] }).decision).toBe('ALLOW');
    expect(decide(scope('DS', { diseases: ['DOID:1324'] }), { purpose: 'DS', diseases: ['DOID:162'] }).decision).toBe('DENY');
  });

  it('every disease of the purpose must be covered', () => {
    const cancer = scope('DS', { diseases: ['DOID:162'] });
    expect(decide(cancer, { purpose: 'DS', diseases: ['DOID:1324', 'DOID:10155'] }).decision).toBe('ALLOW');
    expect(decide(cancer, { purpose: 'DS', diseases: ['DOID:1324', 'DOID:9351'] })).toMatchObject({ decision: 'DENY', codes: ['DISEASE_NOT_COVERED'] });
    expect(decide(scope('DS', { diseases: ['DOID:162', 'DOID:9351'] }), { purpose: 'DS', diseases: ['DOID:1324', 'DOID:9351'] }).decision).toBe('ALLOW');
  });

  it('a disease missing from the hierarchy needs review, unless consented exactly', () => {
    expect(decide(scope('DS', { diseases: ['DOID:162'] }), { purpose: 'DS', diseases: ['DOID:999999'] })).toMatchObject({ decision: 'REVIEW', codes: ['DISEASE_UNKNOWN'] });
    expect(decide(scope('DS', { diseases: ['DOID:999999'] }), { purpose: 'DS', diseases: ['DOID:999999'] }).decision).toBe('ALLOW');
  });

  it('accepts DUOS-style OBO IRIs for disease terms', () => {
    expect(decide(scope('DS', { diseases: ['http://purl.obolibrary.org/obo/DOID_162'] }), { purpose: 'DS', diseases: ['DOID_10155'] }).decision).toBe('ALLOW');
  });
});

describe('methods research (NMDS)', () => {
  it('methods research is allowed where NMDS is absent (README; DUOS testMDS_positive_case_1/4)', () => {
    expect(decide(scope('GRU'), { purpose: 'GRU', methods: true }).decision).toBe('ALLOW');
    expect(decide(scope('HMB'), { purpose: 'HMB', methods: true }).decision).toBe('ALLOW');
  });
  it('NMDS allows methods research only within a matching disease area (README: "NMDS true AND DS-X match")', () => {
    const dsNmds = scope('DS', { diseases: ['DOID:162'], modifiers: ['NMDS'] });
    expect(decide(dsNmds, { purpose: 'DS', diseases: ['DOID:1324'], methods: true }).decision).toBe('ALLOW');
    expect(decide(scope('HMB', { modifiers: ['NMDS'] }), { purpose: 'HMB', methods: true })).toMatchObject({ decision: 'DENY', codes: ['METHODS_PROHIBITED'] });
    expect(decide(scope('HMB', { modifiers: ['NMDS'] }), { purpose: 'HMB' }).decision).toBe('ALLOW');
  });
});

describe('commercial and for-profit use', () => {
  it('NCU denies commercial use; NPU denies for-profit requesters; NPUNCU denies both', () => {
    expect(decide(scope('GRU', { modifiers: ['NCU'] }), { purpose: 'HMB', commercial: true }).codes).toEqual(['COMMERCIAL_PROHIBITED']);
    expect(decide(scope('GRU', { modifiers: ['NCU'] }), { purpose: 'HMB', forProfit: true }).decision).toBe('ALLOW');
    expect(decide(scope('GRU', { modifiers: ['NPU'] }), { purpose: 'HMB', forProfit: true }).codes).toEqual(['FOR_PROFIT_PROHIBITED']); // DUOS testNPU_negative_case_1
    expect(decide(scope('GRU', { modifiers: ['NPU'] }), { purpose: 'HMB' }).decision).toBe('ALLOW'); // DUOS testNPU_positive_case_1
    expect(decide(scope('GRU', { modifiers: ['NPUNCU'] }), { purpose: 'HMB', commercial: true }).decision).toBe('DENY');
    expect(decide(scope('GRU', { modifiers: ['NPUNCU'] }), { purpose: 'HMB', forProfit: true }).decision).toBe('DENY');
  });
  it('README: a commercial purpose by a commercial entity matches only consent with neither NPU nor NCU', () => {
    const req = { purpose: 'HMB', commercial: true, forProfit: true };
    expect(decide(scope('GRU'), req).decision).toBe('ALLOW');
    expect(decide(scope('GRU', { modifiers: ['NPU'] }), req).decision).toBe('DENY');
    expect(decide(scope('GRU', { modifiers: ['NCU'] }), req).decision).toBe('DENY');
  });
});

describe('other modifiers', () => {
  it('NPOA denies ancestry research, and general research that may include it', () => {
    const npoa = scope('GRU', { modifiers: ['NPOA'] });
    expect(decide(npoa, { purpose: 'POA' }).codes).toEqual(['POA_PROHIBITED']);
    expect(decide(npoa, { purpose: 'GRU' }).codes).toEqual(['POA_PROHIBITED']);
    expect(decide(npoa, { purpose: 'HMB' }).decision).toBe('ALLOW');
  });
  it('GSO allows genetic studies only', () => {
    expect(decide(scope('HMB', { modifiers: ['GSO'] }), { purpose: 'HMB' }).codes).toEqual(['GENETIC_ONLY']);
    expect(decide(scope('HMB', { modifiers: ['GSO'] }), { purpose: 'HMB', genetic: true }).decision).toBe('ALLOW');
  });
  it('IRB, PUB, COL, RTN deny without the attestation and become obligations with it', () => {
    const s = scope('GRU', { modifiers: ['IRB', 'PUB', 'COL', 'RTN'] });
    const without = decide(s, { purpose: 'HMB' });
    expect(without.decision).toBe('DENY');
    expect(without.codes).toEqual(['ATTESTATION_MISSING', 'ATTESTATION_MISSING', 'ATTESTATION_MISSING', 'ATTESTATION_MISSING']);
    const withAll = decide(s, { purpose: 'HMB', attestations: { irbApproval: true, willPublish: true, collaboration: true, willReturnData: true } });
    expect(withAll).toEqual({ decision: 'ALLOW', codes: [], obligations: ['IRB', 'PUB', 'COL', 'RTN'] });
  });
  it('MOR is an obligation not to publish before its date', () => {
    const r = matchScope(scope('GRU', { modifiers: ['MOR=2027-06-30'] }), useRequestSchema.parse({ purpose: 'HMB' }), hierarchy);
    expect(r.decision).toBe('ALLOW');
    expect(r.obligations).toEqual([{ code: 'MOR', message: expect.stringContaining('2027-06-30') }]);
  });
  it('US, IS, PS, GS allow only the listed users, institutions, projects and regions (case-insensitive); naming none denies', () => {
    const s = scope('GRU', { modifiers: ['US=alice|bob', 'IS=Broad Institute', 'PS=P-17', 'GS=EU|CH'] });
    const ok = { purpose: 'HMB', user: 'Alice', institution: 'broad institute', project: 'P-17', region: 'ch' };
    expect(decide(s, ok).decision).toBe('ALLOW');
    expect(decide(s, { ...ok, user: 'mallory' }).codes).toEqual(['USER_NOT_ALLOWED']);
    expect(decide(s, { ...ok, institution: 'Other U' }).codes).toEqual(['INSTITUTION_NOT_ALLOWED']);
    expect(decide(s, { ...ok, project: 'P-18' }).codes).toEqual(['PROJECT_NOT_ALLOWED']);
    expect(decide(s, { ...ok, region: 'US' }).codes).toEqual(['REGION_NOT_ALLOWED']);
    expect(decide(s, { purpose: 'HMB' }).codes).toEqual(['USER_NOT_ALLOWED', 'INSTITUTION_NOT_ALLOWED', 'PROJECT_NOT_ALLOWED', 'REGION_NOT_ALLOWED']);
  });
  it('RS (research specific restrictions) needs review', () => {
    expect(decide(scope('HMB', { modifiers: ['RS=pediatric'] }), { purpose: 'HMB' })).toMatchObject({ decision: 'REVIEW', codes: ['RESEARCH_SPECIFIC'] });
  });
  it('CC (clinical care use) restricts no research purpose', () => {
    expect(decide(scope('HMB', { modifiers: ['CC'] }), { purpose: 'HMB' }).decision).toBe('ALLOW');
  });
});

describe('review and precedence', () => {
  it('sensitive research topics need review, as DUOS abstains on them', () => {
    expect(decide(scope('GRU'), { purpose: 'HMB', sensitive: ['pediatric'] })).toMatchObject({ decision: 'REVIEW', codes: ['SENSITIVE_TOPIC'] });
  });
  it('a DENY wins over a REVIEW (DUOS would abstain): no override can lift a rule violation', () => {
    expect(decide(scope('HMB', { modifiers: ['NCU'] }), { purpose: 'HMB', commercial: true, sensitive: ['gender'] })).toMatchObject({ decision: 'DENY', codes: ['COMMERCIAL_PROHIBITED', 'SENSITIVE_TOPIC'] });
  });
});

describe('use request validation', () => {
  it('a DS purpose must name diseases, and only DS may', () => {
    expect(() => useRequestSchema.parse({ purpose: 'DS' })).toThrow(/must name the disease/);
    expect(() => useRequestSchema.parse({ purpose: 'HMB', diseases: ['DOID:162'] })).toThrow(/DS purpose only/);
    expect(() => useRequestSchema.parse({ purpose: 'HMB', date: '2026-02-30' })).toThrow(/calendar date/);
    expect(() => useRequestSchema.parse({ purpose: 'HMB', extra: 1 })).toThrow();
  });
});
