/**
 * PinningServiceClient and RemotePinningBackend against a loopback implementation of the
 * IPFS Pinning Service API (fake-pinning-service.ts; no real service is reachable here):
 * bearer auth, pin with origins, status polling through queued/pinning/pinned/failed,
 * filtered and paged listing, replace, remove, the spec's error bodies, answers that
 * break the schema, and a networked embedded node whose pins are mirrored remotely.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cidOfStream, HeliaBackend, PinningServiceClient, RemotePinningBackend, type PinStatus } from '../../../main/core/ipfs/index.ts';
import { DELEGATE, fakePinningService, type FakePinningService } from './fake-pinning-service.ts';
import { removeAll, tempFolder } from './temp-folder.ts';

const CID_A = 'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e';
const CID_B = 'bafkreidon73zkcrwdb5iafqtijxildoonbwnpv7dyd6ef3qdgads2jc4su';

let service: FakePinningService;
let client: PinningServiceClient;

beforeEach(async () => {
  service = await fakePinningService();
  client = new PinningServiceClient({ endpoint: service.endpoint, token: async () => service.token });
});

afterEach(async () => {
  await service.close();
  await removeAll();
});

describe('PinningServiceClient', () => {
  it('pins a CID with origins and meta: POST /pins, Authorization: Bearer, 202 PinStatus', async () => {
    const status = await client.add({ cid: CID_A, name: 'payload', origins: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWBkdiC3NDMttsiYcr461fxA5bLZjiNLqTA8F1yG3BdQbq'], meta: { app: 'notarium' } });
    expect(status).toMatchObject({ status: 'queued', pin: { cid: CID_A }, delegates: [DELEGATE] });
    expect(status.requestid).not.toBe('');
    const [request] = service.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/psa/pins', authorization: `Bearer ${service.token}` });
    expect(request?.body).toEqual({ cid: CID_A, name: 'payload', origins: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWBkdiC3NDMttsiYcr461fxA5bLZjiNLqTA8F1yG3BdQbq'], meta: { app: 'notarium' } });
  });

  it('polls GET /pins/{requestid} through queued and pinning until pinned', async () => {
    const { requestid } = await client.add({ cid: CID_A });
    const seen: string[] = [];
    const final = await client.waitUntilPinned(requestid, { intervalMs: 5, onStatus: (s) => seen.push(s.status) });
    expect(final.status).toBe('pinned');
    expect(seen).toEqual(['pinning', 'pinned']);
    expect(service.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual([`/psa/pins/${requestid}`, `/psa/pins/${requestid}`]);
  });

  it('reports a failed pin as IPFS_FAILED with the service\'s status_details', async () => {
    service.failing.add(CID_A);
    const { requestid } = await client.add({ cid: CID_A });
    await expect(client.waitUntilPinned(requestid, { intervalMs: 5 })).rejects.toMatchObject({
      code: 'IPFS_FAILED',
      message: expect.stringContaining('DAG too big') as unknown,
      details: { requestid, status: 'failed' },
    });
  });

  it('gives up after the timeout with the last status in the details', async () => {
    service.stuck.add(CID_A);
    const { requestid } = await client.add({ cid: CID_A });
    await expect(client.waitUntilPinned(requestid, { intervalMs: 5, timeoutMs: 60 })).rejects.toMatchObject({ code: 'IPFS_FAILED', details: { status: 'queued' } });
  });

  it('stops waiting with CANCELLED when the signal aborts', async () => {
    service.stuck.add(CID_A);
    const { requestid } = await client.add({ cid: CID_A });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await expect(client.waitUntilPinned(requestid, { intervalMs: 10_000, signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('lists with the spec\'s filters (repeated cid and status args, limit) and pages with `before`', async () => {
    for (let i = 0; i < 25; i++) await client.add({ cid: i % 2 === 0 ? CID_A : CID_B, name: `n${i}` });
    const page = await client.list({ cid: [CID_A, CID_B], status: ['queued', 'pinning'], limit: 10 });
    expect(page.count).toBe(25);
    expect(page.results).toHaveLength(10);
    const query = service.requests.at(-1)?.query;
    expect(query?.getAll('cid')).toEqual([CID_A, CID_B]);
    expect(query?.getAll('status')).toEqual(['queued', 'pinning']);
    expect(query?.get('limit')).toBe('10');

    const all: PinStatus[] = [];
    for await (const s of client.listAll({ status: ['queued'], limit: 10 })) all.push(s);
    expect(all).toHaveLength(25);
    expect(new Set(all.map((s) => s.requestid)).size).toBe(25);
    expect(all.map((s) => s.created)).toEqual([...all.map((s) => s.created)].sort().reverse());
  });

  it('without filters lists only pinned pins, as the spec says', async () => {
    const { requestid } = await client.add({ cid: CID_A });
    await client.add({ cid: CID_B });
    await client.waitUntilPinned(requestid, { intervalMs: 1 });
    const page = await client.list();
    expect(page.results.map((s) => s.pin.cid)).toEqual([CID_A]);
  });

  it('replaces a pin (POST /pins/{requestid}) and removes one (DELETE), after which it is NOT_FOUND', async () => {
    const first = await client.add({ cid: CID_A });
    const second = await client.replace(first.requestid, { cid: CID_B });
    expect(second.pin.cid).toBe(CID_B);
    await expect(client.get(first.requestid)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await client.remove(second.requestid);
    expect(service.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/psa/pins/${second.requestid}` });
    await expect(client.get(second.requestid)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { status: 404, reason: 'NOT_FOUND' } });
  });

  it('maps 401 to FORBIDDEN without ever echoing the token, and 409 to IPFS_FAILED (insufficient funds)', async () => {
    const wrong = new PinningServiceClient({ endpoint: service.endpoint, token: async () => 'wrong-token-456' });
    const error = await wrong.add({ cid: CID_A }).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'FORBIDDEN', details: { status: 401, reason: 'UNAUTHORIZED' } });
    expect(JSON.stringify({ message: (error as Error).message, details: (error as { details?: unknown }).details })).not.toContain('wrong-token-456');

    service.brokeTokens.add('broke');
    const broke = new PinningServiceClient({ endpoint: service.endpoint, token: async () => 'broke' });
    await expect(broke.add({ cid: CID_A })).rejects.toMatchObject({ code: 'IPFS_FAILED', message: expect.stringContaining('insufficient funds') as unknown, details: { status: 409 } });
  });

  it('rejects answers that break the schema and an acknowledgement of another CID', async () => {
    const { requestid } = await client.add({ cid: CID_A });
    service.rawAnswer = JSON.stringify({ requestid, status: 'done', created: 'x', pin: { cid: CID_A }, delegates: [] });
    await expect(client.get(requestid)).rejects.toMatchObject({ code: 'IPFS_FAILED', message: expect.stringContaining('does not follow the Pinning Service API') as unknown });
    service.rawAnswer = 'not json';
    await expect(client.get(requestid)).rejects.toMatchObject({ code: 'IPFS_FAILED', message: expect.stringContaining('not JSON') as unknown });
  });

  it('refuses an invalid pin request (more than 20 origins) before sending anything', async () => {
    const origins = Array.from({ length: 21 }, (_, i) => `/ip4/10.0.0.${i}/tcp/4001/p2p/12D3KooWBkdiC3NDMttsiYcr461fxA5bLZjiNLqTA8F1yG3BdQbq`);
    await expect(client.add({ cid: CID_A, origins })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(service.requests).toEqual([]);
  });

  it('reports an unreachable service as IPFS_FAILED', async () => {
    await service.close();
    await expect(client.add({ cid: CID_A })).rejects.toMatchObject({ code: 'IPFS_FAILED', message: expect.stringContaining('cannot reach the pinning service') as unknown });
    service = await fakePinningService();
  });
});

describe('RemotePinningBackend', () => {
  it('pins locally, then asks the service with the node\'s multiaddrs as origins, once per CID', async () => {
    const local = await HeliaBackend.open(await tempFolder(), { durability: 'none', networking: { mode: 'peers', listen: ['/ip4/127.0.0.1/tcp/0'], peers: [] } });
    const backend = new RemotePinningBackend(local, client, { meta: { lab: 'genomics' } });
    try {
      const { cid } = await backend.addBytes(randomBytes(5000));
      await backend.pin(cid);
      expect(await backend.isPinned(cid)).toBe(true);
      const posts = service.requests.filter((r) => r.method === 'POST');
      expect(posts).toHaveLength(1);
      expect(posts[0]?.body).toEqual({ cid: cid.toString(), origins: await local.addresses(), meta: { lab: 'genomics', app: 'notarium' } });
      expect((await local.addresses())[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//);

      await backend.pin(cid);
      expect(service.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
      expect((await backend.waitUntilPinned(cid, { intervalMs: 1 })).status).toBe('pinned');
      expect((await backend.remoteStatus(cid))?.status).toBe('pinned');
    } finally {
      await backend.stop();
    }
  });

  it('keeps the local pin when the service refuses the token', async () => {
    const local = await HeliaBackend.open(await tempFolder(), { durability: 'none' });
    const backend = new RemotePinningBackend(local, new PinningServiceClient({ endpoint: service.endpoint, token: async () => 'revoked' }));
    try {
      const { cid } = await cidOfStream([Buffer.from('x')]);
      await backend.addBytes(Buffer.from('x'));
      await expect(backend.pin(cid)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(await local.isPinned(cid)).toBe(true);
    } finally {
      await backend.stop();
    }
  });
});
