/**
 * A Kubo daemon as Notarium's IPFS backend, over its RPC API (`/api/v0`) with
 * kubo-rpc-client 7 (the successor of the deprecated ipfs-http-client).
 *
 * Kubo adds content under the same profile as the embedded node: `add` sends
 * `cid-version=1`, `raw-leaves=true`, `chunker=size-1048576` and `max-file-links=1024`
 * (Kubo 0.35+; kubo-rpc-client passes camelCase options as kebab-case query args). The
 * daemon is trusted with nothing that can be checked: the CID of every upload is
 * recomputed locally while the bytes stream out (hash-along.ts) and must equal Kubo's
 * answer, every whole-file `cat` is hashed on the way in and must give the CID asked
 * for, every block from `getBlock` is hashed, and a CAR is verified locally in full
 * before `dag/import` sees it. Range reads (`cat` with offset/length) cannot be checked
 * this way and trust the daemon; Notarium's retrieval reads whole files and checks
 * their SHA-256 after decryption anyway.
 *
 * No Kubo binary runs in the tests: test/core/ipfs/kubo-backend.test.ts replays RPC
 * exchanges written from the Kubo RPC reference and asserts every request (path, query
 * args, body) and the handling of each answer and error.
 */
import { createReadStream } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { create, type KuboRPCClient } from 'kubo-rpc-client';
import type { CID } from 'multiformats/cid';
import { multiaddr } from '@multiformats/multiaddr';
import { NotariumError } from '../../../shared/errors.ts';
import type { AddOptions, AddResult, CarImportOptions, CarImportResult, CatOptions, GetBlockOptions, IpfsBackend, PinOptions } from './backend.ts';
import { readVerifiedCar } from './car-import.ts';
import type { GcOptions, GcResult } from './gc.ts';
import { hashAlong } from './hash-along.ts';
import { kuboStatus, toKuboError } from './kubo-errors.ts';
import { UNIXFS_V1_2025, type UnixfsProfile } from './profile.ts';
import { verifyBlock } from './verified-blockstore.ts';

/** Oldest Kubo whose `add` honours `max-file-links` (needed for the profile's CIDs). */
export const MIN_KUBO_VERSION = '0.35.0';

/** Options of KuboBackend.connect. */
export interface KuboBackendOptions {
  /** Default UNIXFS_V1_2025. */
  profile?: UnixfsProfile;
  /** Extra HTTP headers on every request, e.g. an Authorization for Kubo's API.Authorizations. */
  headers?: Record<string, string>;
  /** Skip the version check at connect (tests of single calls only). */
  skipVersionCheck?: boolean;
}

/** The `add` query args for `profile`, in kubo-rpc-client's camelCase. */
export function kuboAddOptions(profile: UnixfsProfile): { cidVersion: 1; rawLeaves: boolean; chunker: string; maxFileLinks: number; pin: false } {
  return { cidVersion: profile.cidVersion, rawLeaves: profile.rawLeaves, chunker: `size-${profile.chunkSize}`, maxFileLinks: profile.maxLinksPerNode, pin: false };
}

/** A Kubo node as an IpfsBackend. Create with `KuboBackend.connect`. */
export class KuboBackend implements IpfsBackend {
  readonly kind = 'kubo';
  readonly profile: UnixfsProfile;
  /** The RPC base, e.g. 'http://127.0.0.1:5001'. */
  readonly url: string;
  /** The daemon's version, as reported at connect ('' when the check was skipped). */
  readonly version: string;
  readonly #client: KuboRPCClient;
  readonly #agent: http.Agent;
  #stopped = false;

  private constructor(client: KuboRPCClient, agent: http.Agent, url: string, version: string, profile: UnixfsProfile) {
    this.#client = client;
    this.#agent = agent;
    this.url = url;
    this.version = version;
    this.profile = profile;
  }

