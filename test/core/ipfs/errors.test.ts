/** toIpfsError: library errors become NotariumErrors with stable codes and their cause. */
import { describe, expect, it } from 'vitest';
import { toIpfsError } from '../../../main/core/ipfs/errors.ts';
import { NotariumError } from '../../../shared/errors.ts';

function named(name: string): Error {
  const error = new Error('boom');
  error.name = name;
  return error;
}

describe('toIpfsError', () => {
  it.each([
    ['BlockNotFoundWhileOfflineError', 'NOT_FOUND'],
    ['NotFoundError', 'NOT_FOUND'],
    ['InvalidParametersError', 'INVALID_INPUT'],
    ['NotAFileError', 'INVALID_INPUT'],
    ['AbortError', 'CANCELLED'],
    ['TypeError', 'IPFS_FAILED'],
  ])('maps %s to %s and keeps it as the cause', (name, code) => {
    const cause = named(name);
    const mapped = toIpfsError(cause, 'cannot do it', { cid: 'x' });
    expect(mapped).toBeInstanceOf(NotariumError);
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBe(cause);
    expect(mapped.details).toEqual({ cid: 'x' });
    expect(mapped.message).toBe('cannot do it: boom');
  });

  it('passes NotariumErrors through unchanged', () => {
    const original = new NotariumError('CID_MISMATCH', 'bad block');
    expect(toIpfsError(original, 'ignored')).toBe(original);
  });

  it('says CANCELLED whatever the error once the signal is aborted', () => {
    const controller = new AbortController();
    controller.abort();
    expect(toIpfsError(named('TypeError'), 'x', undefined, controller.signal).code).toBe('CANCELLED');
    expect(toIpfsError('not an error', 'x').code).toBe('IPFS_FAILED');
  });
});
