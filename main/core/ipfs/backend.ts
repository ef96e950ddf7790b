/**
 * The one storage interface of Notarium (DESIGN.md §4). Implementations: the embedded
 * Helia node (HeliaBackend, offline or joined to chosen peers), a Kubo node over
 * kubo-rpc-client (KuboBackend), and either of them with remote pins at an IPFS Pinning
 * Service (RemotePinningBackend). Every implementation adds content under the same
 * UnixFS profile, so a CID means the same bytes whichever backend stored it.
 */
import type { CID } from 'multiformats/cid';
import type { GcOptions, GcResult } from './gc.ts';
import type { UnixfsProfile } from './profile.ts';

/** Implementations: the embedded node, a Kubo daemon, either one plus a pinning service. */
export type IpfsBackendKind = 'helia' | 'kubo' | 'pinning-service';

/** Result of adding content: its root CID and the content length. */
export interface AddResult {
  /** Root CID (CIDv1; `bafkrei...` raw leaf up to one chunk, `bafybei...` dag-pb above). */
  cid: CID;
  /** Content bytes read from the source (not the DAG's encoded size). */
  size: number;
}

/** Options of IpfsBackend.addBytes / addStream. */
export interface AddOptions {
  /** Aborting stops reading the source; the call rejects with NotariumError('CANCELLED'). */
  signal?: AbortSignal;
  /**
   * false: do not make the content durable now; a later `commit()` does, for many adds
   * at once (group commit). Default true.
   */
  commit?: boolean;
}

/** Options of IpfsBackend.cat. */
export interface CatOptions {
  signal?: AbortSignal;
  /** First byte to return, in bytes from the start of the content; default 0. */
  offset?: number;
  /** Most bytes to return; default: up to the end. */
  length?: number;
}

/** Options of IpfsBackend.pin. */
export interface PinOptions {
  signal?: AbortSignal;
  /**
   * false: the pin becomes durable, and visible to isPinned, at the next `commit()`
   * (group commit), after the blocks it covers. Default true.
   */
  commit?: boolean;
}

/** Options of IpfsBackend.importCar. */
export interface CarImportOptions {
  signal?: AbortSignal;
}

/** What IpfsBackend.importCar stored and pinned. */
export interface CarImportResult {
  /** The CAR header's roots, each now pinned recursively. */
  roots: CID[];
  /** Distinct blocks in the CAR. */
  blocks: number;
  /** Sum of their sizes, in bytes. */
  blockBytes: number;
}

/** Options of IpfsBackend.getBlock. */
export interface GetBlockOptions {
  signal?: AbortSignal;
}

/**
 * Content-addressed storage of whole files. Errors are NotariumError: 'NOT_FOUND' (a
 * block is not available; never waits for the network unless the backend is online),
 * 'CID_MISMATCH' (stored bytes do not hash to their CID), 'INVALID_INPUT',
 * 'CANCELLED', 'IPFS_FAILED' (anything else, cause attached).
 */
export interface IpfsBackend {
  /** Which implementation this is, for logs and settings. */
  readonly kind: IpfsBackendKind;
  /** The profile every add uses; manifests record it. */
  readonly profile: UnixfsProfile;

  /** Adds `bytes` as one UnixFS file. Durable when the promise resolves (unless `commit: false`). */
  addBytes(bytes: Uint8Array, options?: AddOptions): Promise<AddResult>;

  /**
   * Adds the concatenation of `source`'s chunks as one UnixFS file, streaming (memory
   * stays bounded by the importer's in-flight chunks). Durable when the promise resolves
   * (unless `commit: false`).
   * Does not pin: call `pin` once the CID is recorded.
   */
  addStream(source: AsyncIterable<Uint8Array>, options?: AddOptions): Promise<AddResult>;

  /**
   * Streams the content of the UnixFS file `cid`, or the `[offset, offset + length)`
   * range of it. Every block is verified against its CID as it is read. Errors surface
   * when iterating: 'NOT_FOUND' (fails fast), 'CID_MISMATCH', 'INVALID_INPUT' (not a
   * file, or offset past the end).
   */
  cat(cid: CID, options?: CatOptions): AsyncIterable<Uint8Array>;

  /**
   * Pins `cid` recursively: its whole DAG is kept locally. Idempotent. Fails with
   * 'NOT_FOUND' if any block of the DAG is missing (nothing is pinned then).
   */
  pin(cid: CID, options?: PinOptions): Promise<void>;

  /** True if `cid` is pinned recursively (a pin that completed). */
  isPinned(cid: CID): Promise<boolean>;

  /** True if `cid`'s root block is stored locally (not proof of the whole DAG; see pin). */
  has(cid: CID): Promise<boolean>;

  /**
   * The bytes of the single block `cid` (not the file it may belong to), checked against
   * the CID. Used to export CARs. 'NOT_FOUND' if it is not stored locally.
   */
  getBlock(cid: CID, options?: GetBlockOptions): Promise<Uint8Array>;

  /**
   * Imports the CARv1 file at `file` all or nothing: every block is checked against its
   * CID and every root's DAG must be complete in the CAR (or already stored) before
   * anything is stored; then the roots are pinned. A truncated or altered CAR fails with
   * 'INVALID_INPUT' or 'CID_MISMATCH' and nothing is imported (car-import.ts).
   */
  importCar(file: string, options?: CarImportOptions): Promise<CarImportResult>;

  /**
   * Multiaddrs (ending in /p2p/<peer id>) at which other IPFS nodes can fetch this
   * node's blocks; [] when the node has no networking. Pinning services get them as
   * `origins`.
   */
  addresses(): Promise<string[]>;

  /**
   * Connects to the peers at `multiaddrs` (each with /p2p/<peer id>), e.g. a pinning
   * service's delegates. A no-op for a node without networking.
   */
  connect(multiaddrs: readonly string[], options?: GetBlockOptions): Promise<void>;

  /**
   * Makes every add and pin made with `commit: false` before the call durable and
   * visible (pins). A no-op for backends that are durable per call (Kubo, pinning
   * services). Errors: 'IPFS_FAILED' (e.g. ENOSPC while flushing), 'DISK_FULL'.
   */
  commit(): Promise<void>;

  /**
   * Garbage collection: deletes the locally stored blocks that no pin holds (gc.ts),
   * keeping those written within `graceSeconds` (default 3600) since an add's pin may
   * still be to come. Every block of every pinned DAG stays. The embedded node only:
   * Kubo ('INVALID_INPUT': run `ipfs repo gc` on the daemon, which manages its own
   * storage); a pinning-service backend collects its local node.
   */
  gc(options?: GcOptions): Promise<GcResult>;

  /** Releases the node (files, sockets). Idempotent; other calls fail afterwards. */
  stop(): Promise<void>;
}
