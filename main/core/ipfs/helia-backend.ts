/**
 * The embedded IPFS node: Helia 7 with its blockstore and datastore on disk and, by
 * default, no networking at all.
 *
 * The node is built with `createHeliaLight`: no libp2p, no Bitswap, no HTTP gateway or
 * delegated-routing clients, no routers. Nothing in it can open a socket, and no peer
 * key is generated. (Helia's default `createHelia` dials the public bootstrap peers and
 * queries delegated routers over HTTPS: never used here.) Every read passes
 * `offline: true`, so a missing block fails at once with NOT_FOUND.
 *
 * With networking mode 'peers' (opt-in), networking.ts adds libp2p over TCP, Bitswap
 * and a LAN DHT with only the peers the user names; `pin` and `cat` then fetch missing
 * blocks from those peers first (each within a timeout), and pinned roots are provided.
 *
 * Layout under the folder given to `open`:
 *   blocks/      VerifiedFsBlockstore (blockstore-fs layout; verified reads)
 *   datastore/   DurableFsDatastore (datastore-fs layout; Helia's pins)
 */
import path from 'node:path';
import { unixfs, type UnixFS } from '@helia/unixfs';
import type { AddOptions as PinAddOptions, Helia } from 'helia';
import { createOfflineHelia } from './helia-light.ts';
import { importByteStream } from 'ipfs-unixfs-importer';
import type { CID } from 'multiformats/cid';
import { NotariumError } from '../../../shared/errors.ts';
import type { AddOptions, AddResult, CarImportOptions, CarImportResult, CatOptions, GetBlockOptions, IpfsBackend, PinOptions } from './backend.ts';
import { DurableFsDatastore } from './durable-datastore.ts';
import type { Durability } from '../fs/durable-files.ts';
import { toIpfsError } from './errors.ts';
import { collectGarbage, type GcOptions, type GcResult } from './gc.ts';
import { GcGate } from './gc-gate.ts';
import { meterSource } from './metered-source.ts';
import type { HeliaNetwork, PeersNetworking } from './networking.ts';
import { leafSkippingWalker } from './pin-walker.ts';
import { importerOptions, UNIXFS_V1_2025 } from './profile.ts';
import { VerifiedFsBlockstore } from './verified-blockstore.ts';
import { catInWindows } from './windowed-cat.ts';
import { WriteBehind } from './write-behind.ts';

/**
 * Networking of the embedded node: 'off' (the default: no libp2p is even loaded), or
 * 'peers': libp2p over TCP with only the listed peers (networking.ts).
 */
export type HeliaNetworking = { readonly mode: 'off' } | PeersNetworking;

/** Options of HeliaBackend.open. */
export interface HeliaBackendOptions {
  /** Default `{ mode: 'off' }`. */
  networking?: HeliaNetworking;
  /**
   * 'batched' (default) or 'fsync': an add or pin that resolved (or, with `commit: false`,
   * was followed by a `commit()`) survives a power cut; 'batched' syncs many blocks at
   * once (group commit, durable-files.ts). 'none': survives an app crash only; for
   * throwaway nodes.
   */
  durability?: Durability;
  /** Chunks the importer hashes per batch while adding; default 8 (1 MiB each): more gained no speed here and cost RSS. */
  blockWriteConcurrency?: number;
  /**
   * Chunks queued for writing while the next ones are hashed (write-behind.ts);
   * default 8. Adding holds up to blockWriteConcurrency + writeBehindBlocks chunks (16 MiB).
   */
  writeBehindBlocks?: number;
  /**
   * Chunks `cat` reads ahead of its consumer (and in parallel); default 8, so about
   * 8 MiB of a file is in memory at a time (windowed-cat.ts).
   */
  blockReadConcurrency?: number;
}

/** Key prefix of Helia's pin records, which its pinner writes after all block records. */
const PIN_PREFIX = '/pin/';

/**
 * Key prefix of Helia's per-block pin records. With group commit they are held back too
 * (durable-datastore.ts): a pin cut short by a crash must not leave blocks marked pinned.
 */
const PINNED_BLOCK_PREFIX = '/pinned-block/';

