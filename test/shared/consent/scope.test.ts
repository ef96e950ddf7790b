import { describe, expect, it } from 'vitest';

import { consentScopeSchema, describeScope, formatModifiers, scopeText, splitDiseases, splitModifiers } from '../../../shared/consent/scope.ts';

describe('consent scopes', () => {
  it('parses the compact text of CSV columns and CLI flags', () => {
    expect(splitModifiers(' NCU ; US=alice | bob;TS=12;;MOR=2027-01-31')).toEqual([
      { code: 'NCU', values: [] },
      { code: 'US', values: ['alice', 'bob'] },
      { code: 'TS', values: ['12'] },
      { code: 'MOR', values: ['2027-01-31'] },
    ]);
    expect(splitDiseases('DOID:162| MONDO:0004992, DOID:1324')).toEqual(['DOID:162', 'MONDO:0004992', 'DOID:1324']);
  });

  it('canonicalizes: DUO ids to shorthands, sorted modifiers and values, deduplicated diseases', () => {
    const a = consentScopeSchema.parse({ permission: 'DUO:0000007', diseases: ['doid:162', 'DOID:162', 'DOID_1324'], modifiers: [{ code: 'US', values: ['bob', 'alice', 'bob'] }, { code: 'DUO:0000046' }] });
    expect(a).toEqual({ permission: 'DS', diseases: ['DOID:1324', 'DOID:162'], modifiers: [{ code: 'NCU', values: [] }, { code: 'US', values: ['alice', 'bob'] }] });
    const b = consentScopeSchema.parse({ permission: 'DS', diseases: ['DOID:1324', 'DOID:162'], modifiers: [{ code: 'US', values: ['alice', 'bob'] }, { code: 'NCU' }] });
    expect(scopeText(a)).toBe(scopeText(b));
    expect(describeScope(a)).toBe('DS(DOID:1324 DOID:162) NCU US=alice|bob');
    expect(splitModifiers(formatModifiers(a.modifiers))).toEqual(a.modifiers);
  });

  it.each([
    [{ permission: 'DS' }, /needs at least one disease/],
    [{ permission: 'HMB', diseases: ['DOID:162'] }, /only meaningful with DS/],
    [{ permission: 'NCU' }, /not a DUO permission/],
    [{ permission: 'GRU', modifiers: [{ code: 'GRU' }] }, /not a DUO modifier/],
    [{ permission: 'GRU', modifiers: [{ code: 'MOR', values: ['next year'] }] }, /moratorium/],
    [{ permission: 'GRU', modifiers: [{ code: 'TS', values: ['0'] }] }, /whole number of months/],
    [{ permission: 'GRU', modifiers: [{ code: 'US' }] }, /at least one allowed value/],
    [{ permission: 'GRU', modifiers: [{ code: 'NCU', values: ['x'] }] }, /takes no value/],
    [{ permission: 'GRU', modifiers: [{ code: 'NCU' }, { code: 'NCU' }] }, /given twice/],
    [{ permission: 'DS', diseases: ['lung cancer'] }, /not a disease term id/],
  ])('rejects %j', (input, message) => {
    expect(() => consentScopeSchema.parse(input)).toThrow(message);
  });
});
