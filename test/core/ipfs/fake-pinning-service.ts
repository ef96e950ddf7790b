/**
 * A loopback implementation of the IPFS Pinning Service API (ipfs-pinning-service.yaml,
 * v1.0): bearer-token auth, POST/GET /pins, GET/POST/DELETE /pins/{requestid}, the
 * spec's filters and pagination, Failure bodies, and a pin lifecycle that advances one
 * step (queued → pinning → pinned) each time a pin is read. CIDs listed in `failing`
 * end in `failed`; CIDs in `stuck` stay queued.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakePinStatus {
  requestid: string;
  status: 'queued' | 'pinning' | 'pinned' | 'failed';
  created: string;
  pin: { cid: string; name?: string; origins?: string[]; meta?: Record<string, string> };
  delegates: string[];
  info?: Record<string, string>;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
}

export interface FakePinningService {
  /** Base endpoint, e.g. 'http://127.0.0.1:1234/psa'. */
  endpoint: string;
  token: string;
  requests: FakeRequest[];
  pins: Map<string, FakePinStatus>;
  failing: Set<string>;
  stuck: Set<string>;
  /** Tokens answered with 409 INSUFFICIENT_FUNDS. */
  brokeTokens: Set<string>;
  /** When set, GET /pins/{id} answers this raw body instead (to test validation). */
  rawAnswer: string | undefined;
  close(): Promise<void>;
}

export const DELEGATE = '/ip4/127.0.0.1/tcp/4999/p2p/12D3KooWBkdiC3NDMttsiYcr461fxA5bLZjiNLqTA8F1yG3BdQbq';

function fail(res: http.ServerResponse, status: number, reason: string, details: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { reason, details } }));
}

function send(res: http.ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) res.writeHead(status).end();
  else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function fakePinningService(token = 'secret-token-123'): Promise<FakePinningService> {
  const pins = new Map<string, FakePinStatus>();
  const failing = new Set<string>();
  const stuck = new Set<string>();
  const brokeTokens = new Set<string>();
  const requests: FakeRequest[] = [];
  let clock = Date.parse('2026-11-30T10:00:00Z');
  const state = { rawAnswer: undefined as string | undefined };

  function create(pin: FakePinStatus['pin']): FakePinStatus {
    clock += 1000;
    const status: FakePinStatus = { requestid: randomUUID(), status: 'queued', created: new Date(clock).toISOString(), pin, delegates: [DELEGATE], info: { status_details: 'queue position: 1 of 1' } };
    pins.set(status.requestid, status);
    return status;
  }

  function advance(status: FakePinStatus): void {
    if (stuck.has(status.pin.cid)) return;
    if (status.status === 'queued') status.status = 'pinning';
    else if (status.status === 'pinning') {
      status.status = failing.has(status.pin.cid) ? 'failed' : 'pinned';
      status.info = failing.has(status.pin.cid) ? { status_details: 'DAG too big for your plan' } : { dag_size: '1234' };
    }
  }

  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (p: Buffer) => parts.push(p));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(parts).toString();
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        fail(res, 400, 'BAD_REQUEST', 'body is not JSON');
        return;
      }
      requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, body });
      const auth = req.headers.authorization ?? '';
      const presented = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      if (brokeTokens.has(presented)) return fail(res, 409, 'INSUFFICIENT_FUNDS', 'Unable to process request due to the lack of funds');
      if (presented !== token) return fail(res, 401, 'UNAUTHORIZED', 'Access token is missing or invalid');
      if (!url.pathname.startsWith('/psa/pins')) return fail(res, 404, 'NOT_FOUND', 'The specified resource was not found');
      const id = url.pathname.slice('/psa/pins/'.length);

      if (url.pathname === '/psa/pins' && req.method === 'POST') {
        const pin = body as FakePinStatus['pin'] | undefined;
        if (typeof pin?.cid !== 'string') return fail(res, 400, 'BAD_REQUEST', 'cid is required');
        return send(res, 202, create(pin));
      }
      if (url.pathname === '/psa/pins' && req.method === 'GET') {
        const cids = url.searchParams.getAll('cid');
        const statuses = url.searchParams.getAll('status');
        const before = url.searchParams.get('before');
        const limit = Number(url.searchParams.get('limit') ?? '10');
        const filtered = [...pins.values()]
          .filter((p) => (cids.length === 0 || cids.includes(p.pin.cid)) && (statuses.length === 0 ? p.status === 'pinned' : statuses.includes(p.status)))
          .filter((p) => before === null || p.created < before)
          .sort((x, y) => y.created.localeCompare(x.created));
        return send(res, 200, { count: filtered.length, results: filtered.slice(0, limit) });
      }
      const existing = pins.get(id);
      if (existing === undefined) return fail(res, 404, 'NOT_FOUND', 'The specified resource was not found');
      if (req.method === 'GET') {
        if (state.rawAnswer !== undefined) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(state.rawAnswer);
          return;
        }
        advance(existing);
        return send(res, 200, existing);
      }
      if (req.method === 'POST') {
        pins.delete(id);
        return send(res, 202, create(body as FakePinStatus['pin']));
      }
      if (req.method === 'DELETE') {
        pins.delete(id);
        return send(res, 202);
      }
      return fail(res, 400, 'BAD_REQUEST', 'unsupported method');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/psa`,
    token,
    requests,
    pins,
    failing,
    stuck,
    brokeTokens,
    get rawAnswer() {
      return state.rawAnswer;
    },
    set rawAnswer(value) {
      state.rawAnswer = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
