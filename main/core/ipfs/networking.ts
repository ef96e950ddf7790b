/**
 * Opt-in networking of the embedded node (HeliaNetworking mode 'peers'): libp2p over
 * TCP only (Noise encryption, Yamux multiplexing), Bitswap to exchange blocks, Identify
 * and Ping, and a Kademlia DHT on the LAN protocol `/ipfs/lan/kad/1.0.0` so that peers
 * that are not directly connected can find who provides a CID.
 *
 * What is deliberately absent: bootstrap to public peers, mDNS, delegated routing over
 * HTTPS, HTTP gateways, relays, hole punching, UPnP, AutoNAT, WebRTC, WebSockets. The
 * node dials only the addresses the user configured (`peers` kept connected,
 * `bootstrap` dialled once at start) and peers those lead to; the LAN DHT protocol
 * keeps it out of the public Amino DHT (`/ipfs/kad/1.0.0`), while Kubo nodes of the
 * same network answer on it.
 *
 * Providing follows Kubo's "pinned" reprovider strategy: at start and after every pin,
 * each recursively pinned root is announced to the DHT (in the background); the DHT
 * then republishes those records while the node runs. Fetching a DAG asks the
 * connected peers over Bitswap and, when the root is unknown to them, looks its
 * providers up in the DHT and dials them.
 *
 * This module (and with it libp2p) is imported only when networking is on.
 */
