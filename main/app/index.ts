/**
 * Electron main-process entry: the thin shell. Registers the app scheme, hardens every
 * web contents, starts the core in a worker thread (core-host), wires the contract's
 * IPC, and shows the window. No feature logic lives here.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, ipcMain, protocol, safeStorage, session, shell } from 'electron';
import { progressEventSchema, PROGRESS_CHANNEL } from '../../shared/api/index.ts';
import { resolveDataDir } from '../core/paths.ts';
import { CoreHost } from './core-host/host.ts';
import { pickPaths, saveReport } from './dialogs.ts';
import { APP_ORIGIN } from './guards.ts';
import { registerIpc } from './ipc.ts';
import { PassphraseKeychain } from './keychain.ts';
import { KeychainSecretStore } from './keychain-secrets.ts';
import { registerAppScheme, serveRenderer } from './protocol.ts';
import { createShellHandlers } from './shell-handlers.ts';
import { createMainWindow, hardenSession, hardenWebContents } from './window.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

registerAppScheme(protocol);
app.enableSandbox();
app.on('web-contents-created', (_e, contents) => hardenWebContents(contents));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  serveRenderer(session.defaultSession.protocol, path.join(here, '../renderer'));

  const dataDir = resolveDataDir({ env: process.env });
  // Decrypted here, in the shell, only when the core asks (pinning service calls).
  const secrets = new KeychainSecretStore(safeStorage, path.join(dataDir, 'keys', 'secrets'));
  // The bundle emits the worker next to this file (electron.vite.config.ts).
  const core = await CoreHost.start({
    dataDir,
    workerUrl: new URL('./core-worker.js', import.meta.url),
    cipherWorkerHref: new URL('./cipher-worker.js', import.meta.url).href,
    secrets,
  });
  const keychain = new PassphraseKeychain(safeStorage, path.join(dataDir, 'keys', 'passphrase.keychain'));
  const remembered = await keychain.load();
  if (remembered !== null) await core.call('unlock', { passphrase: remembered });

  const win = createMainWindow(path.join(here, '../preload/index.cjs'));
  const handlers = createShellHandlers(core, {
    keychain,
    secrets,
    pickPaths: (purpose) => pickPaths(win, purpose),
    saveReport: (req) => saveReport(win, req),
    openExternal: (url) => shell.openExternal(url),
  });
  const unregister = registerIpc(ipcMain, handlers, (sender) => sender === win.webContents);
  const unsubscribe = core.onProgress((event) => {
    const parsed = progressEventSchema.safeParse(event);
    if (parsed.success && !win.isDestroyed()) win.webContents.send(PROGRESS_CHANNEL, parsed.data);
  });
  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  win.on('closed', () => {
    unsubscribe();
    unregister();
  });
  app.on('window-all-closed', () => {
    void core.close().finally(() => app.quit());
  });
  await win.loadURL(`${APP_ORIGIN}/index.html`);
}

