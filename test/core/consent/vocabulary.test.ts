import { describe, expect, it } from 'vitest';

import { loadDuoVocabulary } from '../../../main/core/consent/vocabulary.ts';
import { harness } from './fixtures.ts';

describe('DUO vocabulary', () => {
  it('loads the 25 EBISPOT/DUO terms with descriptions, and the service tells permissions from modifiers', async () => {
    const terms = loadDuoVocabulary();
    expect(terms).toHaveLength(25);
    expect(terms.find((t) => t.shorthand === 'NPUNCU')).toEqual({ id: 'DUO:0000018', shorthand: 'NPUNCU', label: 'not for profit, non commercial use only', description: expect.stringContaining('not-for-profit organizations') });
    const h = await harness();
    try {
      const kinds = Object.fromEntries(h.service.duoTerms().map((t) => [t.id, t.kind]));
      expect(kinds).toMatchObject({ 'DUO:0000042': 'permission', 'DUO:0000046': 'modifier', 'DUO:0000001': 'class', 'DUO:0000017': 'class' });
    } finally {
      await h.cleanup();
    }
  });
});
