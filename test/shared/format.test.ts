import { describe, expect, it } from 'vitest';
import { agree, formatBytes, formatCount } from '../../shared/format.ts';

describe('display formatting', () => {
  it('counts with a plural unless one', () => {
    expect(formatCount(1, 'file')).toBe('1 file');
    expect(formatCount(0, 'file')).toBe('0 files');
    expect(formatCount(1500, 'unpinned block')).toBe('1500 unpinned blocks');
  });

  it('gives the verb form that agrees with the count', () => {
    expect(agree(1, 'matches', 'match')).toBe('matches');
    expect(agree(0, 'is', 'are')).toBe('are');
    expect(agree(2, 'does', 'do')).toBe('do');
  });

  it('gives sizes in SI units as file managers do', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(3_900_000)).toBe('3.9 MB');
    expect(formatBytes(215_000)).toBe('215 kB');
  });
});
