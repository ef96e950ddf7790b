import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_IDLE_LOCK_MS, PassphraseSession } from '../../../main/app/core-host/session.ts';

describe('the unlocked session locks itself when idle', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('forgets the passphrase after the idle time and then refuses with ACCOUNT_LOCKED', () => {
    const onIdleLock = vi.fn();
    const s = new PassphraseSession({ idleMs: 60_000, onIdleLock });
    s.set('secret passphrase');
    vi.advanceTimersByTime(59_999);
    expect(s.unlocked).toBe(true);
    vi.advanceTimersByTime(1);
    expect(s.unlocked).toBe(false);
    expect(onIdleLock).toHaveBeenCalledTimes(1);
    expect(() => s.require()).toThrow(expect.objectContaining({ code: 'ACCOUNT_LOCKED' }));
  });

  it('each use restarts the countdown', () => {
    const s = new PassphraseSession({ idleMs: 60_000 });
    s.set('secret passphrase');
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(50_000);
      expect(s.require()).toBe('secret passphrase');
    }
    vi.advanceTimersByTime(60_000);
    expect(s.unlocked).toBe(false);
  });

  it('defaults to 15 minutes; 0 never locks; a manual lock stops the timer', () => {
    const d = new PassphraseSession();
    expect(d.idleMs).toBe(DEFAULT_IDLE_LOCK_MS);
    expect(DEFAULT_IDLE_LOCK_MS).toBe(15 * 60_000);
    const never = new PassphraseSession({ idleMs: 0 });
    never.set('p');
    vi.advanceTimersByTime(10 * DEFAULT_IDLE_LOCK_MS);
    expect(never.unlocked).toBe(true);
    const onIdleLock = vi.fn();
    const manual = new PassphraseSession({ idleMs: 1000, onIdleLock });
    manual.set('p');
    manual.clear();
    vi.advanceTimersByTime(5000);
    expect(onIdleLock).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses a nonsensical idle time', () => {
    expect(() => new PassphraseSession({ idleMs: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => new PassphraseSession({ idleMs: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
