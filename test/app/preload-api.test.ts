import { describe, expect, it } from 'vitest';
import { buildNotariumApi } from '../../main/app/preload-api.ts';
import { OPERATION_NAMES } from '../../shared/api/index.ts';

describe('window.notarium built from the contract', () => {
  const calls: unknown[][] = [];
  const api = buildNotariumApi({
    invoke: async (...args) => {
      calls.push(args);
      return { ok: true, value: null };
    },
    subscribe: () => () => undefined,
    pathForFile: () => '/x',
  });

  it('exposes exactly one named function per operation, plus onProgress and pathForFile', () => {
    expect(Object.keys(api).sort()).toEqual([...OPERATION_NAMES, 'onProgress', 'pathForFile'].sort());
    for (const k of Object.keys(api)) expect(typeof (api as unknown as Record<string, unknown>)[k]).toBe('function');
    expect(Object.keys(api)).not.toContain('invoke');
    expect(Object.keys(api)).not.toContain('send');
  });

  it('is frozen, so a page script cannot swap an operation', () => {
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('forwards only the operation name, the request and the call id', async () => {
    await (api.notarize as unknown as (...a: unknown[]) => Promise<unknown>)({ inputs: ['a'], title: 't' }, 'call-1', 'extra', { evil: true });
    expect(calls.at(-1)).toEqual(['notarize', { inputs: ['a'], title: 't' }, 'call-1']);
  });

  it('refuses a non-function progress listener', () => {
    expect(() => api.onProgress('x' as unknown as () => void)).toThrow(TypeError);
  });
});