import { withBitswap } from '@helia/bitswap';
import { withLibp2pLight } from '@helia/libp2p';
import { identify } from '@libp2p/identify';
import type { Libp2p } from '@libp2p/interface';
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht';
import { noise } from '@libp2p/noise';
import { ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { yamux } from '@libp2p/yamux';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import type { Helia } from 'helia';
import * as dagPb from '@ipld/dag-pb';
import { base58btc } from 'multiformats/bases/base58';
import type { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { isNotariumError, NotariumError } from '../../../shared/errors.ts';
import { toIpfsError } from './errors.ts';
import { noiseCrypto } from './noise-crypto.ts';

/** The networking settings of mode 'peers' (see HeliaNetworking). */
export interface PeersNetworking {
  readonly mode: 'peers';
  /** Multiaddrs to listen on, e.g. '/ip4/127.0.0.1/tcp/4001'; [] to only dial out. */
  readonly listen: readonly string[];
  /** Multiaddrs with /p2p/<peer id> kept connected (redialled while the node runs). */
  readonly peers: readonly string[];
  /** Multiaddrs with /p2p/<peer id> dialled once at start to join the LAN DHT. */
  readonly bootstrap?: readonly string[];
  /** While fetching, how long no block at all may arrive, in ms, before NOT_FOUND; default 30,000. */
  readonly fetchTimeoutMs?: number;
}

/** The DHT protocol: Kubo's LAN DHT, never the public one. */
export const LAN_DHT_PROTOCOL = '/ipfs/lan/kad/1.0.0';

const DEFAULT_FETCH_TIMEOUT_MS = 30_000;
/** Interval, ms, of the check that every `peers` entry is connected. */
const REDIAL_INTERVAL_MS = 5_000;
/** Blocks fetched in parallel while walking a DAG. */
const FETCH_CONCURRENCY = 16;
/** A want still open after this long without any block arriving, ms, is cancelled and made again. */
const WANT_RETRY_MS = 3_000;
/** Pause between cancelling a stalled want and making it again, ms (> Bitswap's 10 ms send debounce). */
const WANT_RESEND_GAP_MS = 200;
/** Longest a single DHT provide may take before the next one starts, ms. */
const PROVIDE_TIMEOUT_MS = 60_000;

type NetworkedHelia = Helia & { libp2p: Libp2p };

/** Shared by the wants of one DAG fetch: when the last block arrived (ms since epoch). */
interface FetchProgress {
  last: number;
}

/**
 * Parses a multiaddr string; with `needPeerId`, it must end in /p2p/<peer id>.
 * @throws NotariumError('INVALID_INPUT') naming the setting.
 */
export function parseMultiaddr(text: string, setting: string, needPeerId: boolean): Multiaddr {
  let ma: Multiaddr;
  try {
    ma = multiaddr(text);
  } catch (error) {
    throw new NotariumError('INVALID_INPUT', `${setting}: '${text}' is not a multiaddr (e.g. /ip4/127.0.0.1/tcp/4001)`, { cause: error, details: { [setting]: text } });
  }
  if (needPeerId && peerIdOf(ma) === undefined) {
    throw new NotariumError('INVALID_INPUT', `${setting}: '${text}' needs the peer id, e.g. /ip4/10.0.0.2/tcp/4001/p2p/12D3KooW…`, { details: { [setting]: text } });
  }
  return ma;
}

function peerIdOf(ma: Multiaddr): string | undefined {
  return ma.getComponents().find((c) => c.name === 'p2p')?.value;
}

/** The libp2p side of a networked HeliaBackend. Create with `attach` before the node starts. */
export class HeliaNetwork {
  readonly #helia: NetworkedHelia;
  readonly #peers: readonly Multiaddr[];
  readonly #bootstrap: readonly Multiaddr[];
  readonly #fetchTimeoutMs: number;
  readonly #stopping = new AbortController();
  readonly #provideQueue: CID[] = [];
  readonly #queued = new Set<string>();
  #providing: Promise<void> | undefined;
  #redialTimer: NodeJS.Timeout | undefined;
  #provided = 0;

  private constructor(helia: NetworkedHelia, settings: PeersNetworking) {
    this.#helia = helia;
    this.#peers = settings.peers.map((p) => parseMultiaddr(p, 'peers', true));
    this.#bootstrap = (settings.bootstrap ?? []).map((p) => parseMultiaddr(p, 'bootstrap', true));
    this.#fetchTimeoutMs = settings.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  }

  /**
   * Adds libp2p and Bitswap to the not yet started `helia`; call `started()` once it is.
   * @throws NotariumError('INVALID_INPUT') for an address that does not parse or a peer
   *   without /p2p/<peer id>, or a fetch timeout below 1 ms.
   */
  static attach(helia: Helia, settings: PeersNetworking): HeliaNetwork {
    const listen = settings.listen.map((a) => parseMultiaddr(a, 'listen', false).toString());
    if (settings.fetchTimeoutMs !== undefined && !(Number.isSafeInteger(settings.fetchTimeoutMs) && settings.fetchTimeoutMs >= 1)) {
      throw new NotariumError('INVALID_INPUT', 'fetchTimeoutMs must be a positive integer (ms)', { details: { fetchTimeoutMs: settings.fetchTimeoutMs } });
    }
    const { crypto } = noiseCrypto();
    const networked = withBitswap(
      withLibp2pLight(helia, {
        addresses: { listen },
        transports: [tcp()],
        connectionEncrypters: [noise(crypto === undefined ? {} : { crypto })],
        streamMuxers: [yamux()],
        peerDiscovery: [],
        services: {
          identify: identify(),
          ping: ping(),
          // Server mode from the start: on a LAN every node is dialable. Addresses pass
          // through unfiltered (the public DHT's mapper would drop private ones).
          dht: kadDHT({ protocol: LAN_DHT_PROTOCOL, clientMode: false, peerInfoMapper: passthroughMapper, logPrefix: 'libp2p:lan-kad-dht' }),
        },
      }),
      // Bitswap's defaults drop a peer's pending block sends beyond 10 queued operations
      // and abort a message after 10 s; with 1 MiB blocks on a busy machine blocks were
      // lost that way. A longer queue and timeouts lose fewer; #fetchBlock re-wants the rest.
      { sendBlocksMaxQueueLength: 1024, messageSendTimeout: 60_000, messageReceiveTimeout: 60_000 },
    );
    return new HeliaNetwork(networked, settings);
  }

  /** Dials the configured peers, keeps `peers` connected and provides every pinned root. */
  started(): void {
    for (const ma of [...this.#peers, ...this.#bootstrap]) this.#dialQuietly(ma);
    if (this.#peers.length > 0) {
      this.#redialTimer = setInterval(() => this.#redialMissing(), REDIAL_INTERVAL_MS);
      this.#redialTimer.unref();
    }
    void this.#providePins();
  }

  /** This node's peer id (12D3KooW…). */
  get peerId(): string {
    return this.#helia.libp2p.peerId.toString();
  }

  /** Listening multiaddrs, each ending in /p2p/<peer id>. */
  addresses(): string[] {
    return this.#helia.libp2p.getMultiaddrs().map((ma) => ma.toString());
  }

  /** Peer ids currently connected. */
  connectedPeers(): string[] {
    return [...new Set(this.#helia.libp2p.getConnections().map((c) => c.remotePeer.toString()))];
  }

  /** Root CIDs announced to the DHT so far in this session. */
  get providedCount(): number {
    return this.#provided;
  }

  /**
   * Dials each multiaddr (with /p2p/<peer id>).
   * @throws NotariumError('INVALID_INPUT') for a bad address; ('IPFS_FAILED') if a dial fails.
   */
  async connect(addresses: readonly string[], signal?: AbortSignal): Promise<void> {
    const targets = addresses.map((a) => parseMultiaddr(a, 'peer', true));
    for (const ma of targets) {
      try {
        await this.#helia.libp2p.dial(ma, signal === undefined ? {} : { signal });
      } catch (error) {
        throw toIpfsError(error, `cannot connect to ${ma.toString()}`, { peer: ma.toString() }, signal);
      }
    }
  }

  /**
   * Makes every block of `root`'s DAG local: blocks already stored are kept (raw leaves
   * only checked for presence), missing ones fetched from peers over Bitswap, verified
   * against their CIDs by Helia and written to the blockstore, up to 16 at a time.
   *
   * @throws NotariumError('NOT_FOUND') when no block at all arrives for fetchTimeoutMs
   *   while some are missing; ('CANCELLED') when `signal` aborts; ('IPFS_FAILED') otherwise.
   */
  async fetchDag(root: CID, signal?: AbortSignal): Promise<void> {
    const done = new AbortController();
    if (!(await this.#helia.blockstore.has(root))) this.#findProvidersQuietly(root, AbortSignal.any([done.signal, ...(signal === undefined ? [] : [signal])]));
    try {
      await this.#walk(root, signal);
    } finally {
      done.abort();
    }
  }

  /** Fetches the DAG under `root` with up to FETCH_CONCURRENCY blocks in flight (a sliding window). */
  async #walk(root: CID, signal: AbortSignal | undefined): Promise<void> {
    const seen = new Set<string>([root.toString()]);
    const queue: CID[] = [root];
    const progress: FetchProgress = { last: Date.now() };
    let active = 0;
    let failed = false;
    await new Promise<void>((resolve, reject) => {
      const pump = (): void => {
        while (!failed && active < FETCH_CONCURRENCY && queue.length > 0) {
          const cid = queue.shift() as CID;
          active += 1;
          this.#fetchBlock(cid, signal, progress).then(
            (links) => {
              active -= 1;
              for (const link of links) {
                const key = link.toString();
                if (seen.has(key)) continue;
                seen.add(key);
                queue.push(link);
              }
              if (active === 0 && queue.length === 0) resolve();
              else pump();
            },
            (error: unknown) => {
              failed = true;
              reject(error as Error);
            },
          );
        }
      };
      pump();
    });
  }

  /** Queues `cids` for announcing to the DHT (deduplicated; runs in the background). */
  provide(cids: readonly CID[]): void {
    for (const cid of cids) {
      const key = cid.toString();
      if (this.#queued.has(key)) continue;
      this.#queued.add(key);
      this.#provideQueue.push(cid);
    }
    this.#providing ??= this.#drainProvides().finally(() => {
      this.#providing = undefined;
      if (this.#provideQueue.length > 0 && !this.#stopping.signal.aborted) this.provide([]);
    });
  }

  /** Stops redialling and providing; Helia's stop() then closes libp2p. */
  async stop(): Promise<void> {
    clearInterval(this.#redialTimer);
    this.#stopping.abort();
    await this.#providing?.catch(() => undefined);
  }

  /** The links of `cid` once its block is local (fetched if it was missing). */
  async #fetchBlock(cid: CID, signal: AbortSignal | undefined, progress: FetchProgress): Promise<CID[]> {
    const blockstore = this.#helia.blockstore;
    if (cid.code === raw.code && (await blockstore.has(cid))) return [];
    const retryMs = Math.min(WANT_RETRY_MS, this.#fetchTimeoutMs);
    for (let attempt = 1; ; attempt++) {
      // Bitswap marks a block "sent" even when the message carrying it failed (measured
      // under load: a stream closed mid-send) and never resends it while the want
      // stands. When no block at all has arrived for `retryMs`, the open wants are taken
      // as lost, cancelled and made again, which the sender treats as new. Judging by
      // overall progress, not by a want's age, keeps slow links from retrying.
      const started = Date.now();
      const stalled = new AbortController();
      const watchdog = setInterval(() => {
        if (Date.now() - Math.max(started, progress.last) >= retryMs) stalled.abort();
      }, Math.min(100, retryMs));
      try {
        const parts: Uint8Array[] = [];
        for await (const part of blockstore.get(cid, { signal: AbortSignal.any([stalled.signal, this.#stopping.signal, ...(signal === undefined ? [] : [signal])]) })) parts.push(part);
        progress.last = Date.now();
        return cid.code === dagPb.code ? dagPb.decode(parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts)).Links.map((l) => l.Hash) : [];
      } catch (error) {
        if (signal?.aborted === true) throw new NotariumError('CANCELLED', 'fetch cancelled', { cause: error });
        if (!stalled.signal.aborted || isNotariumError(error)) throw toIpfsError(error, `cannot fetch block ${cid.toString()}`, { cid: cid.toString() });
        if (Date.now() - progress.last < this.#fetchTimeoutMs) {
          // Let the cancel leave in its own wantlist message: merged with the new want
          // (Bitswap debounces sends), the sender would keep its "already sent" mark.
          await new Promise((resolve) => setTimeout(resolve, WANT_RESEND_GAP_MS));
          continue;
        }
        throw new NotariumError('NOT_FOUND', `block ${cid.toString()} did not arrive: no block came from the connected peers for ${this.#fetchTimeoutMs / 1000} s`, {
          cause: error,
          details: { cid: cid.toString(), connectedPeers: this.connectedPeers().length, attempts: attempt },
        });
      } finally {
        clearInterval(watchdog);
      }
    }
  }

  /**
   * While `until` is not aborted, asks the DHT for providers of `root` and dials those not
   * yet connected; repeats every second (a lookup may end empty while the routing table
   * is still filling), so Bitswap's want reaches them.
   */
  #findProvidersQuietly(root: CID, until: AbortSignal): void {
    const stop = AbortSignal.any([until, this.#stopping.signal]);
    void (async () => {
      const dialled = new Set<string>();
      while (!stop.aborted) {
        // Helia's routing names peers by their CID form (bafzaa…), not 12D3KooW….
        const connected = new Set(this.#helia.libp2p.getConnections().map((c) => c.remotePeer.toCID().toString()));
        try {
          for await (const provider of this.#helia.routing.findProviders(root, { signal: AbortSignal.any([stop, AbortSignal.timeout(10_000)]) })) {
            const id = provider.id.toString();
            if (connected.has(id) || dialled.has(id) || provider.multiaddrs.length === 0) continue;
            dialled.add(id);
            // The DHT returns bare transport addresses; libp2p needs the peer id on them.
            const peerId = base58btc.baseEncode(provider.id.multihash.bytes);
            const targets = provider.multiaddrs.map((ma) => (peerIdOf(ma) === undefined ? ma.encapsulate(`/p2p/${peerId}`) : ma));
            await this.#helia.libp2p.dial(targets, { signal: AbortSignal.any([stop, AbortSignal.timeout(10_000)]) }).catch(() => undefined);
          }
        } catch {
          // No provider found this round (or no DHT peer yet): try again.
        }
        await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
      }
    })();
  }

  async #providePins(): Promise<void> {
    try {
      const roots: CID[] = [];
      for await (const pin of this.#helia.pins.ls({ signal: this.#stopping.signal })) roots.push(pin.cid);
      this.provide(roots);
    } catch {
      // Stopped while listing: nothing to announce.
    }
  }

  async #drainProvides(): Promise<void> {
    for (let cid = this.#provideQueue.shift(); cid !== undefined; cid = this.#provideQueue.shift()) {
      if (this.#stopping.signal.aborted) return;
      try {
        await this.#helia.routing.provide(cid, { signal: AbortSignal.any([this.#stopping.signal, AbortSignal.timeout(PROVIDE_TIMEOUT_MS)]) });
        this.#provided += 1;
      } catch {
        // No DHT peer yet, or one went away: the next start (or pin) announces it again.
        this.#queued.delete(cid.toString());
      }
    }
  }

  #redialMissing(): void {
    const connected = new Set(this.connectedPeers());
    for (const ma of this.#peers) {
      if (!connected.has(peerIdOf(ma) ?? '')) this.#dialQuietly(ma);
    }
  }

  #dialQuietly(ma: Multiaddr): void {
    if (this.#stopping.signal.aborted) return;
    this.#helia.libp2p.dial(ma, { signal: AbortSignal.any([this.#stopping.signal, AbortSignal.timeout(10_000)]) }).catch(() => undefined);
  }
}
