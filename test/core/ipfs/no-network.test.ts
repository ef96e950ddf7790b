/**
 * The embedded node never touches the network: across open, add, pin, cat (including
 * of a CID it lacks, which a networked Helia would look for) and stop, Node reports no
 * TCP/UDP socket, listener or HTTP request, and the node has no libp2p at all.
 */
import dc from 'node:diagnostics_channel';
import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { cidOfStream, HeliaBackend } from '../../../main/core/ipfs/index.ts';
import { removeAll, tempFolder } from './temp-folder.ts';

// Published by Node for every TCP client socket (fetch included), UDP socket, TCP
// listener and HTTP request.
const CHANNELS = ['net.client.socket', 'udp.socket', 'tracing:net.server.listen:asyncStart', 'http.client.request.created', 'undici:request:create'];
const NETWORK_RESOURCES = /TCP|UDP|GetAddrInfo|GetNameInfo|QueryWrap/i;

afterEach(removeAll);

it('opens no socket, listener or HTTP request and has no libp2p, through a whole session', async () => {
  const events: string[] = [];
  const listeners = CHANNELS.map((name) => {
    const listener = (): void => {
      events.push(name);
    };
    dc.subscribe(name, listener);
    return { name, listener };
  });
  const networkBefore = process.getActiveResourcesInfo().filter((r) => NETWORK_RESOURCES.test(r)).length;
  try {
    const node = await HeliaBackend.open(await tempFolder());
    expect('libp2p' in node.helia).toBe(false);
    const { cid } = await node.addBytes(randomBytes(1_100_000));
    await node.pin(cid);
    for await (const chunk of node.cat(cid)) expect(chunk.length).toBeGreaterThan(0);
    const absent = await cidOfStream([randomBytes(64)]);
    await expect(node.pin(absent.cid)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const during = process.getActiveResourcesInfo().filter((r) => NETWORK_RESOURCES.test(r)).length;
    await node.stop();
    expect(during).toBe(networkBefore);
  } finally {
    for (const { name, listener } of listeners) dc.unsubscribe(name, listener);
  }
  expect(events).toEqual([]);
});

it('would notice a socket: the probe sees a TCP connection attempt', async () => {
  const events: string[] = [];
  const listener = (): void => {
    events.push('net.client.socket');
  };
  dc.subscribe('net.client.socket', listener);
  try {
    await fetch('http://127.0.0.1:45678/').catch(() => undefined);
  } finally {
    dc.unsubscribe('net.client.socket', listener);
  }
  expect(events).toContain('net.client.socket');
});
