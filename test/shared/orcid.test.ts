import { describe, expect, it } from 'vitest';
import { isValidOrcid, orcidCheckCharacter } from '../../shared/notary/orcid.ts';

describe('ORCID iD check character (ISO 7064 11,2)', () => {
  it.each(['0000-0002-1825-0097', '0000-0001-5109-3700', '0000-0002-1694-233X'])('accepts the published example %s', (id) => {
    expect(isValidOrcid(id)).toBe(true);
  });
  it.each(['0000-0002-1825-0098', '0000-0002-1852-0097', '0000-0002-1694-2330', '0000-0002-1825-009', '0000000218250097'])('rejects %s', (id) => {
    expect(isValidOrcid(id)).toBe(false);
  });
  it('computes X for a remainder of 10', () => {
    expect(orcidCheckCharacter('000000021694233')).toBe('X');
  });
});
