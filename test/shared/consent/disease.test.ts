import { describe, expect, it } from 'vitest';

import { buildDiseaseClosure, diseaseCoverage, hierarchyOf, normalizeDiseaseId } from '../../../shared/consent/disease.ts';

describe('disease terms', () => {
  it('normalizes CURIEs, underscore ids and OBO IRIs', () => {
    expect(normalizeDiseaseId('doid:162')).toBe('DOID:162');
    expect(normalizeDiseaseId('MONDO_0004992')).toBe('MONDO:0004992');
    expect(normalizeDiseaseId('http://purl.obolibrary.org/obo/DOID_10155')).toBe('DOID:10155');
    expect(normalizeDiseaseId('lung cancer')).toBeUndefined();
  });

  it('closes the is_a edges transitively', () => {
    const c = buildDiseaseClosure([
      { id: 'A', label: 'a', parents: [], line: 1 },
      { id: 'B', label: 'b', parents: ['A'], line: 2 },
      { id: 'C', label: 'c', parents: ['B'], line: 3 },
      { id: 'D', label: 'd', parents: ['C', 'A'], line: 4 },
    ]);
    expect(c.problems).toEqual([]);
    expect([...(c.ancestors.get('D') ?? [])].sort()).toEqual(['A', 'B', 'C']);
    const h = hierarchyOf(c.ancestors);
    expect(diseaseCoverage('D', ['B'], h)).toBe('covered');
    expect(diseaseCoverage('B', ['D'], h)).toBe('not-covered');
    expect(diseaseCoverage('Z', ['A'], h)).toBe('unknown');
    expect(diseaseCoverage('Z', ['Z'], h)).toBe('covered');
  });

  it('reports duplicates, unknown parents and cycles with their lines', () => {
    const c = buildDiseaseClosure([
      { id: 'A', label: 'a', parents: ['C'], line: 1 },
      { id: 'B', label: 'b', parents: ['A', 'X'], line: 2 },
      { id: 'C', label: 'c', parents: ['B'], line: 3 },
      { id: 'A', label: 'again', parents: [], line: 4 },
    ]);
    expect(c.problems).toEqual(
      expect.arrayContaining([
        { line: 4, message: expect.stringContaining('listed twice') },
        { line: 2, message: expect.stringContaining('parent X') },
        { line: expect.any(Number), message: expect.stringContaining('cycle') },
      ]),
    );
  });
});
