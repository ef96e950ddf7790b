/**
 * The main window and the guards applied to every web contents: sandboxed, isolated,
 * no Node; navigation, redirects, new windows, webviews and permission requests refused
 * (decisions in guards.ts). Safe https links open in the OS browser.
 */
import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import { navigationDecision, permissionDecision, webviewDecision, windowOpenDecision } from './guards.ts';

/** Applies the navigation guards to any web contents (main window, PDF printer, …). */
export function hardenWebContents(contents: WebContents): void {
  const block = (event: { preventDefault(): void }, url: string): void => {
    event.preventDefault();
    if (navigationDecision(url).openExternally) void shell.openExternal(url);
  };
  contents.on('will-navigate', block);
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => {
    if (!webviewDecision().allow) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    const d = windowOpenDecision(url);
    if (d.openExternally) void shell.openExternal(url);
    return { action: d.action };
  });
}

/** Denies every permission request and check of `session`. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(permissionDecision(permission)));
  session.setPermissionCheckHandler((_contents, permission) => permissionDecision(permission));
}

export function createMainWindow(preloadPath: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Notarium',
    backgroundColor: '#f8f9fa',
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  return win;
}
