/**
 * The shell's security decisions, as pure functions so they are unit-tested in plain
 * Node (test/app/guards.test.ts) and the Electron wiring (window.ts, ipc.ts,
 * protocol.ts) only applies them. Modelled on Electron's security checklist
 * (https://www.electronjs.org/docs/latest/tutorial/security), VS Code's IPC sender
 * validation and Bitwarden's window hardening.
 */
import path from 'node:path';

/** The renderer is served from this privileged custom scheme, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'notarium';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Strict CSP of every renderer document (issue 3): no inline script or style, no remote anything. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers sent with every renderer response. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Origin of `url` compared as scheme + host + port; for custom schemes `URL.origin` is "null", so compare parts. */
export function sameOrigin(url: string, origin: string): boolean {
  const u = parse(url);
  const o = parse(origin);
  if (u === null || o === null) return false;
  return u.protocol === o.protocol && u.host === o.host && u.username === '' && u.password === '';
}

/** What IPC sender validation needs to know about the frame a message came from. */
export interface SenderFrame {
  /** URL of the sending frame's document. */
  url: string;
  /** True when the frame is the window's top-level frame (no parent). */
  topLevel: boolean;
}

/**
 * Accepts an IPC message only from our own origin's top-level frame: not from an iframe,
 * not after a navigation elsewhere, not from a destroyed frame (null).
 */
export function isTrustedSender(frame: SenderFrame | null, origin: string = APP_ORIGIN): boolean {
  return frame !== null && frame.topLevel && sameOrigin(frame.url, origin);
}

const PRIVATE_HOST = /^(localhost|.*\.localhost|.*\.local|.*\.internal|\[.*\]|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|0\.0\.0\.0)$/i;

/**
 * True for a link that may be handed to the OS browser: https only, a public DNS name
 * (no IP literal or local host), no credentials, at most 2048 characters. Anything else
 * (file:, javascript:, custom schemes that launch programs, http) is refused.
 */
export function isSafeExternalUrl(url: string): boolean {
  if (url.length > 2048) return false;
  const u = parse(url);
  if (u === null || u.protocol !== 'https:' || u.username !== '' || u.password !== '') return false;
  const host = u.hostname;
  if (!host.includes('.') || PRIVATE_HOST.test(host) || /^\d+(\.\d+){3}$/.test(host)) return false;
  return true;
}

/** Decision for `will-navigate` / `will-redirect`: the app is one page, so every navigation is refused. */
export function navigationDecision(url: string): { allow: false; openExternally: boolean } {
  return { allow: false, openExternally: isSafeExternalUrl(url) };
}

/** Decision for `setWindowOpenHandler`: never a new Electron window; safe https links go to the OS browser. */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: isSafeExternalUrl(url) };
}

/** Decision for permission requests and checks (camera, notifications, geolocation, …): all denied. */
export function permissionDecision(_permission: string): false {
  return false;
}

/** Decision for `will-attach-webview`: a `<webview>` is always refused. */
export function webviewDecision(): { allow: false } {
  return { allow: false };
}

/**
 * Why the OS keychain must not hold the passphrase, or null when it may.
 * On Linux, safeStorage falls back to `basic_text` (a hard-coded key: plaintext in
 * effect) when no secret service is running; that is refused, as is an unknown backend.
 * https://www.electronjs.org/docs/latest/api/safe-storage#safestoragegetselectedstoragebackend-linux
 */
export function keychainRefusal(platform: string, encryptionAvailable: boolean, backend: string | undefined): string | null {
  if (!encryptionAvailable) return 'No OS keychain is available: you will type the passphrase at each start.';
  if (platform === 'linux' && (backend === undefined || backend === 'basic_text' || backend === 'unknown')) {
    return `The OS keychain backend is "${backend ?? 'unknown'}", which stores secrets as plain text: Notarium will not keep your passphrase there.`;
  }
  return null;
}

/**
 * Maps a renderer request URL (`app://notarium/…`) to a file inside `rootDir`, or null
 * for another origin, an encoded or literal `..` escape, a NUL byte, or a hidden file.
 * `/` (and any path without an extension: client-side routes) serves index.html.
 */
export function resolveAssetPath(rootDir: string, requestUrl: string, origin: string = APP_ORIGIN): string | null {
  if (!sameOrigin(requestUrl, origin)) return null;
  const u = parse(requestUrl);
  if (u === null) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const segments = pathname.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.' || s.startsWith('.'))) return null;
  const rel = segments.length === 0 || !/\.[a-z0-9]+$/i.test(segments[segments.length - 1] as string) ? 'index.html' : segments.join('/');
  const root = path.resolve(rootDir);
  const abs = path.resolve(root, rel);
  return abs.startsWith(root + path.sep) ? abs : null;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Content type of a renderer asset by extension (unknown: application/octet-stream). */
export function contentTypeOf(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
