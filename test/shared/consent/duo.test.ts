import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

import { DUO_MODIFIERS, DUO_PERMISSIONS, DUO_TERMS, lookupDuoTerm, toModifierCode, toPermission } from '../../../shared/consent/duo.ts';

const csvFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../main/core/consent/data/duo.csv');

describe('DUO terms', () => {
  it('the code table equals the bundled EBISPOT/DUO term list (id, shorthand, label)', () => {
    const rows = parse(readFileSync(csvFile, 'utf8'), { columns: true }) as { id: string; shorthand: string; label: string }[];
    const withShorthand = rows.filter((r) => r.shorthand !== '');
    expect(Object.values(DUO_TERMS).map((t) => [t.id, t.code, t.label]).sort()).toEqual(withShorthand.map((r) => [r.id, r.shorthand, r.label]).sort());
    expect([...DUO_PERMISSIONS, ...DUO_MODIFIERS].sort()).toEqual(withShorthand.map((r) => r.shorthand).sort());
  });

  it('the bundled copy is the shared data file, unchanged (attribution kept in data/README.md)', () => {
    const shared = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/duo.csv');
    let original: string | undefined;
    try {
      original = readFileSync(shared, 'utf8');
    } catch {
      original = undefined; // CI clones may not have ../shared beside the repo
    }
    if (original !== undefined) expect(readFileSync(csvFile, 'utf8')).toBe(original);
    expect(readFileSync(path.join(path.dirname(csvFile), 'README.md'), 'utf8')).toMatch(/CC BY 4\.0/);
  });

  it('looks terms up by shorthand, CURIE, underscore id or OBO IRI, case-insensitively', () => {
    expect(lookupDuoTerm('hmb')?.id).toBe('DUO:0000006');
    expect(lookupDuoTerm('DUO:0000042')?.code).toBe('GRU');
    expect(lookupDuoTerm('DUO_0000046')?.code).toBe('NCU');
    expect(lookupDuoTerm('http://purl.obolibrary.org/obo/DUO_0000007')?.code).toBe('DS');
    expect(lookupDuoTerm('DUO:0000001')).toBeUndefined();
    expect(lookupDuoTerm('toString')).toBeUndefined();
  });

  it('tells permissions from modifiers', () => {
    expect(toPermission('POA')).toBe('POA');
    expect(() => toPermission('NCU')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(toModifierCode('DUO:0000024')).toBe('MOR');
    expect(() => toModifierCode('GRU')).toThrow(/not a DUO modifier/);
  });
});
