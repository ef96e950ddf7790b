import { describe, expect, it } from 'vitest';
import { textSlices } from '../../shared/text-slices.ts';

describe('textSlices', () => {
  it('cuts text and pieces into slices of at most n code units, never inside a surrogate pair, and joins back to the text', () => {
    const text = `ab🧬c${'🧬'.repeat(5)}é`;
    const slices = [...textSlices(text, 3)];
    expect(slices.join('')).toBe(text);
    for (const s of slices) {
      expect(s.length).toBeLessThanOrEqual(3);
      expect(s.length).toBeGreaterThan(0);
      expect(/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(s)).toBe(false);
    }
    expect([...textSlices(['ab🧬', 'cd'], 3)]).toEqual(['ab', '🧬', 'cd']);
    expect([...textSlices('', 4)]).toEqual([]);
  });
});
