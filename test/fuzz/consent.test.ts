/**
 * Fuzzing consent import (CSV from a spreadsheet, FHIR R4 JSON from a hospital system): the
 * parsers never throw, and the service over a real SQLite ledger either imports or refuses with
 * a typed NotariumError — and a refused file changes no record and appends nothing to the
 * audit log.
 */
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsentService } from '../../main/core/consent/index.ts';
import { parseConsentCsv } from '../../main/core/consent/csv-import.ts';
import { consentFromFhir, consentResources } from '../../main/core/consent/fhir-map.ts';
import { validateFhirResource } from '../../main/core/consent/fhir-schema.ts';
import { tempDir } from '../helpers/tmp.ts';
import { expectTypedOutcome, hostileText, mutate, jsonMutation, scaledRuns, TEXT_RUNS } from './arbitraries.ts';

const CSV = `subject_id,permission,diseases,modifiers,given_date,valid_from,valid_until,status,withdrawn_date,withdrawal_scope,form_version,document_sha256
S1,GRU,,,2025-01-10,,,,,,v2,${'ab'.repeat(32)}
S2,HMB,,NCU,2025-02-01,,,,,,v2,
S3,DS,DOID:162,,2025-03-01,,2027-12-31,,,,v2,
S4,GRU,,,2025-01-01,,,withdrawn,2026-01-05,destroy,v1,
`;

const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const FHIR_BUNDLE = {
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    {
      resource: {
        resourceType: 'Consent',
        id: 'c-001',
        status: 'active',
        scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'research' }] },
        category: [{ coding: [{ system: 'https://nih-ncpi.github.io/ncpi-fhir-ig/CodeSystem/nih-consent', code: 'HMB' }] }],
        patient: { reference: 'Patient/P-0001' },
        dateTime: '2025-04-02T10:15:00+02:00',
        provision: { type: 'permit', period: { start: '2025-04-02', end: '2035-04-01' }, purpose: [{ system: ACT_REASON, code: 'HRESCH' }], provision: [{ type: 'deny', purpose: [{ system: ACT_REASON, code: 'POARCH' }] }] },
      },
    },
  ],
};

/** CSV text an attacker or a broken spreadsheet export could produce, around the valid file. */
const hostileCsv: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.nat({ max: CSV.length }), fc.string({ unit: 'binary', maxLength: 12 })).map(([i, s]) => CSV.slice(0, i) + s + CSV.slice(i)),
  fc.tuple(fc.nat({ max: CSV.length }), fc.nat({ max: 40 })).map(([i, n]) => CSV.slice(0, i) + CSV.slice(i + n)),
  fc.tuple(fc.nat({ max: CSV.length }), fc.constantFrom('"', '""', ',', '\n', '\r\n', '\uFEFF', '\u0000', ';', ',,,,,,,,,,,,,,,,')).map(([i, s]) => CSV.slice(0, i) + s + CSV.slice(i)),
  fc.array(fc.array(fc.string({ maxLength: 10 }), { maxLength: 16 }).map((cells) => cells.join(',')), { maxLength: 8 }).map((rows) => [CSV.split('\n')[0], ...rows].join('\n')),
  fc.string({ unit: 'binary', maxLength: 300 }),
);

describe('fuzzing consent import', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let service: ConsentService;
  let n = 0;

  const state = () => ({ records: service.list({ history: true }).length, log: service.logEntries(1_000_000).length });

  beforeAll(async () => {
    tmp = await tempDir('notarium-fuzz-consent-');
    service = ConsentService.open(path.join(tmp.dir, 'ledger.sqlite'), { headFile: path.join(tmp.dir, 'head.json'), actor: 'fuzzer', now: () => new Date('2026-06-15T12:00:00Z') });
  });
  afterAll(async () => {
    service.close();
    await tmp.cleanup();
  });

  it('the CSV parser never throws: it returns records or located problems', () => {
    expect(parseConsentCsv(CSV).problems).toEqual([]);
    fc.assert(
      fc.property(hostileCsv, fc.constantFrom(',', ';', '\t'), (text, delimiter) => {
        const r = parseConsentCsv(text, delimiter);
        expect(Array.isArray(r.records) && Array.isArray(r.problems)).toBe(true);
      }),
      { numRuns: TEXT_RUNS },
    );
  });

  it('the FHIR schema check and mapping never throw on any JSON (mapping only what passes the check, as the service does)', () => {
    fc.assert(
      fc.property(fc.array(jsonMutation, { minLength: 1, maxLength: 4 }), fc.jsonValue(), (mutations, anything) => {
        for (const doc of [mutate(FHIR_BUNDLE, mutations), anything]) {
          const problems = validateFhirResource(doc);
          const { resources, problems: found } = consentResources(doc);
          expect(Array.isArray(problems) && Array.isArray(found)).toBe(true);
          if (problems.length > 0 || found.length > 0) continue;
          for (const { resource, at } of resources) expect(Array.isArray(consentFromFhir(resource, at, '2026-06-15').problems)).toBe(true);
        }
      }),
      { numRuns: TEXT_RUNS },
    );
  });

  it('the service imports or refuses with a typed error; a refused file writes nothing', async () => {
    const file = async (ext: string, text: string): Promise<string> => {
      const f = path.join(tmp.dir, `in-${n++}.${ext}`);
      await writeFile(f, text);
      return f;
    };
    let refused = 0;
    const inputs = fc.oneof(hostileCsv.map((t) => ['csv', t] as const), hostileText(FHIR_BUNDLE).map((t) => ['json', t] as const));
    await fc.assert(
      fc.asyncProperty(inputs, async ([ext, text]) => {
        const before = state();
        const f = await file(ext, text);
        const r = await expectTypedOutcome(() => service.importFile({ file: f }), ['INVALID_INPUT'], `consent ${ext} import`);
        if (!r.ok) {
          refused += 1;
          expect(state()).toEqual(before);
        }
      }),
      { numRuns: scaledRuns(0.3) },
    );
    expect(refused).toBeGreaterThan(0);
    expect(service.verifyLog()).toMatchObject({ ok: true });
  });
});
