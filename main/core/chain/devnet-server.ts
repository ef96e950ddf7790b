/**
 * Serving the devnet over JSON-RPC/HTTP on 127.0.0.1 (`notarium devnet`), and connecting to a
 * devnet folder whichever process runs it.
 *
 * Concurrency: a devnet folder has exactly one writer, the process holding its lock (see
 * devnet-lock.ts). That process may serve it; the server URL is published in the lock file.
 * connectDevnet() therefore either opens the folder in-process (lock free), or, when a live
 * process holds it and serves it, returns a client of that server, after checking that the
 * server reports this folder's devnet id and genesis hash. A holder that does not serve is an error
 * (DEVNET_LOCKED): quietly starting a second network on the same journal would fork it.
 *
 * The server answers POST only, with `Content-Type: application/json` and a Host header naming
 * the loopback address: browsers cannot send that content type cross-origin without a preflight
 * this server never approves, and the Host check defeats DNS rebinding.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonRpcProvider, Network, toQuantity } from 'ethers';
import type { JsonRpcApiProvider } from 'ethers';
import { NotariumError, isNotariumError } from '../../../shared/errors.ts';
import { Devnet } from './devnet.ts';
import type { DevnetGenesis, OpenDevnetOptions } from './devnet.ts';
import { DEVNET_CHAIN_ID, assertChainId } from './networks.ts';

/** Largest request body accepted, bytes. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** A running JSON-RPC server over a devnet. */
export interface DevnetServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Stops serving and withdraws the URL from the lock file. Does not close the devnet. */
  close(): Promise<void>;
}

interface JsonRpcRequest {
  jsonrpc?: string;
  id?: string | number | null;
  method?: unknown;
  params?: unknown;
}

function errorBody(e: unknown): { code: number; message: string; data?: unknown } {
  const err = e as { code?: unknown; message?: unknown; data?: unknown };
  const code = typeof err.code === 'number' ? err.code : -32603;
  const message = typeof err.message === 'string' ? err.message : String(e);
  return err.data === undefined ? { code, message } : { code, message, data: err.data };
}