  /**
   * Connects to the Kubo RPC API at `url` (e.g. 'http://127.0.0.1:5001') and checks the
   * daemon's version.
   *
   * @throws NotariumError('INVALID_INPUT') for a URL that is not http(s) or a Kubo older
   *   than MIN_KUBO_VERSION; ('IPFS_FAILED') when the daemon cannot be reached.
   */
  static async connect(url: string, options: KuboBackendOptions = {}): Promise<KuboBackend> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error) {
      throw new NotariumError('INVALID_INPUT', `Kubo RPC URL '${url}' is not a URL (e.g. http://127.0.0.1:5001)`, { cause: error });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new NotariumError('INVALID_INPUT', `Kubo RPC URL '${url}' must be http:// or https://`);
    const base = parsed.origin + (parsed.pathname === '/' ? '' : parsed.pathname.replace(/\/$/, ''));
    // Our own agent, so stop() can close its keep-alive sockets.
    const agent = parsed.protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets: 6 }) : new http.Agent({ keepAlive: true, maxSockets: 6 });
    const client = create({ url: base, agent, ...(options.headers === undefined ? {} : { headers: options.headers }) });
    let version = '';
    if (options.skipVersionCheck !== true) {
      try {
        version = (await client.version()).version;
      } catch (error) {
        agent.destroy();
        throw toKuboError(error, 'cannot connect to Kubo', base);
      }
      if (compareVersions(version, MIN_KUBO_VERSION) < 0) {
        agent.destroy();
        throw new NotariumError('INVALID_INPUT', `Kubo ${version} at ${base} is too old: ${MIN_KUBO_VERSION} or later is needed for 'ipfs add --max-file-links' (the unixfs-v1-2025 profile)`, {
          details: { version, minimum: MIN_KUBO_VERSION },
        });
      }
    }
    return new KuboBackend(client, agent, base, version, options.profile ?? UNIXFS_V1_2025);
  }

  /** See IpfsBackend.addBytes. */
  async addBytes(bytes: Uint8Array, options: AddOptions = {}): Promise<AddResult> {
    return this.addStream([bytes], options);
  }

  /**
   * See IpfsBackend.addStream. Uploads to `/api/v0/add` with the profile's options and
   * `pin=false`, streaming; the CID Kubo reports must equal the one computed locally.
   *
   * @throws NotariumError('CID_MISMATCH') when Kubo's CID differs (an older or
   *   misconfigured daemon chunked the file another way); see also IpfsBackend.
   */
  async addStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: AddOptions = {}): Promise<AddResult> {
    this.#assertRunning();
    const along = hashAlong(source, this.profile, options.signal === undefined ? {} : { signal: options.signal });
    let remote: CID;
    try {
      const added = await this.#client.add(along.chunks, { ...kuboAddOptions(this.profile), ...(options.signal === undefined ? {} : { signal: options.signal }) });
      remote = added.cid;
    } catch (error) {
      throw toKuboError(error, 'cannot add content to Kubo', this.url, options.signal);
    }
    const local = await along.result;
    // Compared as strings: CID.equals is a type guard that would narrow `remote` to never.
    if (local.cid.toString() !== remote.toString()) {
      throw new NotariumError('CID_MISMATCH', `Kubo stored the content as ${remote.toString()}, but the ${this.profile.name} profile gives ${local.cid.toString()}: check that the daemon is Kubo ${MIN_KUBO_VERSION}+ and honours max-file-links`, {
        details: { kubo: remote.toString(), expected: local.cid.toString() },
      });
    }
    return local;
  }

  /**
   * See IpfsBackend.cat: `/api/v0/cat`. A whole-file read is hashed as it streams and
   * fails with 'CID_MISMATCH' at its end if the bytes do not give `cid` (content added
   * under another profile fails the same way); range reads trust the daemon.
   */
  async *cat(cid: CID, options: CatOptions = {}): AsyncGenerator<Uint8Array> {
    this.#assertRunning();
    for (const [name, value] of [
      ['offset', options.offset],
      ['length', options.length],
    ] as const) {
      if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
        throw new NotariumError('INVALID_INPUT', `${name} must be a non-negative integer (bytes)`, { details: { [name]: value } });
      }
    }
    const ranged = options.offset !== undefined || options.length !== undefined;
    const request = {
      ...(options.offset === undefined ? {} : { offset: options.offset }),
      ...(options.length === undefined ? {} : { length: options.length }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    };
    try {
      if (ranged) {
        yield* this.#client.cat(cid, request);
        return;
      }
      const along = hashAlong(this.#client.cat(cid, request), this.profile);
      yield* along.chunks;
      const got = await along.result;
      if (got.cid.toString() !== cid.toString()) {
        throw new NotariumError('CID_MISMATCH', `Kubo served ${got.size} bytes for ${cid.toString()} that give ${got.cid.toString()} under the ${this.profile.name} profile`, {
          details: { cid: cid.toString(), got: got.cid.toString(), integrity: 'altered' },
        });
      }
    } catch (error) {
      throw toKuboError(error, `cannot read ${cid.toString()} from Kubo`, this.url, options.signal, { cid: cid.toString() });
    }
  }

  /** See IpfsBackend.pin: `/api/v0/pin/add` (recursive). Kubo fetches missing blocks itself. */
  async pin(cid: CID, options: PinOptions = {}): Promise<void> {
    this.#assertRunning();
    try {
      const pinned: string[] = [];
      for await (const got of this.#client.pin.addAll([{ cid, recursive: true }], options.signal === undefined ? {} : { signal: options.signal })) pinned.push(got.toString());
      if (!pinned.includes(cid.toString())) {
        throw new NotariumError('IPFS_FAILED', `Kubo did not confirm the pin of ${cid.toString()} (it answered ${pinned.join(', ') || 'nothing'})`, { details: { cid: cid.toString(), pinned } });
      }
    } catch (error) {
      throw toKuboError(error, `cannot pin ${cid.toString()} on Kubo`, this.url, options.signal, { cid: cid.toString() });
    }
  }

  /** See IpfsBackend.isPinned: `/api/v0/pin/ls?type=recursive`. */
  async isPinned(cid: CID): Promise<boolean> {
    this.#assertRunning();
    try {
      for await (const pin of this.#client.pin.ls({ paths: [cid], type: 'recursive' })) {
        if (pin.cid.equals(cid)) return true;
      }
      return false;
    } catch (error) {
      // Kubo answers 500 "path '…' is not pinned" rather than an empty list.
      if (kuboStatus(error) === 500 && /is not pinned/i.test((error as Error).message)) return false;
      throw toKuboError(error, `cannot list the pins of ${cid.toString()} on Kubo`, this.url, undefined, { cid: cid.toString() });
    }
  }

  /** See IpfsBackend.has: `/api/v0/block/stat` with `offline=true`, so Kubo does not search the network. */
  async has(cid: CID): Promise<boolean> {
    this.#assertRunning();
    try {
      const offline = { offline: true } as Parameters<KuboRPCClient['block']['stat']>[1];
      await this.#client.block.stat(cid, offline);
      return true;
    } catch (error) {
      const mapped = toKuboError(error, `cannot look up ${cid.toString()} on Kubo`, this.url, undefined, { cid: cid.toString() });
      if (mapped.code === 'NOT_FOUND') return false;
      throw mapped;
    }
  }

  /** See IpfsBackend.getBlock: `/api/v0/block/get` with `offline=true`; the bytes are hashed here. */
  async getBlock(cid: CID, options: GetBlockOptions = {}): Promise<Uint8Array> {
    this.#assertRunning();
    let bytes: Uint8Array;
    try {
      const request = { offline: true, ...(options.signal === undefined ? {} : { signal: options.signal }) } as Parameters<KuboRPCClient['block']['get']>[1];
      bytes = await this.#client.block.get(cid, request);
    } catch (error) {
      throw toKuboError(error, `cannot read block ${cid.toString()} from Kubo`, this.url, options.signal, { cid: cid.toString() });
    }
    await verifyBlock(cid, bytes);
    return bytes;
  }

  /**
   * See IpfsBackend.importCar. The file is verified here first (readVerifiedCar; blocks
   * Kubo already has count as present), then streamed to `/api/v0/dag/import` with
   * `pin-roots=true`; every root must come back pinned.
   */
  async importCar(file: string, options: CarImportOptions = {}): Promise<CarImportResult> {
    this.#assertRunning();
    const result = await readVerifiedCar(file, { has: (cid) => this.has(cid), getBlock: (cid) => this.getBlock(cid) }, options.signal === undefined ? {} : { signal: options.signal });
    const expected = new Set(result.roots.map((root) => root.toString()));
    try {
      for await (const { root } of this.#client.dag.import(readChunks(file), { pinRoots: true, ...(options.signal === undefined ? {} : { signal: options.signal }) })) {
        if (root.pinErrorMsg !== undefined && root.pinErrorMsg !== '') {
          throw new NotariumError('IPFS_FAILED', `Kubo imported ${file} but could not pin ${root.cid.toString()}: ${root.pinErrorMsg}`, { details: { cid: root.cid.toString() } });
        }
        expected.delete(root.cid.toString());
      }
    } catch (error) {
      throw toKuboError(error, `cannot import ${file} into Kubo`, this.url, options.signal, { path: file });
    }
    if (expected.size > 0) {
      throw new NotariumError('IPFS_FAILED', `Kubo did not report pinning root(s) ${[...expected].join(', ')} of ${file}`, { details: { missing: [...expected] } });
    }
    return result;
  }

  /** See IpfsBackend.addresses: the daemon's own addresses from `/api/v0/id`. */
  async addresses(): Promise<string[]> {
    this.#assertRunning();
    try {
      const id = await this.#client.id();
      const peer = id.id.toString();
      return id.addresses.map((ma) => ma.toString()).map((ma) => (ma.includes('/p2p/') ? ma : `${ma}/p2p/${peer}`));
    } catch (error) {
      throw toKuboError(error, 'cannot read the addresses of Kubo', this.url);
    }
  }

  /** See IpfsBackend.connect: `/api/v0/swarm/connect` for each address. */
  async connect(multiaddrs: readonly string[], options: GetBlockOptions = {}): Promise<void> {
    this.#assertRunning();
    for (const address of multiaddrs) {
      try {
        await this.#client.swarm.connect(multiaddr(address), options.signal === undefined ? {} : { signal: options.signal });
      } catch (error) {
        throw toKuboError(error, `Kubo cannot connect to ${address}`, this.url, options.signal, { peer: address });
      }
    }
  }

  /** See IpfsBackend.commit: nothing to do, Kubo makes each add and pin durable itself. */
  async commit(): Promise<void> {
    this.#assertRunning();
  }

  /**
   * See IpfsBackend.gc: refused. The daemon manages its own storage (and may hold other
   * users' data); `ipfs repo gc` there keeps every pin Notarium made.
   * @throws NotariumError('INVALID_INPUT') always.
   */
  async gc(_options?: GcOptions): Promise<GcResult> {
    this.#assertRunning();
    throw new NotariumError('INVALID_INPUT', 'The IPFS backend is a Kubo daemon, which manages its own storage: run `ipfs repo gc` on it (it keeps every pin Notarium made).');
  }

  /** See IpfsBackend.stop: closes the HTTP connections; the daemon keeps running. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#agent.destroy();
  }

  #assertRunning(): void {
    if (this.#stopped) throw new NotariumError('IPFS_FAILED', 'the Kubo backend is stopped');
  }
}

async function* readChunks(file: string): AsyncGenerator<Uint8Array> {
  for await (const chunk of createReadStream(file, { highWaterMark: 1_048_576 })) yield chunk as Buffer;
}

/** Compares dotted versions numerically ('0.35.0' < '0.100.1'); a suffix like '-rc1' is ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string): number[] => v.replace(/^v/, '').split(/[-+]/)[0]?.split('.').map((n) => Number.parseInt(n, 10) || 0) ?? [];
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