/** The embedded Helia node as an IpfsBackend. Create with `HeliaBackend.open`. */
export class HeliaBackend implements IpfsBackend {
  readonly kind = 'helia';
  readonly profile = UNIXFS_V1_2025;
  /** The underlying node, for features beyond IpfsBackend (e.g. CAR export). */
  readonly helia: Helia;
  readonly #fs: UnixFS;
  readonly #blockstore: VerifiedFsBlockstore;
  readonly #datastore: DurableFsDatastore;
  readonly #blockWriteConcurrency: number;
  readonly #blockReadConcurrency: number;
  readonly #writeBehindBytes: number;
  readonly #folder: string;
  /** Keeps gc away from adds and pins in flight and from adds not pinned yet. */
  readonly #gate = new GcGate();
  /** Present in networking mode 'peers'. */
  readonly network: HeliaNetwork | undefined;
  #stopped: Promise<void> | undefined;

  private constructor(helia: Helia, blockstore: VerifiedFsBlockstore, datastore: DurableFsDatastore, folder: string, network: HeliaNetwork | undefined, options: HeliaBackendOptions) {
    this.helia = helia;
    this.#folder = folder;
    this.network = network;
    this.#fs = unixfs(helia);
    this.#blockstore = blockstore;
    this.#datastore = datastore;
    this.#blockWriteConcurrency = options.blockWriteConcurrency ?? 8;
    this.#blockReadConcurrency = options.blockReadConcurrency ?? 8;
    this.#writeBehindBytes = (options.writeBehindBlocks ?? 8) * this.profile.chunkSize;
  }

