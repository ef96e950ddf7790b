import { describe, expect, it } from 'vitest';

import { consentLinkRequestSchema, consentSubsetRequestSchema, consentWithdrawRequestSchema, subjectIdSchema } from '../../../shared/api/consent-schemas.ts';
import { parseRequest, retrieveRequestSchema } from '../../../shared/api/schemas.ts';

describe('consent request schemas', () => {
  it('a link names exactly one subject source', () => {
    expect(consentLinkRequestSchema.safeParse({ datasetId: 'd', subjects: ['S1'] }).success).toBe(true);
    expect(consentLinkRequestSchema.safeParse({ datasetId: 'd' }).success).toBe(false);
    expect(consentLinkRequestSchema.safeParse({ datasetId: 'd', subjects: ['S1'], vcf: { file: 'x.vcf' } }).success).toBe(false);
  });
  it('a CSV subset names its subject column', () => {
    const base = { datasetId: 'd', request: { purpose: 'HMB' }, input: 'a.csv', out: 'b.csv' };
    expect(() => parseRequest(consentSubsetRequestSchema, { ...base, format: 'csv' })).toThrow(/column: name the subject id column/);
    expect(parseRequest(consentSubsetRequestSchema, { ...base, format: 'vcf' })).toMatchObject({ notarize: false, request: { purpose: 'HMB', diseases: [] } });
  });
  it('subject ids are trimmed, bounded and free of control characters', () => {
    expect(subjectIdSchema.parse('  HG00098 ')).toBe('HG00098');
    expect(subjectIdSchema.safeParse('a\nb').success).toBe(false);
    expect(subjectIdSchema.safeParse('x'.repeat(201)).success).toBe(false);
  });
  it('withdrawal scope defaults to no further use', () => {
    expect(consentWithdrawRequestSchema.parse({ subjectId: 'S1' })).toEqual({ subjectId: 'S1', scope: 'no-further-use' });
  });
  it('retrieve takes an optional purpose and override, validated like a use request', () => {
    expect(parseRequest(retrieveRequestSchema, { source: 'x', out: 'o', purpose: { purpose: 'DS', diseases: ['doid:1324'] }, override: { by: 'A', reason: 'B' } })).toMatchObject({ purpose: { purpose: 'DS', diseases: ['DOID:1324'] } });
    expect(() => parseRequest(retrieveRequestSchema, { source: 'x', out: 'o', purpose: { purpose: 'DS' } })).toThrow(/purpose\.diseases/);
  });
});
