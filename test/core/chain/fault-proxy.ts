/**
 * A JSON-RPC proxy on 127.0.0.1 that sits between a client (ethers JsonRpcProvider) and a real
 * node (the embedded devnet served by serveDevnet) and injects the faults of public endpoints:
 *
 * - down: the listening socket is closed (clients get ECONNREFUSED), and opened again on `up()`;
 * - slow: every HTTP answer is delayed by `delayMs`;
 * - throttled: the next n HTTP requests get `429 Too Many Requests` (optionally with Retry-After);
 * - per-call rules: a rule sees each JSON-RPC call (batches are split) and may answer it itself
 *   (a forged result or a JSON-RPC error), forward it and rewrite the answer, or cut the
 *   connection without answering, after forwarding or not (a request that reached the node but
 *   whose answer was lost).
 * Calls are forwarded one by one over HTTP, so the node sees exactly what a node behind a flaky
 * gateway would. Everything the proxy saw is kept in `calls`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** One JSON-RPC call as the client sent it. */
export interface RpcCall {
  method: string;
  params: unknown[];
}

/** A JSON-RPC answer body (without jsonrpc/id). */
export type RpcReply = { result: unknown } | { error: { code: number; message: string; data?: unknown } };

/**
 * A fault rule. Return undefined to let the next rule (or the node) answer; a reply to answer
 * with it; 'hang-up' to destroy the connection without an answer (after `forward()` if the rule
 * called it: the node then executed the call).
 */
export type FaultRule = (call: RpcCall, forward: () => Promise<RpcReply>) => Promise<RpcReply | 'hang-up' | undefined> | RpcReply | 'hang-up' | undefined;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export class FaultProxy {
  readonly upstream: string;
  /** Every JSON-RPC call received while up, in order. */
  readonly calls: RpcCall[] = [];
  /** Delay before each HTTP answer, ms. */
  delayMs = 0;
  /** HTTP requests answered 429 so far. */
  throttled = 0;
  #rules: FaultRule[] = [];
  #throttle: { remaining: number; retryAfter: string | undefined } = { remaining: 0, retryAfter: undefined };
  #server: Server;
  #port = 0;
  #sockets = new Set<Socket>();
  #listening = false;

  private constructor(upstream: string) {
    this.upstream = upstream;
    this.#server = this.#createServer();
  }

  /** Starts a proxy on a free port of 127.0.0.1 in front of `upstream` (an http:// JSON-RPC URL). */
  static async start(upstream: string): Promise<FaultProxy> {
    const proxy = new FaultProxy(upstream);
    await proxy.up();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Adds a rule (consulted in the order added); returns a function that removes it. */
  use(rule: FaultRule): () => void {
    this.#rules.push(rule);
    return () => {
      this.#rules = this.#rules.filter((r) => r !== rule);
    };
  }

  /** Removes every rule and fault. */
  heal(): void {
    this.#rules = [];
    this.delayMs = 0;
    this.#throttle = { remaining: 0, retryAfter: undefined };
  }

  /** Forgets what was seen and removes every fault (between tests). */
  reset(): void {
    this.heal();
    this.calls.length = 0;
    this.throttled = 0;
  }

  /** The next `requests` HTTP requests are answered 429, with `Retry-After: retryAfter` if given. */
  throttle(requests: number, retryAfter?: string): void {
    this.#throttle = { remaining: requests, retryAfter };
  }

  /** Calls of `method` seen so far. */
  seen(method: string): RpcCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Stops listening and drops open connections: clients get ECONNREFUSED until `up()`. */
  async down(): Promise<void> {
    if (!this.#listening) return;
    this.#listening = false;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server = this.#createServer();
  }

  /** Listens again, on the same port once one was chosen. */
  async up(): Promise<void> {
    if (this.#listening) return;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port, '127.0.0.1', () => {
        const address = this.#server.address();
        this.#port = typeof address === 'object' && address !== null ? address.port : 0;
        resolve();
      });
    });
    this.#listening = true;
  }

  async close(): Promise<void> {
    await this.down();
  }

  #createServer(): Server {
    const server = createServer((req, res) => {
      void this.#handle(req, res).catch(() => res.destroy());
    });
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    return server;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.#throttle.remaining > 0) {
      this.#throttle.remaining--;
      this.throttled++;
      res.writeHead(429, { 'content-type': 'text/plain', ...(this.#throttle.retryAfter === undefined ? {} : { 'retry-after': this.#throttle.retryAfter }) });
      res.end('Too Many Requests');
      return;
    }
    const parsed = JSON.parse(body) as unknown;
    const batch = Array.isArray(parsed);
    const requests = (batch ? parsed : [parsed]) as { id?: unknown; method: string; params?: unknown[] }[];
    const answers: Record<string, unknown>[] = [];
    let hangUp = false;
    for (const request of requests) {
      const call: RpcCall = { method: request.method, params: request.params ?? [] };
      this.calls.push(call);
      const reply = await this.#answer(call);
      if (reply === 'hang-up') {
        hangUp = true;
        continue;
      }
      answers.push({ jsonrpc: '2.0', id: request.id ?? null, ...reply });
    }
    if (hangUp) {
      res.socket?.destroy();
      return;
    }
    const text = JSON.stringify(batch ? answers : answers[0]);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  async #answer(call: RpcCall): Promise<RpcReply | 'hang-up'> {
    let forwarded: Promise<RpcReply> | undefined;
    const forward = (): Promise<RpcReply> => (forwarded ??= this.#forward(call));
    for (const rule of [...this.#rules]) {
      const reply = await rule(call, forward);
      if (reply !== undefined) return reply;
    }
    return await forward();
  }

  async #forward(call: RpcCall): Promise<RpcReply> {
    const response = await fetch(this.upstream, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: call.method, params: call.params }),
    });
    const json = (await response.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
    return json.error !== undefined ? { error: json.error } : { result: json.result ?? null };
  }
}