async function answer(devnet: Devnet, request: JsonRpcRequest): Promise<Record<string, unknown>> {
  const id = request.id ?? null;
  if (typeof request.method !== 'string') return { jsonrpc: '2.0', id, error: { code: -32600, message: 'invalid request' } };
  const params = Array.isArray(request.params) ? request.params : request.params === undefined ? [] : [request.params];
  try {
    const result = await devnet.request(request.method, params);
    return { jsonrpc: '2.0', id, result: result ?? null };
  } catch (e) {
    return { jsonrpc: '2.0', id, error: errorBody(e) };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Serves `devnet` as JSON-RPC over HTTP on 127.0.0.1 and publishes the URL in the devnet lock.
 * Batches are executed in order. Requests go through the devnet's journal gate like in-process ones.
 * @param options.port TCP port (default 8545; 0 picks a free one).
 * @throws NotariumError('CHAIN_FAILED') when the port cannot be bound.
 */
export async function serveDevnet(devnet: Devnet, options: { port?: number } = {}): Promise<DevnetServer> {
  const host = '127.0.0.1';
  let allowedHosts = new Set<string>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
      if (!allowedHosts.has(req.headers.host ?? '')) return send(res, 403, { error: 'bad Host header' });
      if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) return send(res, 415, { error: 'application/json only' });
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readBody(req));
      } catch (e) {
        return send(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: `parse error: ${(e as Error).message}` } });
      }
      if (Array.isArray(parsed)) {
        const out: Record<string, unknown>[] = [];
        for (const item of parsed) out.push(await answer(devnet, item as JsonRpcRequest));
        return send(res, 200, out);
      }
      return send(res, 200, await answer(devnet, parsed as JsonRpcRequest));
    })().catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { jsonrpc: '2.0', id: null, error: errorBody(e) });
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (e) => reject(new NotariumError('CHAIN_FAILED', `cannot serve the devnet on ${host}:${options.port ?? 8545}: ${e.message}`, { cause: e })));
    server.listen(options.port ?? 8545, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
  allowedHosts = new Set([`${host}:${port}`, `localhost:${port}`]);
  const url = `http://${host}:${port}`;
  devnet.lock.setUrl(url);
  let closed = false;
  return {
    url,
    port,
    close: async () => {
      if (closed) return;
      closed = true;
      devnet.lock.setUrl(null);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A devnet, whether run here or by another process. */
export interface DevnetConnection {
  /** 'in-process': this process runs the network; 'server': another process does, reached over HTTP. */
  readonly kind: 'in-process' | 'server';
  readonly chainId: bigint;
  /** ethers provider (50-100 ms polling). */
  readonly provider: JsonRpcApiProvider;
  /** NotaryRegistry address on this devnet. */
  readonly registry: string;
  /** The in-process devnet, or null for a server connection. */
  readonly devnet: Devnet | null;
  /** Adds wei to an account's balance (journaled by whoever runs the devnet). */
  fund(address: string, amountWei: bigint): Promise<void>;
  /** Mines empty blocks, e.g. to produce confirmations. */
  mine(blocks: number): Promise<void>;
  /** Closes the devnet (in-process) or the HTTP client (server). */
  close(): Promise<void>;
}

/**
 * Connects to the devnet in `options.dir`: in-process when no live process holds the folder,
 * otherwise through the holder's server.
 * @throws NotariumError('DEVNET_LOCKED') when the holder does not serve the devnet;
 *   NotariumError('CHAIN_FAILED' | 'CHAIN_ID_MISMATCH') when the published server is unreachable
 *   or serves another devnet; whatever Devnet.open throws.
 */
export async function connectDevnet(options: OpenDevnetOptions): Promise<DevnetConnection> {
  try {
    const devnet = await Devnet.open(options);
    return {
      kind: 'in-process',
      chainId: devnet.chainId,
      provider: devnet.provider,
      registry: await devnet.ensureRegistry(),
      devnet,
      fund: (address, amountWei) => devnet.fund(address, amountWei),
      mine: (blocks) => devnet.mine(blocks),
      close: () => devnet.close(),
    };
  } catch (e) {
    if (!isNotariumError(e) || e.code !== 'DEVNET_LOCKED' || typeof e.details?.url !== 'string') throw e;
    return await connectServer(options.dir, e.details.url);
  }
}

async function connectServer(dir: string, url: string): Promise<DevnetConnection> {
  const provider = new JsonRpcProvider(url, Network.from(DEVNET_CHAIN_ID), { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 });
  try {
    await assertChainId(provider, DEVNET_CHAIN_ID);
    const info = (await provider.send('notarium_devnetInfo', [])) as { devnetId: string; genesisHash: string; registry: string | null };
    const genesis = JSON.parse(readFileSync(join(dir, 'genesis.json'), 'utf8')) as DevnetGenesis;
    if (info.devnetId !== genesis.devnetId || info.genesisHash !== genesis.genesisHash || info.registry === null) {
      throw new NotariumError('CHAIN_FAILED', `the server at ${url} does not serve the devnet in ${dir}`, { details: { url, dir } });
    }
    return {
      kind: 'server',
      chainId: DEVNET_CHAIN_ID,
      provider,
      registry: info.registry,
      devnet: null,
      fund: async (address, amountWei) => {
        await provider.send('notarium_fund', [address, toQuantity(amountWei)]);
      },
      mine: async (blocks) => {
        await provider.send('hardhat_mine', [toQuantity(blocks), '0x1']);
      },
      close: () => {
        provider.destroy();
        return Promise.resolve();
      },
    };
  } catch (e) {
    provider.destroy();
    if (isNotariumError(e)) throw e;
    throw new NotariumError('CHAIN_FAILED', `cannot reach the devnet server at ${url}: ${(e as Error).message}`, { cause: e, details: { url } });
  }
}
