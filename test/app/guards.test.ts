import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  CONTENT_SECURITY_POLICY,
  isSafeExternalUrl,
  isTrustedSender,
  keychainRefusal,
  navigationDecision,
  permissionDecision,
  resolveAssetPath,
  sameOrigin,
  securityHeaders,
  webviewDecision,
  windowOpenDecision,
} from '../../main/app/guards.ts';

describe('CSP', () => {
  it('is the strict policy of the issue: no inline script or style, nothing remote', () => {
    for (const d of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'none'"]) {
      expect(CONTENT_SECURITY_POLICY).toContain(d);
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(securityHeaders()['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(securityHeaders()['X-Content-Type-Options']).toBe('nosniff');
  });
});

describe('IPC sender validation', () => {
  it('accepts only our own origin in the top-level frame', () => {
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, topLevel: true })).toBe(true);
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, topLevel: false })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });

  it('refuses other origins, look-alike hosts, credentials and file://', () => {
    for (const url of ['https://notarium/index.html', 'app://notarium.evil/index.html', 'app://evil/index.html', 'file:///tmp/x.html', 'app://user:pw@notarium/index.html', 'about:blank', '', 'not a url']) {
      expect(isTrustedSender({ url, topLevel: true }), url).toBe(false);
    }
  });

  it('compares custom-scheme origins by scheme and host', () => {
    expect(sameOrigin('app://notarium/a/b?c#d', APP_ORIGIN)).toBe(true);
    expect(sameOrigin('http://127.0.0.1:8000/x', 'http://127.0.0.1:8001')).toBe(false);
  });
});

describe('navigation and new windows', () => {
  it('refuses every navigation; only safe https links go to the OS browser', () => {
    expect(navigationDecision('https://sepolia.etherscan.io/tx/0x12')).toEqual({ allow: false, openExternally: true });
    expect(navigationDecision('app://notarium/other.html')).toEqual({ allow: false, openExternally: false });
    expect(navigationDecision('http://example.com/')).toEqual({ allow: false, openExternally: false });
  });

  it('denies window.open whatever the URL', () => {
    for (const url of ['https://example.org/', 'javascript:alert(1)', 'file:///etc/passwd', 'app://notarium/index.html']) {
      expect(windowOpenDecision(url).action).toBe('deny');
    }
    expect(windowOpenDecision('javascript:alert(1)').openExternally).toBe(false);
  });

  it('checks external URLs: https, public DNS name, no credentials, bounded length', () => {
    expect(isSafeExternalUrl('https://etherscan.io/tx/0xabc')).toBe(true);
    for (const url of ['http://etherscan.io/', 'javascript:alert(1)', 'file:///etc/passwd', 'ms-settings:', 'https://user:pw@etherscan.io/', 'https://127.0.0.1/', 'https://localhost/', 'https://192.168.1.1/', 'https://[::1]/', 'https://intranet/', `https://etherscan.io/${'a'.repeat(2100)}`, 'https://printer.local/']) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });

  it('denies every permission and every webview', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) expect(permissionDecision(p)).toBe(false);
    expect(webviewDecision().allow).toBe(false);
  });
});

describe('keychain refusal', () => {
  it('refuses Linux basic_text (plaintext) and unknown backends', () => {
    expect(keychainRefusal('linux', true, 'basic_text')).toMatch(/plain text/);
    expect(keychainRefusal('linux', true, 'unknown')).not.toBeNull();
    expect(keychainRefusal('linux', true, undefined)).not.toBeNull();
  });

  it('accepts a real secret service and macOS/Windows keychains', () => {
    expect(keychainRefusal('linux', true, 'gnome_libsecret')).toBeNull();
    expect(keychainRefusal('linux', true, 'kwallet6')).toBeNull();
    expect(keychainRefusal('darwin', true, 'darwin')).toBeNull();
    expect(keychainRefusal('win32', true, 'win32')).toBeNull();
  });

  it('refuses when encryption is unavailable', () => {
    expect(keychainRefusal('darwin', false, 'darwin')).toMatch(/No OS keychain/);
  });
});

describe('renderer asset paths', () => {
  const root = path.resolve('/srv/renderer');
  it('maps app URLs inside the renderer folder, / and routes to index.html', () => {
    expect(resolveAssetPath(root, `${APP_ORIGIN}/`)).toBe(path.join(root, 'index.html'));
    expect(resolveAssetPath(root, `${APP_ORIGIN}/settings`)).toBe(path.join(root, 'index.html'));
    expect(resolveAssetPath(root, `${APP_ORIGIN}/assets/index-1.js`)).toBe(path.join(root, 'assets/index-1.js'));
  });

  it('never resolves outside the folder: dot segments are normalized away by the URL parser', () => {
    for (const url of [`${APP_ORIGIN}/../etc/passwd`, `${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd`, `${APP_ORIGIN}/../../secret.js`]) {
      const r = resolveAssetPath(root, url);
      expect(r === null || r.startsWith(root + path.sep), url).toBe(true);
      expect(r, url).not.toBe(path.resolve(root, '..', 'secret.js'));
    }
  });

  it('refuses encoded separators, hidden files, NUL, bad escapes and other origins', () => {
    for (const url of [`${APP_ORIGIN}/assets/%2e%2e%2f%2e%2e%2fsecret.js`, `${APP_ORIGIN}/.env`, `${APP_ORIGIN}/a%00.js`, `${APP_ORIGIN}/a%5c..%5csecret.js`, `${APP_ORIGIN}/%E0%A4%A.js`, 'app://evil/index.html', 'file:///srv/renderer/index.html']) {
      expect(resolveAssetPath(root, url), url).toBeNull();
    }
  });
});
