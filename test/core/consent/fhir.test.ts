/** FHIR R4 Consent import (validated against the R4 JSON schema) and export that re-imports to the same state. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { validateFhirResource } from '../../../main/core/consent/fhir-schema.ts';
import { CONSENT_CSV, harness, rejection, type Harness } from './fixtures.ts';

const DUO = 'http://purl.obolibrary.org/obo/duo.owl';
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

/** An HMB consent written as the NCPI IG does (NIH consent code in category), with an exception: no ancestry research. */
const ncpiConsent = {
  resourceType: 'Consent',
  id: 'c-001',
  status: 'active',
  scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'research' }] },
  category: [
    { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentcategorycodes', code: 'research' }] },
    { coding: [{ system: 'https://nih-ncpi.github.io/ncpi-fhir-ig/CodeSystem/nih-consent', code: 'HMB' }] },
    { coding: [{ system: 'https://nih-ncpi.github.io/ncpi-fhir-ig/CodeSystem/nih-consent', code: 'IRB' }] },
  ],
  patient: { reference: 'Patient/P-0001' },
  dateTime: '2025-04-02T10:15:00+02:00',
  policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
  provision: {
    type: 'permit',
    period: { start: '2025-04-02', end: '2035-04-01' },
    purpose: [{ system: ACT_REASON, code: 'HRESCH' }],
    provision: [{ type: 'deny', purpose: [{ system: ACT_REASON, code: 'POARCH' }] }],
  },
};

