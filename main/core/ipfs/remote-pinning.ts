/**
 * A local backend (the embedded node with networking, or Kubo) plus remote pins at an
 * IPFS Pinning Service: everything is stored and read locally as before, and each local
 * pin also asks the service to pin the same CID, giving our node's multiaddrs as
 * `origins` (and dialling the service's `delegates`) so it can fetch the blocks from
 * us. A pinning service cannot take content itself: it always fetches it over IPFS.
 *
 * `pin` returns once the service accepted the request (usually `queued`); the remote
 * copy completes in the background. `remoteStatus` and `waitUntilPinned` report it.
 */
import type { CID } from 'multiformats/cid';
import type { AddOptions, AddResult, CarImportOptions, CarImportResult, CatOptions, GetBlockOptions, IpfsBackend, PinOptions } from './backend.ts';
import type { GcOptions, GcResult } from './gc.ts';
import type { PinningServiceClient, PinStatus, WaitOptions } from './pinning-service.ts';
import type { UnixfsProfile } from './profile.ts';

/** The spec allows at most 20 origins per pin. */
const MAX_ORIGINS = 20;

/** Options of RemotePinningBackend. */
export interface RemotePinningOptions {
  /** Extra `Pin.meta` entries on every request (strings); `app: 'notarium'` is always set. */
  meta?: Record<string, string>;
}

/** `local` with every pin mirrored at a pinning service. */
export class RemotePinningBackend implements IpfsBackend {
  readonly kind = 'pinning-service';
  readonly local: IpfsBackend;
  readonly service: PinningServiceClient;
  readonly #meta: Record<string, string>;

  constructor(local: IpfsBackend, service: PinningServiceClient, options: RemotePinningOptions = {}) {
    this.local = local;
    this.service = service;
    this.#meta = { ...options.meta, app: 'notarium' };
  }

  get profile(): UnixfsProfile {
    return this.local.profile;
  }

  addBytes(bytes: Uint8Array, options?: AddOptions): Promise<AddResult> {
    return this.local.addBytes(bytes, options);
  }

  addStream(source: AsyncIterable<Uint8Array>, options?: AddOptions): Promise<AddResult> {
    return this.local.addStream(source, options);
  }

  cat(cid: CID, options?: CatOptions): AsyncIterable<Uint8Array> {
    return this.local.cat(cid, options);
  }

  /**
   * Pins locally, then requests the remote pin (see requestRemotePin).
   * @throws the local backend's errors; the PinningServiceClient's (e.g. 'FORBIDDEN'
   *   for a rejected token) — the local pin stands then.
   */
  async pin(cid: CID, options: PinOptions = {}): Promise<void> {
    await this.local.pin(cid, options);
    await this.requestRemotePin(cid, options.signal);
  }

  /** True if pinned locally (the remote side: remoteStatus). */
  isPinned(cid: CID): Promise<boolean> {
    return this.local.isPinned(cid);
  }

  has(cid: CID): Promise<boolean> {
    return this.local.has(cid);
  }

  getBlock(cid: CID, options?: GetBlockOptions): Promise<Uint8Array> {
    return this.local.getBlock(cid, options);
  }

  /** Imports locally (all or nothing), then requests a remote pin of every root. */
  async importCar(file: string, options: CarImportOptions = {}): Promise<CarImportResult> {
    const result = await this.local.importCar(file, options);
    for (const root of result.roots) await this.requestRemotePin(root, options.signal);
    return result;
  }

  addresses(): Promise<string[]> {
    return this.local.addresses();
  }

  connect(multiaddrs: readonly string[], options?: GetBlockOptions): Promise<void> {
    return this.local.connect(multiaddrs, options);
  }

  /**
   * Asks the service to pin `cid` unless a request for it is already queued, pinning or
   * pinned there (idempotent across restarts). Origins: the local node's addresses.
   * Then dials the service's delegates, best effort, so the transfer starts at once.
   */
  async requestRemotePin(cid: CID, signal?: AbortSignal): Promise<PinStatus> {
    const existing = await this.service.list({ cid: [cid.toString()], status: ['queued', 'pinning', 'pinned'], limit: 1 }, signal);
    const current = existing.results[0];
    if (current !== undefined) return current;
    const origins = (await this.local.addresses()).slice(0, MAX_ORIGINS);
    const status = await this.service.add({ cid: cid.toString(), origins, meta: this.#meta }, signal);
    if (status.delegates.length > 0) {
      await this.local.connect(status.delegates.filter((d) => d.includes('/p2p/')), signal === undefined ? {} : { signal }).catch(() => undefined);
    }
    return status;
  }

  /** The newest pin request for `cid` at the service, whatever its status; undefined if none. */
  async remoteStatus(cid: CID, signal?: AbortSignal): Promise<PinStatus | undefined> {
    const page = await this.service.list({ cid: [cid.toString()], status: ['queued', 'pinning', 'pinned', 'failed'], limit: 1 }, signal);
    return page.results[0];
  }

  /** Waits until the service reports `cid` pinned (PinningServiceClient.waitUntilPinned). */
  async waitUntilPinned(cid: CID, options: WaitOptions = {}): Promise<PinStatus> {
    const status = (await this.remoteStatus(cid, options.signal)) ?? (await this.requestRemotePin(cid, options.signal));
    return status.status === 'pinned' ? status : this.service.waitUntilPinned(status.requestid, options);
  }

  /** See IpfsBackend.commit: the local node's (remote pins are requested per pin). */
  commit(): Promise<void> {
    return this.local.commit();
  }

  /** See IpfsBackend.gc: the local node's (remote pins are the service's business). */
  gc(options?: GcOptions): Promise<GcResult> {
    return this.local.gc(options);
  }

  stop(): Promise<void> {
    return this.local.stop();
  }
}
