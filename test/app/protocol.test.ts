/**
 * The app:// handler (main/app/protocol.ts) serving a real folder: every response carries the
 * strict CSP and security headers; escapes, other origins and non-GET requests get a 404.
 * Electron's protocol object is replaced by a recorder of the one handler registered.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Protocol } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, contentTypeOf } from '../../main/app/guards.ts';
import { registerAppScheme, serveRenderer } from '../../main/app/protocol.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('the app:// protocol', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let handler: (req: Request) => Promise<Response>;

  beforeAll(async () => {
    tmp = await tempDir('notarium-protocol-');
    const renderer = path.join(tmp.dir, 'renderer');
    await mkdir(path.join(renderer, 'assets'), { recursive: true });
    await writeFile(path.join(renderer, 'index.html'), '<!doctype html><title>ok</title>');
    await writeFile(path.join(renderer, 'assets', 'app.js'), 'export {}');
    await writeFile(path.join(tmp.dir, 'secret.txt'), 'outside the renderer');
    serveRenderer({ handle: (_scheme: string, h: typeof handler) => (handler = h) } as unknown as Protocol, renderer);
  });
  afterAll(async () => {
    await tmp.cleanup();
  });

  it('serves the renderer with the CSP, nosniff, no referrer and same-origin isolation headers', async () => {
    const r = await handler(new Request('app://notarium/index.html'));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await handler(new Request('app://notarium/assets/app.js'))).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers 404, still with the CSP, for escapes, other origins, missing files and non-GET requests', async () => {
    for (const req of [
      new Request('app://notarium/%2e%2e/secret.txt'),
      new Request('app://notarium/..%2fsecret.txt'),
      new Request('app://evil/index.html'),
      new Request('app://notarium/missing.js'),
      new Request('app://notarium/index.html', { method: 'POST', body: 'x' }),
    ]) {
      const r = await handler(req);
      expect(r.status, `${req.method} ${req.url}`).toBe(404);
      expect(await r.text()).not.toContain('outside the renderer');
      expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('registers app:// as a standard, secure scheme (never bypassing the CSP)', () => {
    let schemes: { scheme: string; privileges: Record<string, boolean> }[] = [];
    registerAppScheme({ registerSchemesAsPrivileged: (s: typeof schemes) => (schemes = s) } as unknown as Protocol);
    expect(schemes).toHaveLength(1);
    expect(schemes[0]?.scheme).toBe('app');
    expect(schemes[0]?.privileges).toMatchObject({ standard: true, secure: true });
    expect(schemes[0]?.privileges['bypassCSP']).toBeUndefined();
    expect(schemes[0]?.privileges['corsEnabled']).toBeUndefined();
  });

  it('types unknown files as octet-stream so nothing is sniffed into script', () => {
    expect(contentTypeOf('x.exe')).toBe('application/octet-stream');
    expect(contentTypeOf('X.CSS')).toBe('text/css; charset=utf-8');
  });
});