describe('FHIR R4 Consent', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  const importJson = async (doc: unknown, name = 'c.json') => h.service.importFile({ file: await h.write(name, JSON.stringify(doc)) });

  it('imports a single Consent: NCPI consent codes, period, ActReason purpose and a nested deny exception', async () => {
    expect(await importJson(ncpiConsent)).toMatchObject({ format: 'fhir', imported: 1 });
    expect(h.service.list()).toEqual([
      expect.objectContaining({ id: 'c-001', subjectId: 'P-0001', status: 'active', givenDate: '2025-04-02', validFrom: '2025-04-02', validUntil: '2035-04-01', source: 'fhir', summary: 'HMB IRB NPOA' }),
    ]);
  });

  it('imports a Bundle; DUO codings in provision.code with disease codings (MONDO, DOID) and values; later entries supersede', async () => {
    const consent = (id: string, date: string, codes: object[]) => ({
      resource: {
        resourceType: 'Consent',
        id,
        status: 'active',
        scope: { coding: [{ code: 'research' }] },
        category: [{ coding: [{ system: 'http://loinc.org', code: '57016-8' }] }],
        patient: { identifier: { system: 'urn:example:pseudonym', value: 'P 2' } },
        dateTime: date,
        provision: { type: 'permit', code: codes.map((c) => ({ coding: [c] })) },
      },
    });
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        consent('a', '2024-01-01', [{ system: DUO, code: 'DUO:0000007' }, { system: 'http://purl.obolibrary.org/obo/mondo.owl', code: 'MONDO:0004992' }]),
        consent('b', '2025-01-01', [
          { system: DUO, code: 'DUO:0000007' },
          { system: 'http://purl.obolibrary.org/obo/doid.owl', code: 'DOID_162' },
          { system: DUO, code: 'DUO:0000026', extension: [{ url: 'urn:notarium:fhir:duo-value', valueString: 'alice' }] },
        ]),
      ],
    };
    expect(await importJson(bundle)).toMatchObject({ imported: 2, superseded: 1, subjects: 1 });
    expect(h.service.list({ history: true }).map((r) => [r.id, r.status, r.summary])).toEqual([
      ['a', 'superseded', 'DS(MONDO:0004992)'],
      ['b', 'active', 'DS(DOID:162) US=alice'],
    ]);
  });

  it('an exception Notarium cannot evaluate becomes RS, so checks ask for review instead of allowing', async () => {
    const c = structuredClone(ncpiConsent);
    c.provision.provision = [{ type: 'deny', purpose: [{ system: ACT_REASON, code: 'CLINTRCH' }] }];
    await importJson(c);
    await h.service.link({ datasetId: 'd', subjects: ['P-0001'] });
    expect(h.service.list()[0]?.summary).toBe('HMB IRB RS=FHIR exception provision.provision[0]');
    expect(h.service.check({ datasetId: 'd', request: { purpose: 'HMB', attestations: { irbApproval: true } } }).decision).toBe('REVIEW');
  });

  it('a malformed file imports nothing and reports each problem with its location', async () => {
    const bad = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: { ...ncpiConsent, id: 'x1', status: 'approved', colour: 'red' } },
        { resource: { ...ncpiConsent, id: 'x2', patient: undefined, scope: { coding: [{ code: 'treatment' }] } } },
        { resource: { resourceType: 'Patient', id: 'p' } },
        { resource: { ...ncpiConsent, id: 'x4', provision: { ...ncpiConsent.provision, period: { start: 'spring' } } } },
      ],
    };
    const err = await rejection(importJson(bad));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.details.problems).toEqual(
      expect.arrayContaining([
        { location: '/entry/0/resource/status', message: expect.stringContaining('allowed values') },
        { location: '/entry/0/resource', message: 'unknown property "colour"' },
        { location: '/entry/2/resource', message: expect.stringContaining('only Consent resources') },
        { location: '/entry/3/resource/provision/period/start', message: expect.stringContaining('pattern') },
      ]),
    );
    expect(h.service.list({ history: true })).toEqual([]);
    // Schema-valid but not usable: scope and subject.
    const semantic = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { ...ncpiConsent, id: 'y', patient: undefined, scope: { coding: [{ code: 'treatment' }] } } }] };
    const e2 = await rejection(importJson(semantic, 'y.json'));
    expect(e2.details.problems).toEqual([
      { location: '/entry/0/resource/scope', message: expect.stringContaining('only research consents') },
      { location: '/entry/0/resource/patient', message: expect.stringContaining('data subject is missing') },
    ]);
    await expect(h.service.importFile({ file: await h.write('n.json', '{"resourceType": ') })).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { problems: [{ location: '/', message: expect.stringContaining('not JSON') }] } });
    expect(h.service.list({ history: true })).toEqual([]);
  });

  it('exports schema-valid Consent resources that re-import to the same state, history and withdrawals included', async () => {
    await h.service.importFile({ file: await h.write('c.csv', CONSENT_CSV) });
    await h.service.importFile({ file: await h.write('r.csv', 'subject_id,permission,given_date,modifiers,valid_until\nS2,GRU,2026-03-01,US=alice|bob;TS=24;MOR=2027-01-31,2030-12-31\n') });
    await importJson(ncpiConsent);
    h.service.withdraw({ subjectId: 'S1', scope: 'destroy', date: '2026-06-01' });
    const out = path.join(h.dir, 'export', 'consents.json');
    const exported = await h.service.exportFhir({ out });
    expect(exported).toMatchObject({ count: 10, out });
    const bundle = JSON.parse(await readFile(out, 'utf8')) as { entry: { resource: unknown }[] };
    expect(validateFhirResource(bundle)).toEqual([]);
    await expect(h.service.exportFhir({ out })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });

    const before = h.service.list({ history: true });
    const other = await harness();
    try {
      expect(await other.service.importFile({ file: out })).toMatchObject({ imported: 10 });
      const strip = (rs: typeof before) => rs.map(({ source: _s, createdAt: _c, ...rest }) => rest);
      expect(strip(other.service.list({ history: true }))).toEqual(strip(before));
      const again = await other.service.exportFhir();
      expect((again.bundle as { entry: unknown[] }).entry).toEqual(bundle.entry);
      expect(other.service.verifyLog().ok).toBe(true);
    } finally {
      await other.cleanup();
    }
    expect(await h.service.importFile({ file: out })).toMatchObject({ imported: 0, unchanged: 10 });
  });
});
