import { describe, expect, it } from 'vitest';

import { isNotariumError } from '../../../shared/errors.ts';
import { draftRequestSchema, fieldLabel, parseRequest } from '../../../shared/api/schemas.ts';

function parseError(fn: () => unknown): { code: string; message: string; details: Record<string, unknown> | undefined } {
  try {
    fn();
  } catch (e) {
    if (isNotariumError(e)) return { code: e.code, message: e.message, details: e.details };
    throw e;
  }
  throw new Error('expected a NotariumError');
}

describe('parseRequest', () => {
  it('names list entries as people count them: the second author is authors #2', () => {
    const good = '0x'.padEnd(42, 'a');
    const e = parseError(() => parseRequest(draftRequestSchema, { inputs: ['a'], title: 't', authors: [{ address: good }, { address: '0x1234' }] }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/^ {2}- authors #2\.address: /m);
    expect(e.message).not.toMatch(/authors\.1/);
    // Programs keep zod's path; the label is alongside.
    expect(e.details).toMatchObject({ issues: [{ path: 'authors.1.address', field: 'authors #2.address' }] });
  });

  it('names the author listed twice, and where it was first', () => {
    const a = '0x'.padEnd(42, 'a');
    const e = parseError(() => parseRequest(draftRequestSchema, { inputs: ['x'], title: 't', authors: [{ address: a }, { address: '0x'.padEnd(42, 'b') }, { address: a.toUpperCase().replace('0X', '0x') }] }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(new RegExp(`authors #3\\.address: ${a.toUpperCase().replace('0X', '0x')} is listed twice \\(also #1\\)`));
  });

  it('labels the first entry of a list #1, nested lists and the whole input', () => {
    expect(fieldLabel(['inputs', 0])).toBe('inputs #1');
    expect(fieldLabel(['purpose', 'modifiers', 2, 'code'])).toBe('purpose.modifiers #3.code');
    expect(fieldLabel([0, 1])).toBe('#1 #2');
    expect(fieldLabel([])).toBe('(input)');
    expect(parseError(() => parseRequest(draftRequestSchema, 'nope')).message).toMatch(/^ {2}- \(input\): /m);
  });
});
