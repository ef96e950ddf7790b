/**
 * Independent check of a receipt's chain claims against any RPC endpoint: the transaction exists in
 * the stated block of the stated chain, the registry emitted the matching `Anchored` event in it,
 * and the registry's state agrees (`anchorOf(root)` = that block's time). Also reports whether
 * the root was superseded since. Verification failures are results, never exceptions.
 */
import { getAddress, isHexString } from 'ethers';
import type { Provider } from 'ethers';
import { NotaryRegistryClient, decodeRegistryLogs, titleHash as hashTitle } from './registry.ts';
import type { AnchoredEvent } from './registry.ts';

/** What a receipt claims about its anchoring. */
export interface AnchorClaim {
  /** EIP-155 chain id. */
  chainId: bigint | number | string;
  /** Registry address. */
  contract: string;
  root: string;
  manifestDigest: string;
  /** Author addresses in signing order. */
  authors: string[];
  txHash: string;
  blockNumber: number;
  /** Optional: the signed title (checked against the event's titleHash). */
  title?: string;
  /** Optional: the root this notarization supersedes (zero/omitted: none). */
  supersedes?: string;
}

/** Stable codes of verification problems. */
export type AnchorProblemCode =
  | 'CHAIN_ID_MISMATCH'
  | 'RPC_FAILED'
  | 'TX_NOT_FOUND'
  | 'TX_BLOCK_MISMATCH'
  | 'TX_REVERTED'
  | 'EVENT_NOT_FOUND'
  | 'EVENT_MISMATCH'
  | 'NOT_ANCHORED'
  | 'ANCHOR_TIME_MISMATCH'
  | 'INVALID_CLAIM';

export interface AnchorProblem {
  code: AnchorProblemCode;
  message: string;
  details?: Record<string, unknown>;
}

/** Outcome of verifyAnchorOnChain. `ok` is true when `problems` is empty. */
export interface AnchorVerification {
  ok: boolean;
  /** Chain id reported by the endpoint (decimal string), or null if it did not answer. */
  chainId: string | null;
  chainIdMatches: boolean;
  /** The transaction was found, succeeded, and is in the claimed block. */
  txInBlock: boolean;
  /** The registry's Anchored event for the root is in the transaction and matches the claim. */
  eventMatches: boolean;
  /** anchorOf(root) on the latest state equals the block's timestamp. */
  stateMatches: boolean;
  blockHash: string | null;
  /** Block time, unix seconds. */
  blockTime: number | null;
  /** Account recorded as submitter by the registry. */
  submitter: string | null;
  /** Blocks on top of and including the anchoring block, at verification time. */
  confirmations: number | null;
  /** The root that superseded this one, or null. Informational: does not affect `ok`. */
  supersededBy: string | null;
  /** The decoded event, when found. */
  event: AnchoredEvent | null;
  problems: AnchorProblem[];
}

const ZERO = `0x${'0'.repeat(64)}`;

function sameAddress(a: string, b: string): boolean {
  try {
    return getAddress(a) === getAddress(b);
  } catch {
    return false;
  }
}

async function endpointChainId(provider: Provider): Promise<bigint> {
  const rpc = provider as Provider & { send?: (method: string, params: unknown[]) => Promise<unknown> };
  // Ask the endpoint itself: a provider's cached/static network says nothing about what it serves.
  if (typeof rpc.send === 'function') return BigInt((await rpc.send('eth_chainId', [])) as string);
  return (await provider.getNetwork()).chainId;
}

/**
 * Verifies `claim` against `provider`. Never throws for a verification failure or an RPC error:
 * both come back as `problems` with stable codes.
 */
