/**
 * A loopback HTTP server that replays recorded RPC exchanges in order, for testing a
 * client against a daemon that cannot be installed here (Kubo). Each expected exchange
 * states the request (method, path, exact query args) and the answer to give; a request
 * that does not match the next expected one gets HTTP 599 and is reported by `check()`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedExchange {
  /** Shown in failure reports. */
  name: string;
  request: {
    method?: string;
    path: string;
    /** Every query arg, exactly (repeated args as arrays, in order). */
    query: Record<string, string | string[]>;
  };
  response: {
    status?: number;
    headers?: Record<string, string>;
    /** The body, or a function of the request body (e.g. to echo an uploaded file). */
    body: string | Uint8Array | ((requestBody: Buffer) => string | Uint8Array);
  };
}

export interface SeenRequest {
  name: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface ReplayServer {
  /** 'http://127.0.0.1:<port>' */
  url: string;
  /** Requests received so far, with the name of the exchange they matched. */
  seen: SeenRequest[];
  /** Queues more exchanges. */
  expect(...exchanges: RecordedExchange[]): void;
  /** Mismatches and exchanges not yet requested; [] when all went as recorded. */
  problems(): string[];
  close(): Promise<void>;
}

function queryOf(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    out[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}

export async function replayServer(exchanges: RecordedExchange[] = []): Promise<ReplayServer> {
  const queue = [...exchanges];
  const seen: SeenRequest[] = [];
  const mismatches: string[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const query = queryOf(url);
      const next = queue.shift();
      const method = req.method ?? '';
      const matches =
        next !== undefined &&
        (next.request.method ?? 'POST') === method &&
        next.request.path === url.pathname &&
        JSON.stringify(Object.entries(next.request.query).sort()) === JSON.stringify(Object.entries(query).sort());
      if (!matches) {
        mismatches.push(`expected ${next === undefined ? 'no request' : `${next.name}: ${next.request.method ?? 'POST'} ${next.request.path} ${JSON.stringify(next.request.query)}`}, got ${method} ${url.pathname} ${JSON.stringify(query)}`);
        res.writeHead(599).end();
        return;
      }
      seen.push({ name: next.name, method, path: url.pathname, query, headers: req.headers, body });
      const { status = 200, headers = { 'content-type': 'application/json' }, body: answer } = next.response;
      const payload = typeof answer === 'function' ? answer(body) : answer;
      res.writeHead(status, headers).end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    expect: (...more) => queue.push(...more),
    problems: () => [...mismatches, ...queue.map((e) => `not requested: ${e.name}`)],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The content of the first file part of a multipart/form-data body. */
export function multipartFile(body: Buffer, contentType: string | undefined): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? '');
  const mark = boundary?.[1] ?? boundary?.[2];
  if (mark === undefined) throw new Error(`not multipart: ${contentType ?? '(none)'}`);
  const start = body.indexOf('\r\n\r\n', body.indexOf(`--${mark}`)) + 4;
  const end = body.indexOf(`\r\n--${mark}`, start);
  return body.subarray(start, end);
}
