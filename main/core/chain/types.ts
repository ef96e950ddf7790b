/**
 * Types shared by the chain service and its collaborators (the ledger implements
 * PendingAnchorStore on SQLite).
 */

/** One anchoring transaction, persisted before it is broadcast so a restart can resume it. */
export interface PendingAnchor {
  root: string;            // 0x bytes32
  chainId: string;         // decimal string
  contract: string;        // checksummed address
  txHash: string;          // 0x
  rawTx: string;           // 0x signed raw tx, so it can be re-broadcast after a restart
  nonce: number;
  status: 'pending' | 'mined' | 'confirmed' | 'failed';
  blockNumber: number | null;
  createdAt: number;       // unix seconds
}

/** Persistence of PendingAnchor records, keyed by (chainId, contract, root). */
export interface PendingAnchorStore {
  getPendingAnchor(chainId: string, contract: string, root: string): PendingAnchor | undefined;
  savePendingAnchor(anchor: PendingAnchor): void; // upsert by (chainId, contract, root)
}

/** What the author signatures cover, as the registry receives it (EIP-712 `Notarization`). */
export interface AnchorRequest {
  /** Merkle root of the dataset, 0x + 64 hex digits, not zero. */
  root: string;
  /** Digest of the canonical manifest, 0x + 64 hex digits. */
  manifestDigest: string;
  /** The title the authors signed (the contract receives keccak256 of its UTF-8 bytes). */
  title: string;
  /** Author addresses in signing order. */
  authors: string[];
  /**
   * One signature per author, same order, 0x hex: 65-byte ECDSA (v = 27/28) from an EOA or a
   * wallet that accepts its owner's ECDSA signature, or any length for other ERC-1271 wallets.
   */
  signatures: string[];
  /** The anchored root this version replaces; omitted or 32 zero bytes for a first version. */
  supersedes?: string;
}

/** A confirmed (or earlier) anchoring, as AnchorService returns it. */
export interface AnchorResult {
  txHash: string;
  blockNumber: number;
  blockHash: string;
  /** Block timestamp, unix seconds. */
  blockTime: number;
  /** EIP-155 chain id, decimal string. */
  chainId: string;
  /** Registry address, checksummed. */
  contract: string;
  /** Gas used by the anchoring transaction. */
  gasUsed: bigint;
  /** Blocks on top of and including the anchoring block when the result was produced. */
  confirmations: number;
  /** True when the root was anchored before this call (no transaction was sent by it). */
  alreadyAnchored: boolean;
}
