/**
 * Two (and three) embedded nodes with separate data folders, networked over libp2p TCP
 * on 127.0.0.1 only: a node fetches by CID from its peer, verifies and pins; a node that
 * knows only a third peer finds the provider through the LAN DHT; a missing block fails
 * within the fetch timeout; the peer key survives restarts; every socket stays on the
 * loopback interface.
 */
import dc from 'node:diagnostics_channel';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { base58btc } from 'multiformats/bases/base58';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { afterEach, describe, expect, it } from 'vitest';
import { cidOfStream, HeliaBackend, type HeliaNetworking } from '../../../main/core/ipfs/index.ts';
import { removeAll, tempFolder } from './temp-folder.ts';

const LOOPBACK = '/ip4/127.0.0.1/tcp/0';
/** libp2p-key multicodec: Helia's routing names peers by this CID form of their id. */
const LIBP2P_KEY = 0x72;

function peerIdAsCid(peerId: string): string {
  return CID.createV1(LIBP2P_KEY, Digest.decode(base58btc.baseDecode(peerId))).toString();
}
const open: HeliaBackend[] = [];

async function node(networking: HeliaNetworking, folder?: string): Promise<HeliaBackend> {
  const n = await HeliaBackend.open(folder ?? (await tempFolder()), { networking, durability: 'none' });
  open.push(n);
  return n;
}

async function readAll(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}

afterEach(async () => {
  for (const n of open.splice(0)) await n.stop();
  await removeAll();
});

describe('networked embedded nodes on 127.0.0.1', () => {
  it('node B fetches an 8 MiB file by CID from node A, verifies it, pins it, and keeps it after A stops', async () => {
    const a = await node({ mode: 'peers', listen: [LOOPBACK], peers: [] });
    const content = randomBytes(8 * 1_048_576 + 17);
    const { cid } = await a.addBytes(content);
    await a.pin(cid);
    const [addressOfA] = await a.addresses();
    expect(addressOfA).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW/);

    const b = await node({ mode: 'peers', listen: [], peers: [addressOfA as string] });
    expect(await b.has(cid)).toBe(false);
    await b.pin(cid);
    expect(await b.isPinned(cid)).toBe(true);
    await a.stop();
    expect((await readAll(b.cat(cid))).equals(content)).toBe(true);
  });

  it('cat on a node with peers fetches what it lacks, and a CID no peer has fails with NOT_FOUND within the fetch timeout', async () => {
    const a = await node({ mode: 'peers', listen: [LOOPBACK], peers: [] });
    const { cid } = await a.addBytes(new TextEncoder().encode('shared over libp2p'));
    await a.pin(cid);
    const b = await node({ mode: 'peers', listen: [], peers: await a.addresses(), fetchTimeoutMs: 700 });
    expect(new TextDecoder().decode(await readAll(b.cat(cid)))).toBe('shared over libp2p');

    const absent = await cidOfStream([randomBytes(100)]);
    const started = performance.now();
    await expect(readAll(b.cat(absent.cid))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('a node that knows only B finds provider A of a pinned root through the LAN DHT and fetches from it', async () => {
    const a = await node({ mode: 'peers', listen: [LOOPBACK], peers: [] });
    const b = await node({ mode: 'peers', listen: [LOOPBACK], peers: await a.addresses() });
    const content = randomBytes(300_000);
    const { cid } = await a.addBytes(content);
    await a.pin(cid);
    await expect.poll(() => a.network?.providedCount, { timeout: 20_000, interval: 100 }).toBeGreaterThanOrEqual(1);
    // The provider record reached B's DHT store.
    await expect.poll(async () => {
      for await (const provider of b.helia.routing.findProviders(cid, { signal: AbortSignal.timeout(2_000) })) return provider.id.toString();
      return undefined;
    }, { timeout: 20_000, interval: 200 }).toBe(peerIdAsCid(a.network?.peerId ?? ''));

    const c = await node({ mode: 'peers', listen: [], peers: await b.addresses(), fetchTimeoutMs: 15_000 });
    await c.pin(cid);
    expect((await readAll(c.cat(cid))).equals(content)).toBe(true);
    expect(c.network?.connectedPeers()).toContain(a.network?.peerId);
  });

  it('keeps its peer id across restarts of the same folder', async () => {
    const folder = await tempFolder();
    const first = await node({ mode: 'peers', listen: [LOOPBACK], peers: [] }, folder);
    const id = first.network?.peerId;
    await first.stop();
    const second = await node({ mode: 'peers', listen: [LOOPBACK], peers: [] }, folder);
    expect(second.network?.peerId).toBe(id);
  });

  it('opens TCP connections to 127.0.0.1 only and no UDP socket', async () => {
    const remotes: string[] = [];
    const udp: string[] = [];
    const onSocket = (message: unknown): void => {
      const socket = (message as { socket: Socket }).socket;
      socket.once('connect', () => remotes.push(socket.remoteAddress ?? '?'));
    };
    const onUdp = (): void => {
      udp.push('udp');
    };
    dc.subscribe('net.client.socket', onSocket);
    dc.subscribe('udp.socket', onUdp);
    try {
      const a = await node({ mode: 'peers', listen: [LOOPBACK], peers: [] });
      const { cid } = await a.addBytes(randomBytes(1000));
      await a.pin(cid);
      const b = await node({ mode: 'peers', listen: [LOOPBACK], peers: await a.addresses() });
      await b.pin(cid);
    } finally {
      dc.unsubscribe('net.client.socket', onSocket);
      dc.unsubscribe('udp.socket', onUdp);
    }
    expect(remotes.length).toBeGreaterThan(0);
    expect(new Set(remotes)).toEqual(new Set(['127.0.0.1']));
    expect(udp).toEqual([]);
  });

  it('rejects a listen address that is not a multiaddr and a peer without /p2p/<peer id>', async () => {
    await expect(HeliaBackend.open(await tempFolder(), { networking: { mode: 'peers', listen: ['127.0.0.1:4001'], peers: [] } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(HeliaBackend.open(await tempFolder(), { networking: { mode: 'peers', listen: [], peers: ['/ip4/127.0.0.1/tcp/4001'] } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('peer id') as unknown,
    });
  });
});
