/**
 * The UnixFS import profile that fixes how bytes become a CID.
 *
 * Notarium imports every object as one UnixFS file under the `unixfs-v1-2025` profile
 * of IPIP-499 (https://specs.ipfs.tech/ipips/ipip-0499/): CIDv1, sha2-256, raw leaves,
 * fixed 1 MiB chunks and a balanced DAG of at most 1024 links per node. Kubo yields the
 * same CID for `ipfs add --cid-version=1 --raw-leaves --chunker=size-1048576
 * --max-file-links=1024` (see kuboAddFlags). The manifest records these parameters, so
 * they live in one frozen constant.
 */
import type { ImporterOptions } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';
import { threadPoolRawLeafImporter } from './raw-leaf-importer.ts';

/** Parameters of a UnixFS file import; all that decides the CID of given bytes. */
export interface UnixfsProfile {
  /** IPIP-499 profile name, recorded in manifests. */
  readonly name: string;
  readonly cidVersion: 1;
  /** Multihash function of every block. */
  readonly hashFunction: 'sha2-256';
  /** Leaves are `raw` (0x55) blocks holding file bytes, not dag-pb UnixFS nodes. */
  readonly rawLeaves: boolean;
  /** Fixed chunk size, in bytes; every leaf holds at most this many bytes. */
  readonly chunkSize: number;
  /** Maximum links per dag-pb node (Kubo's --max-file-links). */
  readonly maxLinksPerNode: number;
  /** DAG layout: balanced (Kubo's default), not trickle. */
  readonly layout: 'balanced';
}

/** The `unixfs-v1-2025` profile (IPIP-499). Frozen: it is part of the receipt format. */
export const UNIXFS_V1_2025: UnixfsProfile = Object.freeze({
  name: 'unixfs-v1-2025',
  cidVersion: 1,
  hashFunction: 'sha2-256',
  rawLeaves: true,
  chunkSize: 1_048_576,
  maxLinksPerNode: 1024,
  layout: 'balanced',
} as const);

/** Throughput knobs that never change the CID. */
export interface ImportTuning {
  /** Chunks the importer hashes per batch before awaiting their writes; default 32. */
  blockWriteConcurrency?: number;
}

/**
 * Options for `ipfs-unixfs-importer` (and `@helia/unixfs` add*) that import one file
 * under `profile`: no wrapping directory, and a file that fits in one chunk is its own
 * raw leaf (`bafkrei...`), as Kubo does with --raw-leaves.
 *
 * The chunker and layout are given explicitly rather than through the importer's own
 * `profile` switch, so `profile` alone decides the DAG (and tests can use a tiny one).
 */
export function importerOptions(profile: UnixfsProfile = UNIXFS_V1_2025, tuning: ImportTuning = {}): ImporterOptions {
  return {
    cidVersion: profile.cidVersion,
    rawLeaves: profile.rawLeaves,
    reduceSingleLeafToSelf: true,
    wrapWithDirectory: false,
    chunker: fixedSize({ chunkSize: profile.chunkSize }),
    layout: balanced({ maxChildrenPerNode: profile.maxLinksPerNode }),
    // Chunks hashed per batch (32 MiB at 1 MiB chunks); the importer waits for a
    // batch's puts before the next, which write-behind.ts makes return early.
    blockWriteConcurrency: tuning.blockWriteConcurrency ?? 32,
    // Leaves are hashed off the main thread (same CIDs; raw-leaf-importer.ts).
    ...(profile.rawLeaves ? { bufferImporter: threadPoolRawLeafImporter() } : {}),
  };
}

/**
 * The `ipfs add` flags under which Kubo computes the same CID as `profile`, e.g.
 * `['--cid-version=1', '--raw-leaves', '--chunker=size-1048576', '--max-file-links=1024']`
 * (older Kubo releases lack `--max-file-links` and use 174 links per node, which gives
 * another CID for files over 174 MiB). For receipts and docs telling a verifier how to
 * recompute a CID by hand.
 */
export function kuboAddFlags(profile: UnixfsProfile = UNIXFS_V1_2025): string[] {
  const flags = [`--cid-version=${profile.cidVersion}`];
  if (profile.rawLeaves) flags.push('--raw-leaves');
  flags.push(`--chunker=size-${profile.chunkSize}`, `--max-file-links=${profile.maxLinksPerNode}`);
  return flags;
}
