/**
 * Window wiring (main/app/window.ts) under attack: every navigation, redirect, frame
 * navigation, window.open and <webview> is prevented; only safe https links reach the OS
 * browser; every permission request and check is denied; the main window is sandboxed.
 * Electron cannot run here, so `electron` is replaced by recorders of what window.ts asks of it.
 */
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  openExternal: vi.fn(async (_url: string) => undefined),
  windows: [] as { options: { webPreferences: Record<string, unknown> } }[],
}));

vi.mock('electron', () => ({
  shell: { openExternal: electron.openExternal },
  BrowserWindow: class {
    options: { webPreferences: Record<string, unknown> };
    constructor(options: { webPreferences: Record<string, unknown> }) {
      this.options = options;
      electron.windows.push(this);
    }
    once(): void {}
  },
}));

const { createMainWindow, hardenSession, hardenWebContents } = await import('../../main/app/window.ts');

class FakeContents extends EventEmitter {
  openHandler: ((d: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void {
    this.openHandler = h;
  }
  /** Emits `name` like Electron and tells whether a listener called preventDefault. */
  attempt(name: string, url: string): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

describe('web contents hardening', () => {
  let contents: FakeContents;
  beforeEach(() => {
    electron.openExternal.mockClear();
    contents = new FakeContents();
    hardenWebContents(contents as never);
  });

  it('prevents every navigation and redirect, in the window and in frames', () => {
    for (const url of ['app://notarium/elsewhere.html', 'https://evil.example/', 'file:///etc/passwd', 'javascript:alert(1)', 'http://127.0.0.1:8545/']) {
      for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) expect(contents.attempt(name, url), `${name} ${url}`).toBe(true);
    }
  });

  it('sends only safe https links to the OS browser, never file:, javascript:, http: or local hosts', () => {
    contents.attempt('will-navigate', 'https://sepolia.etherscan.io/tx/0x1');
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'http://example.org/', 'https://localhost/', 'ms-settings:', 'smb://server/share']) contents.attempt('will-navigate', url);
    expect(electron.openExternal.mock.calls.map((c) => c[0])).toEqual(['https://sepolia.etherscan.io/tx/0x1']);
  });

  it('denies window.open whatever the URL; a safe link opens externally instead', () => {
    expect(contents.openHandler).not.toBeNull();
    for (const url of ['https://docs.example.org/', 'app://notarium/index.html', 'javascript:alert(1)', 'about:blank']) {
      expect(contents.openHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(electron.openExternal.mock.calls.map((c) => c[0])).toEqual(['https://docs.example.org/']);
  });

  it('refuses to attach a <webview>', () => {
    expect(contents.attempt('will-attach-webview', 'https://evil.example/')).toBe(true);
  });
});

describe('session hardening', () => {
  it('denies every permission request and check', () => {
    let request: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: ((c: unknown, p: string) => boolean) | undefined;
    hardenSession({
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
    } as never);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'serial', 'usb', 'unknown-future-permission']) {
      const answers: boolean[] = [];
      request?.({}, p, (ok) => answers.push(ok));
      expect(answers, p).toEqual([false]);
      expect(check?.({}, p), p).toBe(false);
    }
  });
});

describe('the main window', () => {
  it('is sandboxed and isolated, with no Node, no webview tag and web security on', () => {
    createMainWindow('/app/preload/index.cjs');
    const prefs = electron.windows.at(-1)?.options.webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/preload/index.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});
