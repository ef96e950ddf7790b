/**
 * The end-to-end test bridge: serves the built renderer and the SAME contract table
 * over HTTP on 127.0.0.1, so a plain headless Chromium can drive the real UI against
 * the real core (CoreHost). Calls answer as NDJSON: progress events, then the Outcome.
 *
 * Refused: any Origin but its own, any Host but 127.0.0.1:<port> (DNS rebinding), a
 * missing or wrong bearer token (random per start, handed to the page in the URL
 * fragment), anything but JSON POSTs on the call route.
 *
 * FOR TESTS ONLY: nothing in main/app imports this folder, and electron-builder.yml
 * excludes it from packages.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { NotariumError } from '../../shared/errors.ts';
import { OPERATION_LIST, callIdSchema, dispatch, failure, progressEventSchema, type Outcome, type ProgressEvent } from '../../shared/api/index.ts';
import { contentTypeOf, resolveAssetPath, securityHeaders } from '../app/guards.ts';
import { createShellHandlers, type CorePort, type ShellPorts } from '../app/shell-handlers.ts';

export interface BridgeCore extends CorePort {
  onProgress(listener: (e: ProgressEvent) => void): () => void;
}

export interface TestBridgeOptions {
  core: BridgeCore;
  /** The built renderer (electron-vite's out/renderer or a vite build). */
  rendererDir: string;
  /** Desktop stand-ins: scripted dialogs, report saving, external links. No keychain. */
  ports: Omit<ShellPorts, 'keychain'>;
  /** TCP port on 127.0.0.1; default 0 (a free one). */
  port?: number;
}

export interface TestBridge {
  /** Origin the page must be loaded from, e.g. http://127.0.0.1:41234 */
  origin: string;
  token: string;
  /** The URL to open: origin + `/#token=…`. */
  url: string;
  close(): Promise<void>;
}

const CLIENT_SOURCE = fileURLToPath(new URL('./browser-client.js', import.meta.url));
/** Largest request body, bytes (a report HTML for 100,000 files fits). */
const MAX_BODY = 80 * 1024 * 1024;

function refuse(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(message);
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') === true ? header.slice(7) : '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new NotariumError('INVALID_INPUT', 'Request too large.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the bridge on 127.0.0.1. */
export async function startTestBridge(opts: TestBridgeOptions): Promise<TestBridge> {
  const token = randomBytes(32).toString('base64url');
  const handlers = createShellHandlers(opts.core, { ...opts.ports, keychain: null });
  const client = `const OPERATION_LIST = ${JSON.stringify(OPERATION_LIST)};\n${await readFile(CLIENT_SOURCE, 'utf8')}`;
  let origin = '';
  let host = '';

  const serveStatic = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/__bridge/client.js') {
      res.writeHead(200, { ...securityHeaders(), 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(client);
      return;
    }
    const file = resolveAssetPath(opts.rendererDir, url.href, origin);
    const body = file === null ? null : await readFile(file).catch(() => null);
    if (file === null || body === null) return refuse(res, 404, 'Not found');
    let out: Buffer | string = body;
    // The bridge client must define window.notarium before the app's module runs.
    if (file.endsWith('index.html')) out = body.toString('utf8').replace('<head>', '<head>\n    <script src="/__bridge/client.js"></script>');
    res.writeHead(200, { ...securityHeaders(), 'Content-Type': contentTypeOf(file), 'Cache-Control': 'no-store' });
    res.end(out);
  };

  const serveCall = async (req: http.IncomingMessage, res: http.ServerResponse, operation: string): Promise<void> => {
    if (req.method !== 'POST') return refuse(res, 405, 'Method not allowed');
    if (!tokenMatches(req.headers.authorization, token)) return refuse(res, 401, 'Unauthorized');
    if (req.headers['content-type']?.split(';')[0]?.trim() !== 'application/json') return refuse(res, 415, 'Expected JSON');
    let payload: { request?: unknown; callId?: unknown };
    try {
      const parsed: unknown = JSON.parse(await readBody(req));
      payload = typeof parsed === 'object' && parsed !== null ? (parsed as typeof payload) : {};
    } catch {
      return refuse(res, 400, 'Malformed JSON');
    }
    res.writeHead(200, { ...securityHeaders(), 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store' });
    let outcome: Outcome<unknown>;
    const callId = payload.callId;
    if (callId !== undefined && !callIdSchema.safeParse(callId).success) {
      outcome = failure(new NotariumError('INVALID_INPUT', 'Invalid call id.'));
    } else {
      const unsubscribe = typeof callId === 'string'
        ? opts.core.onProgress((e) => {
          if (e.callId === callId && progressEventSchema.safeParse(e).success) res.write(`${JSON.stringify({ progress: e })}\n`);
        })
        : () => undefined;
      // A page that goes away cancels its running call, as closing the app window would.
      const onClose = (): void => {
        if (!res.writableFinished && typeof callId === 'string') void opts.core.call('cancel', { callId });
      };
      res.on('close', onClose);
      try {
        outcome = await dispatch(operation, payload.request, handlers, typeof callId === 'string' ? { callId } : {});
      } finally {
        unsubscribe();
        res.off('close', onClose);
      }
    }
    res.end(`${JSON.stringify({ outcome })}\n`);
  };

  const server = http.createServer((req, res) => {
    // DNS rebinding: a foreign name resolving to 127.0.0.1 carries its own Host header.
    if (req.headers.host !== host) return refuse(res, 421, 'Misdirected request');
    const reqOrigin = req.headers.origin;
    const fetchSite = req.headers['sec-fetch-site'];
    if ((reqOrigin !== undefined && reqOrigin !== origin) || (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none')) {
      return refuse(res, 403, 'Forbidden origin');
    }
    const url = new URL(req.url ?? '/', origin);
    const route = /^\/__bridge\/call\/([A-Za-z]+)$/.exec(url.pathname);
    const work = route !== null ? (reqOrigin === undefined ? (refuse(res, 403, 'Forbidden origin'), Promise.resolve()) : serveCall(req, res, route[1] as string)) : req.method === 'GET' ? serveStatic(req, res) : (refuse(res, 405, 'Method not allowed'), Promise.resolve());
    work.catch((e: unknown) => {
      if (!res.headersSent) refuse(res, 500, e instanceof Error ? e.message : 'Internal error');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  host = `127.0.0.1:${port}`;
  origin = `http://${host}`;
  return {
    origin,
    token,
    url: `${origin}/#token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
