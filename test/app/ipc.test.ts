/**
 * IPC wiring (main/app/ipc.ts) under attack: messages from an iframe, another origin, a
 * destroyed frame or another web contents never reach a handler. Electron's ipcMain is
 * replaced by a recorder (ipc.ts only uses its handle/removeHandler); the guards are real.
 */
import { describe, expect, it, vi } from 'vitest';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { registerIpc } from '../../main/app/ipc.ts';
import { APP_ORIGIN } from '../../main/app/guards.ts';
import { OPERATION_LIST, channelOf, type Handlers, type Outcome } from '../../shared/api/index.ts';

type Listener = (event: IpcMainInvokeEvent, request: unknown, callId?: unknown) => Promise<Outcome<unknown>>;

function fakeIpcMain(): { ipcMain: IpcMain; listeners: Map<string, Listener> } {
  const listeners = new Map<string, Listener>();
  const ipcMain = {
    handle: (channel: string, fn: Listener) => listeners.set(channel, fn),
    removeHandler: (channel: string) => listeners.delete(channel),
  } as unknown as IpcMain;
  return { ipcMain, listeners };
}

const ourContents = { id: 1 };

function event(opts: { url?: string; topLevel?: boolean; destroyed?: boolean; noFrame?: boolean; sender?: object } = {}): IpcMainInvokeEvent {
  const frame = opts.noFrame === true ? null : { url: opts.url ?? `${APP_ORIGIN}/index.html`, parent: opts.topLevel === false ? {} : null, isDestroyed: () => opts.destroyed === true };
  return { sender: opts.sender ?? ourContents, senderFrame: frame } as unknown as IpcMainInvokeEvent;
}

describe('IPC registration', () => {
  function setup() {
    const { ipcMain, listeners } = fakeIpcMain();
    const lock = vi.fn(async () => ({ locked: true as const }));
    const unregister = registerIpc(ipcMain, { lock } as unknown as Handlers, (sender) => sender === ourContents);
    const call = (e: IpcMainInvokeEvent, request: unknown = {}, callId?: unknown): Promise<Outcome<unknown>> => (listeners.get(channelOf('lock')) as Listener)(e, request, callId);
    return { listeners, lock, unregister, call };
  }

  it('registers one channel per contract operation, and removes them all', () => {
    const { listeners, unregister } = setup();
    expect([...listeners.keys()].sort()).toEqual(OPERATION_LIST.map((n) => channelOf(n)).sort());
    unregister();
    expect(listeners.size).toBe(0);
  });

  it("answers our own window's top-level frame", async () => {
    const { call, lock } = setup();
    expect(await call(event())).toEqual({ ok: true, value: { locked: true } });
    expect(lock).toHaveBeenCalledTimes(1);
  });

  it('refuses, without running the handler, an iframe, another origin, file://, a destroyed or missing frame, another window', async () => {
    const { call, lock } = setup();
    const attacks = [
      event({ topLevel: false }),
      event({ url: 'https://evil.example/index.html' }),
      event({ url: 'app://notarium.evil/index.html' }),
      event({ url: 'file:///tmp/index.html' }),
      event({ destroyed: true }),
      event({ noFrame: true }),
      event({ sender: { id: 2 } }),
    ];
    for (const e of attacks) {
      const r = await call(e);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.code).toBe('FORBIDDEN');
    }
    expect(lock).not.toHaveBeenCalled();
  });

  it('refuses a malformed call id and a malformed request with INVALID_INPUT', async () => {
    const { call, lock } = setup();
    for (const r of [await call(event(), {}, '../../etc'), await call(event(), { unexpected: 1 })]) {
      expect(!r.ok && r.error.code).toBe('INVALID_INPUT');
    }
    expect(lock).not.toHaveBeenCalled();
  });
});