  /**
   * Opens (creating if needed, mode 0700) the node stored in `folder`, typically
   * `<dataDir>/ipfs`. Starts in ~10 ms offline (bench/ipfs.ts). One process at a time
   * per folder. With networking 'peers' it listens before this resolves and dials its
   * peers in the background; the peer key is created once and kept in the datastore.
   *
   * @throws NotariumError('INVALID_INPUT') for an unknown networking mode, a bad
   *   multiaddr or a concurrency below 1; NotariumError('IPFS_FAILED') if the stores
   *   cannot be opened or a listen address cannot be bound.
   */
  static async open(folder: string, options: HeliaBackendOptions = {}): Promise<HeliaBackend> {
    const networking = options.networking ?? { mode: 'off' };
    if (networking.mode !== 'off' && networking.mode !== 'peers') {
      throw new NotariumError('INVALID_INPUT', `unknown IPFS networking mode '${String((networking as { mode: unknown }).mode)}'; use 'off' or 'peers'`);
    }
    // libp2p is loaded only for a node that networks.
    const networkModule = networking.mode === 'peers' ? await import('./networking.ts') : undefined;
    for (const [name, value] of [
      ['blockWriteConcurrency', options.blockWriteConcurrency],
      ['blockReadConcurrency', options.blockReadConcurrency],
      ['writeBehindBlocks', options.writeBehindBlocks],
    ] as const) {
      if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1)) {
        throw new NotariumError('INVALID_INPUT', `${name} must be a positive integer`, { details: { [name]: value } });
      }
    }
    const durability = options.durability ?? 'batched';
    if (durability !== 'fsync' && durability !== 'batched' && durability !== 'none') {
      throw new NotariumError('INVALID_INPUT', `unknown durability '${String(durability)}'`);
    }
    const blockstore = new VerifiedFsBlockstore(path.join(folder, 'blocks'), durability);
    const datastore = new DurableFsDatastore(path.join(folder, 'datastore'), { durability, commitPrefixes: durability === 'batched' ? [PIN_PREFIX, PINNED_BLOCK_PREFIX] : [PIN_PREFIX] });
    try {
      await blockstore.open();
      await datastore.open();
      const helia = await createOfflineHelia({ blockstore, datastore });
      const network = networkModule !== undefined && networking.mode === 'peers' ? networkModule.HeliaNetwork.attach(helia, networking) : undefined;
      try {
        await helia.start();
      } catch (error) {
        await helia.stop().catch(() => undefined);
        throw error;
      }
      network?.started();
      return new HeliaBackend(helia, blockstore, datastore, folder, network, options);
    } catch (error) {
      await blockstore.close().catch(() => undefined);
      await datastore.close().catch(() => undefined);
      throw toIpfsError(error, `cannot open the IPFS node in ${folder}`, { folder });
    }
  }

  /** See IpfsBackend.addBytes. */
  async addBytes(bytes: Uint8Array, options: AddOptions = {}): Promise<AddResult> {
    return this.addStream([bytes], options);
  }

  /**
   * See IpfsBackend.addStream. Blocks are written while later chunks are hashed
   * (write-behind.ts); it resolves once all are durable (with `commit: false`: written,
   * durable at the next `commit()`). On failure or abort, blocks already written stay
   * (unpinned) and are harmless.
   */
  async addStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: AddOptions = {}): Promise<AddResult> {
    this.#assertRunning();
    return this.#gate.shared(async () => {
      const result = await this.#addStream(source, options);
      this.#gate.added(result.cid);
      return result;
    });
  }

  async #addStream(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: AddOptions): Promise<AddResult> {
    const metered = meterSource(source, options.signal);
    try {
      // The importer itself (not @helia/unixfs addByteStream, a thin wrapper over it),
      // as cidOfStream uses: one code path decides the CID whether or not it stores.
      // It takes no signal: the metered source stops at the next chunk.
      const writer = new WriteBehind(this.helia.blockstore, this.#writeBehindBytes);
      let cid: CID;
      try {
        ({ cid } = await importByteStream(metered.chunks, writer, importerOptions(this.profile, { blockWriteConcurrency: this.#blockWriteConcurrency })));
      } catch (error) {
        // Let queued writes settle so nothing touches the store after we return.
        await writer.drain().catch(() => undefined);
        throw error;
      }
      await writer.drain();
      if (options.commit !== false) await this.#blockstore.flush();
      return { cid, size: metered.bytes() };
    } catch (error) {
      throw toIpfsError(error, 'cannot add content to IPFS', undefined, options.signal);
    }
  }

  /**
   * See IpfsBackend.cat. With networking, first makes the whole DAG local (fetching
   * missing blocks from peers, see HeliaNetwork.fetchDag), then reads it from disk.
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
    try {
      if (this.network !== undefined) await this.#fetch(cid, options.signal);
      yield* catInWindows(this.#fs, cid, {
        offset: options.offset,
        length: options.length,
        signal: options.signal,
        windowSize: this.#blockReadConcurrency * this.profile.chunkSize,
        blockReadConcurrency: this.#blockReadConcurrency,
      });
    } catch (error) {
      throw toIpfsError(error, `cannot read ${cid.toString()} from IPFS`, { cid: cid.toString() }, options.signal);
    }
  }

  /**
   * See IpfsBackend.pin. Inner nodes are read and verified, raw leaves checked for
   * presence (pin-walker.ts). Durable when it resolves. With networking, missing blocks
   * are fetched from peers first (NOT_FOUND if one does not arrive in time), and the
   * pinned root is then provided to the DHT in the background.
   */
  async pin(cid: CID, options: PinOptions = {}): Promise<void> {
    this.#assertRunning();
    await this.#gate.shared(() => this.#pin(cid, options));
    this.#gate.pinned(cid);
  }

  async #pin(cid: CID, options: PinOptions): Promise<void> {
    try {
      if (await this.isPinned(cid)) return;
      if (this.network !== undefined) await this.#fetch(cid, options.signal);
      // pins.add is lazy: nothing is recorded unless its generator is drained.
      // `offline` reaches the walker's block reads (Helia passes options through).
      const addOptions: PinAddOptions & { offline: true } = { walker: leafSkippingWalker(), offline: true, signal: options.signal };
      for await (const _ of this.helia.pins.add(cid, addOptions)) {
        options.signal?.throwIfAborted();
      }
      // Blocks first, then the records: with 'batched' the pin record is held back until
      // this flush (durable-datastore.ts). With `commit: false` a later commit() does it.
      if (options.commit !== false) await this.commit();
      this.network?.provide([cid]);
    } catch (error) {
      // A concurrent pin of the same CID finished first: the pin exists, as asked.
      if (error instanceof Error && error.name === 'AlreadyPinnedError') return;
      throw toIpfsError(error, `cannot pin ${cid.toString()}`, { cid: cid.toString() }, options.signal);
    }
  }

  /**
   * See IpfsBackend.commit: makes the blocks, then the pin records, written since the
   * last commit durable (durable-files.ts, group commit).
   * @throws NotariumError('DISK_FULL') or ('IPFS_FAILED') if a flush fails; what it
   *   covered stays pending for the next commit.
   */
  async commit(): Promise<void> {
    this.#assertRunning();
    try {
      await this.#blockstore.flush();
      await this.#datastore.flush();
    } catch (error) {
      throw toIpfsError(error, 'cannot commit to the IPFS store');
    }
  }

  /**
   * See IpfsBackend.gc and gc.ts. Waits for adds, pins and CAR imports in flight (new ones
   * wait for it), commits pending adds and pins, then deletes, under Helia's blockstore
   * write lock, every unpinned block older than `graceSeconds` that is not in the DAG of
   * an add this process has not pinned yet.
   * @throws NotariumError('INVALID_INPUT') for a negative or non-finite graceSeconds;
   *   ('CANCELLED') when aborted (blocks deleted so far stay deleted); ('DISK_FULL') or
   *   ('IPFS_FAILED') on a storage error.
   */
  async gc(options: GcOptions = {}): Promise<GcResult> {
    this.#assertRunning();
    const grace = options.graceSeconds;
    if (grace !== undefined && !(Number.isFinite(grace) && grace >= 0)) {
      throw new NotariumError('INVALID_INPUT', 'graceSeconds must be a non-negative number of seconds', { details: { graceSeconds: grace } });
    }
    try {
      return await this.#gate.exclusive(async () => {
        // A block about to be deleted must not be waiting in a group commit's flush.
        await this.commit();
        return collectGarbage(this.helia, this.#blockstore, this.#gate.awaitingPin(), options);
      });
    } catch (error) {
      throw toIpfsError(error, 'cannot collect garbage in the IPFS store', undefined, options.signal);
    }
  }

  /** See IpfsBackend.isPinned. */
  async isPinned(cid: CID): Promise<boolean> {
    this.#assertRunning();
    try {
      // The pin record is written last, so it exists only for a pin that completed
      // (helia.pins.isPinned instead reports whether any pin holds this block).
      await this.helia.pins.get(cid);
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'NotFoundError') return false;
      throw toIpfsError(error, `cannot read the pin of ${cid.toString()}`, { cid: cid.toString() });
    }
  }

  /** See IpfsBackend.has. */
  async has(cid: CID): Promise<boolean> {
    this.#assertRunning();
    try {
      return await this.helia.blockstore.has(cid);
    } catch (error) {
      throw toIpfsError(error, `cannot look up ${cid.toString()}`, { cid: cid.toString() });
    }
  }

  /** See IpfsBackend.getBlock: read from disk only, verified (verified-blockstore.ts). */
  async getBlock(cid: CID, options: GetBlockOptions = {}): Promise<Uint8Array> {
    this.#assertRunning();
    try {
      const parts: Uint8Array[] = [];
      for await (const part of this.#blockstore.get(cid, options)) parts.push(part);
      return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
    } catch (error) {
      throw toIpfsError(error, `cannot read block ${cid.toString()}`, { cid: cid.toString() }, options.signal);
    }
  }

  /**
   * See IpfsBackend.importCar. Verified blocks are staged under `<folder>/staging/` and
   * moved into the blockstore only after the whole file passed (car-stage.ts); then
   * every root is pinned (and provided, with networking).
   */
  async importCar(file: string, options: CarImportOptions = {}): Promise<CarImportResult> {
    this.#assertRunning();
    // Adopted blocks are unpinned until their root's pin: gc waits for the whole import.
    return this.#gate.shared(async () => {
      const { importCarStaged } = await import('./car-stage.ts');
      const result = await importCarStaged(file, this.#blockstore, path.join(this.#folder, 'staging'), options);
      // One commit for all the pins (a CAR of a dataset has two roots per file), not one each.
      for (const root of result.roots) await this.pin(root, { ...options, commit: false });
      await this.commit();
      return result;
    });
  }

  /** See IpfsBackend.addresses: the listening multiaddrs with networking, else []. */
  async addresses(): Promise<string[]> {
    this.#assertRunning();
    return this.network?.addresses() ?? [];
  }

  /** See IpfsBackend.connect; a no-op without networking. */
  async connect(multiaddrs: readonly string[], options: GetBlockOptions = {}): Promise<void> {
    this.#assertRunning();
    await this.network?.connect(multiaddrs, options.signal);
  }

  /** See IpfsBackend.stop. Waits for nothing in flight: stop after your calls settle. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      try {
        await this.network?.stop();
        await this.helia.stop();
        await this.#blockstore.close();
        await this.#datastore.close();
      } catch (error) {
        throw toIpfsError(error, 'cannot stop the IPFS node');
      }
    })();
    return this.#stopped;
  }

  /** Makes `cid`'s DAG local from peers, durably (networking only). */
  async #fetch(cid: CID, signal: AbortSignal | undefined): Promise<void> {
    await this.network?.fetchDag(cid, signal);
    await this.#blockstore.flush();
  }

  #assertRunning(): void {
    if (this.#stopped !== undefined) throw new NotariumError('IPFS_FAILED', 'the IPFS node is stopped');
  }
}
