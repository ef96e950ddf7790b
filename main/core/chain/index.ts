/**
 * The chain service: NotaryRegistry client, anchoring with restart-safe and fault-tolerant
 * tracking, fee quotes before signing, registry deployment to a network, on-chain verification of
 * receipts, network presets, and the embedded devnet (EDR in-process, persisted by journal
 * replay, optionally served on 127.0.0.1). ethers v6 only. docs/CHAINS.md describes the whole.
 */
export type { AnchorRequest, AnchorResult, PendingAnchor, PendingAnchorStore } from './types.ts';

export { AnchorService } from './anchor.ts';
export type { AnchorServiceOptions, AnchorCallOptions, AnchorProgress } from './anchor.ts';

export { verifyAnchorOnChain } from './verify-anchor.ts';
export type { AnchorClaim, AnchorVerification, AnchorProblem, AnchorProblemCode } from './verify-anchor.ts';

export {
  NotaryRegistryClient,
  REGISTRY_INTERFACE,
  decodeRegistryLogs,
  encodeAnchorCall,
  registryError,
  titleHash,
  validateAnchorRequest,
} from './registry.ts';
export type { AnchoredEvent, OnChainAnchor, SupersededEvent } from './registry.ts';

export { encodeSignatureBlob, decodeSignatureBlob, SLOT_BYTES } from './signature-blob.ts';

export { NETWORKS, DEVNET_CHAIN_ID, OP_STACK_GAS_PRICE_ORACLE, assertChainId, connectRpc, customNetwork, explorerTxUrl, networkByChainId, resolveNetwork, rpcFetchRequest } from './networks.ts';
export type { NetworkId, NetworkPreset, RpcConnectOptions, RpcSender } from './networks.ts';

export { estimateFees, feeFields, canAfford, formatFeeEstimate } from './fees.ts';
export type { FeeConfirmation, FeeContext, FeeEstimate, EstimateFeesOptions, PricedCall } from './fees.ts';
export { isTransientRpcError } from './rpc-faults.ts';
export { deployRegistry } from './deploy.ts';
export type { DeployRegistryOptions, RegistryDeployment } from './deploy.ts';

export { Devnet, RpcError } from './devnet.ts';
export type { DevnetGenesis, DevnetRegistryRecord, Eip1193Provider, OpenDevnetOptions } from './devnet.ts';
export { serveDevnet, connectDevnet } from './devnet-server.ts';
export type { DevnetConnection, DevnetServer } from './devnet-server.ts';
export { readDevnetLock } from './devnet-lock.ts';
export type { DevnetLockInfo } from './devnet-lock.ts';

export { NOTARY_REGISTRY, TEST_ERC1271_WALLET, TEST_MULTICALL } from './artifacts.ts';
export type { CompiledContract } from './artifacts.ts';
