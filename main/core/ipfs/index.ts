/**
 * The IPFS service (DESIGN.md §4): content-addressed storage of encrypted payloads and
 * headers under the `unixfs-v1-2025` profile.
 *
 * - IpfsBackend: the one storage interface; HeliaBackend is the embedded node (on-disk,
 *   offline, verified reads, crash-safe writes). Kubo and the Pinning Service API will
 *   implement the same interface.
 * - UNIXFS_V1_2025, importerOptions, kuboAddFlags: the CID profile.
 * - cidOfStream, cidOfFile: a CID without storing anything (`ipfs add --only-hash`).
 *
 * Errors: NotariumError 'NOT_FOUND', 'CID_MISMATCH', 'INVALID_INPUT', 'CANCELLED',
 * 'IPFS_FAILED' (see backend.ts).
 */
export type { AddOptions, AddResult, CatOptions, IpfsBackend, IpfsBackendKind, PinOptions } from './backend.ts';
export { HeliaBackend, type HeliaBackendOptions, type HeliaNetworking } from './helia-backend.ts';
export type { Durability } from '../fs/durable-files.ts';
export { UNIXFS_V1_2025, importerOptions, kuboAddFlags, type ImportTuning, type UnixfsProfile } from './profile.ts';
export { cidOfFile, cidOfStream, type HashOnlyOptions } from './hash-only.ts';
export { verifyBlock } from './verified-blockstore.ts';
