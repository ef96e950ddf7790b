/**
 * Serves the built renderer from `app://notarium/` (not file://, whose origin is shared by
 * every local file), with the strict CSP and security headers on every response.
 * The scheme must be registered as privileged before the app is ready.
 */
import { readFile } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { APP_SCHEME, contentTypeOf, resolveAssetPath, securityHeaders } from './guards.ts';

/** Call before `app.whenReady()`. */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
}

/** Serves `rendererDir` on the app scheme of `protocol` (a session's protocol). */
export function serveRenderer(protocol: Protocol, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = request.method === 'GET' ? resolveAssetPath(rendererDir, request.url) : null;
    const body = file === null ? null : await readFile(file).catch(() => null);
    if (file === null || body === null) return new Response('Not found', { status: 404, headers: securityHeaders() });
    return new Response(new Uint8Array(body), { headers: { ...securityHeaders(), 'Content-Type': contentTypeOf(file) } });
  });
}