export async function verifyAnchorOnChain(provider: Provider, claim: AnchorClaim): Promise<AnchorVerification> {
  const result: AnchorVerification = {
    ok: false, chainId: null, chainIdMatches: false, txInBlock: false, eventMatches: false, stateMatches: false,
    blockHash: null, blockTime: null, submitter: null, confirmations: null, supersededBy: null, event: null, problems: [],
  };
  const problem = (code: AnchorProblemCode, message: string, details?: Record<string, unknown>): AnchorVerification => {
    result.problems.push(details === undefined ? { code, message } : { code, message, details });
    return result;
  };

  let contract: string;
  let expectedChainId: bigint;
  try {
    contract = getAddress(claim.contract);
    expectedChainId = BigInt(claim.chainId);
    if (!isHexString(claim.root, 32) || !isHexString(claim.manifestDigest, 32) || !isHexString(claim.txHash, 32)) throw new Error('root, manifestDigest and txHash must be 32-byte hex');
    if (!Number.isSafeInteger(claim.blockNumber) || claim.blockNumber < 0) throw new Error('blockNumber must be a non-negative integer');
  } catch (e) {
    return problem('INVALID_CLAIM', `the claim is malformed: ${(e as Error).message}`);
  }
  const root = claim.root.toLowerCase();

  try {
    const actual = await endpointChainId(provider);
    result.chainId = actual.toString();
    result.chainIdMatches = actual === expectedChainId;
    if (!result.chainIdMatches) {
      return problem('CHAIN_ID_MISMATCH', `the endpoint serves chain ${actual}, the receipt names chain ${expectedChainId}`, { expected: expectedChainId.toString(), actual: actual.toString() });
    }

    const receipt = await provider.getTransactionReceipt(claim.txHash);
    if (receipt === null) return problem('TX_NOT_FOUND', `transaction ${claim.txHash} is not on this chain`);
    if (receipt.blockNumber !== claim.blockNumber) {
      problem('TX_BLOCK_MISMATCH', `transaction is in block ${receipt.blockNumber}, the receipt says ${claim.blockNumber}`, { actual: receipt.blockNumber, expected: claim.blockNumber });
    }
    if (receipt.status !== 1) problem('TX_REVERTED', `transaction ${claim.txHash} reverted`);
    result.txInBlock = receipt.blockNumber === claim.blockNumber && receipt.status === 1;
    result.blockHash = receipt.blockHash;

    const block = await provider.getBlock(receipt.blockNumber);
    result.blockTime = block?.timestamp ?? null;
    result.confirmations = (await provider.getBlockNumber()) - receipt.blockNumber + 1;

    const { anchored } = decodeRegistryLogs(receipt.logs, contract);
    const event = anchored.find((e) => e.root.toLowerCase() === root) ?? null;
    result.event = event;
    if (event === null) {
      problem('EVENT_NOT_FOUND', `no Anchored event for the root from ${contract} in transaction ${claim.txHash}`);
    } else {
      const mismatches: string[] = [];
      if (event.manifestDigest.toLowerCase() !== claim.manifestDigest.toLowerCase()) mismatches.push('manifestDigest');
      if (event.authors.length !== claim.authors.length || event.authors.some((a, i) => !sameAddress(a, claim.authors[i] ?? ''))) mismatches.push('authors');
      if (claim.title !== undefined && event.titleHash !== hashTitle(claim.title)) mismatches.push('title');
      if (event.supersedes.toLowerCase() !== (claim.supersedes ?? ZERO).toLowerCase()) mismatches.push('supersedes');
      if (mismatches.length > 0) {
        problem('EVENT_MISMATCH', `the Anchored event differs from the receipt in: ${mismatches.join(', ')}`, { fields: mismatches });
      } else {
        result.eventMatches = true;
      }
    }

    const registry = new NotaryRegistryClient(contract, provider);
    const onChain = await registry.anchorOf(root);
    result.submitter = onChain?.submitter ?? null;
    if (onChain === null) {
      problem('NOT_ANCHORED', `the registry has no anchor for root ${root}`);
    } else if (result.blockTime === null || onChain.timestamp !== result.blockTime) {
      problem('ANCHOR_TIME_MISMATCH', `the registry records time ${onChain.timestamp}, block ${receipt.blockNumber} has ${result.blockTime}`, { recorded: onChain.timestamp, blockTime: result.blockTime });
    } else {
      result.stateMatches = true;
    }
    result.supersededBy = await registry.supersededBy(root);
  } catch (e) {
    return problem('RPC_FAILED', `the endpoint failed: ${(e as Error).message}`);
  }
  result.ok = result.problems.length === 0;
  return result;
}
