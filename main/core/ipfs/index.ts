/**
 * The IPFS service (DESIGN.md §4, docs/IPFS.md): content-addressed storage of encrypted
 * payloads and headers under the `unixfs-v1-2025` profile.
 *
 * - IpfsBackend: the one storage interface. HeliaBackend is the embedded node (on-disk,
 *   verified reads, crash-safe writes; offline, or networked with chosen peers over
 *   libp2p TCP: networking.ts). KuboBackend drives a Kubo daemon over its RPC API
 *   (kubo-backend.ts; imported on demand, ~55 MB). RemotePinningBackend mirrors the pins
 *   of either at an IPFS Pinning Service (PinningServiceClient).
 * - openIpfsBackend + ipfsSettingsSchema: the backend chosen in settings.json; the
 *   pinning token comes from a SecretStore (keychain) or NOTARIUM_PINNING_TOKEN.
 * - exportCar / IpfsBackend.importCar: CARv1 files for air-gapped transfer (all-or-
 *   nothing, verified import: car-import.ts, car-stage.ts).
 * - UNIXFS_V1_2025, importerOptions, kuboAddFlags: the CID profile.
 * - cidOfStream, cidOfFile: a CID without storing anything (`ipfs add --only-hash`).
 * - IpfsBackend.gc: garbage collection of unpinned blocks, with a grace period (gc.ts).
 *
 * Errors: NotariumError 'NOT_FOUND', 'CID_MISMATCH', 'INVALID_INPUT', 'CANCELLED',
 * 'FORBIDDEN' (pinning service token), 'IPFS_FAILED' (see backend.ts).
 */
export type { AddOptions, AddResult, CarImportOptions, CarImportResult, CatOptions, GetBlockOptions, IpfsBackend, IpfsBackendKind, PinOptions } from './backend.ts';
export { exportCar, type BlockSource, type CarExportOptions, type CarExportResult } from './car-export.ts';
export { readVerifiedCar, MAX_CAR_BLOCK_BYTES, type LocalBlocks } from './car-import.ts';
export { HeliaBackend, type HeliaBackendOptions, type HeliaNetworking } from './helia-backend.ts';
export type { Durability } from '../fs/durable-files.ts';
export { UNIXFS_V1_2025, importerOptions, kuboAddFlags, type ImportTuning, type UnixfsProfile } from './profile.ts';
export { cidOfFile, cidOfStream, type HashOnlyOptions } from './hash-only.ts';
export { verifyBlock } from './verified-blockstore.ts';
export { rememberLeafDigest } from './raw-leaf-importer.ts';
export { releaseWhenStored } from './write-behind.ts';
export { ipfsSettingsSchema, networkingSettingsSchema, type IpfsSettings } from './backend-settings.ts';
export { openIpfsBackend, networkingOf, type OpenBackendOptions } from './open-backend.ts';
export { EnvSecretStore, PINNING_TOKEN_ENV, PINNING_TOKEN_SECRET, type SecretStore } from './secret-store.ts';
export { PinningServiceClient, type Pin, type PinQuery, type PinResults, type PinStatus, type PinStatusValue, type PinningServiceOptions, type WaitOptions } from './pinning-service.ts';
export { RemotePinningBackend, type RemotePinningOptions } from './remote-pinning.ts';
export type { HeliaNetwork, PeersNetworking } from './networking.ts';
// Type only: import kubo-backend.ts itself (or use openIpfsBackend) to load kubo-rpc-client.
export type { KuboBackend, KuboBackendOptions } from './kubo-backend.ts';
export { hashAlong, type HashAlong } from './hash-along.ts';
export { DEFAULT_GC_GRACE_SECONDS, type GcOptions, type GcResult } from './gc.ts';
