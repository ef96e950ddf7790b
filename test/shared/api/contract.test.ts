import { describe, expect, it } from 'vitest';
import { NotariumError, ERROR_CODES } from '../../../shared/errors.ts';
import { OPERATIONS, OPERATION_LIST, OPERATION_NAMES, PROGRESS_OPERATIONS, dispatch, failure, type Handlers } from '../../../shared/api/index.ts';

describe('the operation table', () => {
  it('agrees with the zod-free name list the preload uses', () => {
    expect([...OPERATION_LIST].sort()).toEqual([...OPERATION_NAMES].sort());
    expect([...PROGRESS_OPERATIONS].sort()).toEqual(OPERATION_NAMES.filter((n) => OPERATIONS[n].progress).sort());
  });

  it('lists only known error codes', () => {
    for (const name of OPERATION_NAMES) for (const code of OPERATIONS[name].errors) expect(ERROR_CODES).toContain(code);
  });
});

describe('dispatch', () => {
  const handlers: Partial<Handlers> = {
    lock: async () => ({ locked: true, secret: 'must not leak' }),
    listDatasets: async () => [{ id: 'x' }],
    cancel: async () => {
      throw new NotariumError('CANCELLED', 'stopped', { details: { n: 1n } });
    },
    inspectInputs: async () => {
      throw new TypeError('boom');
    },
  };

  it('refuses unknown and inherited operation names', async () => {
    for (const name of ['nope', 'constructor', '__proto__', 'toString', 42, null]) {
      const o = await dispatch(name, {}, handlers);
      expect(o).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
  });

  it('refuses malformed requests before the handler runs', async () => {
    let ran = false;
    const h: Partial<Handlers> = { notarize: async () => ((ran = true), {}) };
    for (const bad of [{ inputs: [], title: 't' }, { inputs: ['a'] }, { inputs: ['a'], title: 't', extra: 1 }, 'string', [1, 2], { inputs: ['a'], title: 't', confirmations: -1 }]) {
      expect(await dispatch('notarize', bad, h)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(ran).toBe(false);
  });

  it('parses responses: unknown fields are dropped, wrong shapes refused', async () => {
    expect(await dispatch('lock', {}, handlers)).toEqual({ ok: true, value: { locked: true } });
    expect(await dispatch('listDatasets', {}, handlers)).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/does not match the API contract/) } });
  });

  it('keeps NotariumError codes and JSON-safe details; other errors become INTERNAL without a stack', async () => {
    expect(await dispatch('cancel', { callId: 'a' }, handlers)).toEqual({ ok: false, error: { code: 'CANCELLED', message: 'stopped', details: { n: '1' } } });
    const o = await dispatch('inspectInputs', { inputs: ['x'] }, handlers);
    expect(o).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
  });

  it('says when an operation is not served by this transport', async () => {
    expect(await dispatch('verify', { inputs: ['a'], receipt: 'r' }, handlers)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/not available/) } });
  });

  it('failure() of a non-error value carries its text', () => {
    expect(failure('plain')).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'plain' } });
  });
});
