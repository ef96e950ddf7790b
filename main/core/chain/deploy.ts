/**
 * Deploys the NotaryRegistry (the committed solc artifact, contracts/artifacts) to a network with
 * the account's key, with the same discipline as anchoring: the cost is quoted and confirmed
 * before signing, the signed deployment is kept on disk before it is broadcast, and a later call
 * resumes it instead of deploying a second registry. The contract address follows from the
 * sender and nonce (CREATE), so it is known, and recorded, before the transaction is sent.
 * After mining, the deployment is checked: code present and the EIP-712 domain separator the
 * contract reports equals the one Notarium's drafts and receipts sign against.
 */
import { readFile, unlink } from 'node:fs/promises';
import { Transaction, TypedDataEncoder, formatEther, getAddress, getCreateAddress } from 'ethers';
import type { JsonRpcApiProvider, Signer } from 'ethers';
import { NotariumError, isNotariumError } from '../../../shared/errors.ts';
import { notaryDomain } from '../../../shared/notary/typed-data.ts';
import { writeFileAtomic } from '../fs/durable-files.ts';
import { NOTARY_REGISTRY } from './artifacts.ts';
import { canAfford, estimateFees, feeFields } from './fees.ts';
import type { FeeEstimate } from './fees.ts';
import { assertChainId } from './networks.ts';
import { NotaryRegistryClient, registryError } from './registry.ts';
import { isTransientRpcError } from './rpc-faults.ts';

/** What is kept on disk between signing and confirmation. */
interface PendingDeployment {
  format: 'notarium-registry-deployment/1';
  chainId: string;
  from: string;
  nonce: number;
  /** CREATE address of (from, nonce). */
  address: string;
  txHash: string;
  rawTx: string;
  /** unix seconds */
  createdAt: number;
}

/** Options of deployRegistry. */
export interface DeployRegistryOptions {
  /** Provider of the target chain (connectRpc). */
  provider: JsonRpcApiProvider;
  /** Expected EIP-155 chain id, checked against the endpoint first. */
  chainId: bigint | number | string;
  /** The paying account; must sign without sending (an ethers Wallet). */
  signer: Signer;
  /** JSON file keeping the signed deployment until it is confirmed (one per chain). */
  pendingFile: string;
  /** Confirmations to wait for, the deployment block counting as one. Default 1. */
  confirmations?: number;
  /** Asked with the quote before signing; false stops with CANCELLED, nothing signed. */
  confirmFee?: (estimate: FeeEstimate) => boolean | Promise<boolean>;
  /** OP Stack GasPriceOracle for the L1 data fee (NetworkPreset.l1FeeOracle). */
  l1FeeOracle?: string | null;
  /** Extra gas over the estimate, percent. Default 20. */
  gasMarginPercent?: number;
  /** Poll interval, ms. Default 2000. */
  pollIntervalMs?: number;
  /** Longest wait of one call, ms. Default 600000. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A confirmed deployment. */
export interface RegistryDeployment {
  /** Checksummed contract address. */
  address: string;
  txHash: string;
  blockNumber: number;
  blockHash: string;
  /** Decimal string. */
  chainId: string;
  gasUsed: bigint;
  /** The contract's EIP-712 domain separator (equal to notaryDomain(chainId, address)'s). */
  domainSeparator: string;
  /** The quote confirmed by this call, or null when it resumed an earlier call's deployment. */
  fee: FeeEstimate | null;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(new NotariumError('CANCELLED', 'deployment wait cancelled; run deploy again to resume'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new NotariumError('CANCELLED', 'deployment wait cancelled; run deploy again to resume'));
    }, { once: true });
  });
}

async function readPending(file: string): Promise<PendingDeployment | null> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (text === null) return null;
  const parsed = JSON.parse(text) as PendingDeployment;
  if (parsed.format !== 'notarium-registry-deployment/1') throw new NotariumError('INVALID_INPUT', `${file} is not a pending registry deployment`);
  return parsed;
}

/** "Not confirmed yet": the deployment is on disk and the next call resumes it. */
function stillPending(pending: PendingDeployment, reason: string, cause?: unknown): NotariumError {
  return new NotariumError('CHAIN_FAILED', `registry deployment ${pending.txHash} (to ${pending.address}) is not confirmed yet (${reason}); run deploy again to resume it — it will not deploy a second registry`, {
    ...(cause === undefined ? {} : { cause }),
    details: { pending: true, txHash: pending.txHash, address: pending.address, nonce: pending.nonce },
  });
}

/**
 * Deploys NotaryRegistry, or resumes the deployment recorded in `options.pendingFile`.
 * @returns the confirmed deployment.
 * @throws NotariumError: 'CHAIN_ID_MISMATCH'; 'INSUFFICIENT_FUNDS' and 'CANCELLED' (nothing
 *   signed); 'CHAIN_FAILED' with details.pending true when the deadline passes or the endpoint
 *   stops answering after the deployment was signed (call again to resume), or with
 *   details.pending false when nothing was sent, the node rejected it, it reverted or its nonce
 *   was taken by another transaction (the record is removed: the next call deploys anew);
 *   'INTERNAL' when the contract at the address is not the registry Notarium expects.
 */
export async function deployRegistry(options: DeployRegistryOptions): Promise<RegistryDeployment> {
  const chainId = BigInt(options.chainId);
  const from = getAddress(await options.signer.getAddress());
  try {
    await assertChainId(options.provider, chainId);
  } catch (e) {
    if (isNotariumError(e) && e.code === 'CHAIN_ID_MISMATCH') throw e;
    throw new NotariumError('CHAIN_FAILED', `the RPC endpoint does not answer (${(e as Error).message}); nothing was sent`, { cause: e, details: { pending: false } });
  }
  const previous = await readPending(options.pendingFile);
  if (previous !== null && (previous.chainId !== chainId.toString() || previous.from !== from)) {
    throw new NotariumError('INVALID_INPUT', `${options.pendingFile} holds a deployment by ${previous.from} on chain ${previous.chainId}; resume it with that account and network, or remove the file`);
  }
  let fee: FeeEstimate | null = null;
  let pending = previous;
  if (pending === null) {
    let signed;
    try {
      signed = await signDeployment(options, chainId, from);
    } catch (e) {
      if (isNotariumError(e)) throw e;
      throw new NotariumError('CHAIN_FAILED', `cannot prepare the registry deployment (${(e as Error).message}); nothing was sent`, { cause: e, details: { pending: false } });
    }
    fee = signed.fee;
    pending = signed.pending;
    await writeFileAtomic(options.pendingFile, new TextEncoder().encode(`${JSON.stringify(pending, null, 2)}\n`), 'fsync');
    try {
      await options.provider.broadcastTransaction(pending.rawTx);
    } catch (e) {
      if (!isTransientRpcError(e) && (await options.provider.getTransaction(pending.txHash).catch(() => undefined)) === null) {
        await unlink(options.pendingFile);
        throw registryError(e, 'registry deployment broadcast');
      }
    }
  } else {
    await options.provider.broadcastTransaction(pending.rawTx).catch(() => undefined);
  }
  const mined = await track(options, pending);
  const client = new NotaryRegistryClient(pending.address, options.provider);
  const domainSeparator = await client.domainSeparator();
  const expected = TypedDataEncoder.hashDomain(notaryDomain(chainId, pending.address));
  if (domainSeparator !== expected) {
    throw new NotariumError('INTERNAL', `the contract at ${pending.address} reports EIP-712 domain ${domainSeparator}, not Notarium's ${expected}`);
  }
  await unlink(options.pendingFile).catch(() => undefined);
  return { address: pending.address, chainId: chainId.toString(), domainSeparator, fee, ...mined };
}

async function signDeployment(options: DeployRegistryOptions, chainId: bigint, from: string): Promise<{ pending: PendingDeployment; fee: FeeEstimate }> {
  let fee: FeeEstimate;
  try {
    fee = await estimateFees(options.provider, { from, to: null, data: NOTARY_REGISTRY.bytecode, chainId }, {
      gasMarginPercent: options.gasMarginPercent ?? 20,
      l1FeeOracle: options.l1FeeOracle ?? null,
    });
  } catch (e) {
    throw registryError(e, 'registry deployment estimate');
  }
  if (!canAfford(fee)) {
    throw new NotariumError('INSUFFICIENT_FUNDS', `${from} holds ${formatEther(fee.balanceWei)} but the deployment may cost up to ${formatEther(fee.maxCostWei)} (chain ${chainId}); nothing was sent`, {
      details: { address: from, chainId: chainId.toString(), balanceWei: fee.balanceWei.toString(), maxCostWei: fee.maxCostWei.toString() },
    });
  }
  if (options.confirmFee !== undefined && !(await options.confirmFee(fee))) {
    throw new NotariumError('CANCELLED', 'registry not deployed: the fee was declined', { details: { sent: false } });
  }
  const nonce = await options.provider.getTransactionCount(from, 'pending');
  const rawTx = await options.signer.signTransaction({ chainId, nonce, data: NOTARY_REGISTRY.bytecode, ...feeFields(fee) });
  return {
    fee,
    pending: {
      format: 'notarium-registry-deployment/1',
      chainId: chainId.toString(),
      from,
      nonce,
      address: getCreateAddress({ from, nonce }),
      txHash: Transaction.from(rawTx).hash ?? '',
      rawTx,
      createdAt: Math.floor(Date.now() / 1000),
    },
  };
}

/** Follows the deployment to the wanted confirmations; tolerates an endpoint that does not answer. */
async function track(options: DeployRegistryOptions, pending: PendingDeployment): Promise<Pick<RegistryDeployment, 'txHash' | 'blockNumber' | 'blockHash' | 'gasUsed'>> {
  const provider = options.provider;
  const wanted = options.confirmations ?? 1;
  const poll = options.pollIntervalMs ?? 2000;
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  for (;;) {
    try {
      const receipt = await provider.getTransactionReceipt(pending.txHash);
      if (receipt !== null) {
        if (receipt.status !== 1) {
          await unlink(options.pendingFile).catch(() => undefined);
          throw new NotariumError('CHAIN_FAILED', `registry deployment ${pending.txHash} reverted in block ${receipt.blockNumber}`, { details: { pending: false, txHash: pending.txHash } });
        }
        const head = await provider.getBlockNumber();
        const block = head - receipt.blockNumber + 1 >= wanted ? await provider.getBlock(receipt.blockNumber) : null;
        if (block !== null && block.hash === receipt.blockHash) {
          return { txHash: pending.txHash, blockNumber: receipt.blockNumber, blockHash: receipt.blockHash, gasUsed: receipt.gasUsed };
        }
      } else {
        const settled = Math.max(0, (await provider.getBlockNumber()) - wanted + 1);
        if ((await provider.getTransactionCount(pending.from, settled)) > pending.nonce && (await provider.getTransactionReceipt(pending.txHash)) === null) {
          await unlink(options.pendingFile).catch(() => undefined);
          throw new NotariumError('CHAIN_FAILED', `registry deployment ${pending.txHash} was replaced by another transaction with nonce ${pending.nonce}; nothing was deployed by it, run deploy again`, {
            details: { pending: false, replaced: true, txHash: pending.txHash, nonce: pending.nonce },
          });
        }
        if ((await provider.getTransaction(pending.txHash)) === null) await provider.broadcastTransaction(pending.rawTx).catch(() => undefined);
      }
    } catch (e) {
      if (isNotariumError(e) && !isTransientRpcError(e)) throw e;
      if (!isTransientRpcError(e)) throw stillPending(pending, `tracking failed: ${(e as Error).message}`, e);
      if (Date.now() >= deadline) throw stillPending(pending, `the endpoint does not answer: ${(e as Error).message}`, e);
    }
    if (Date.now() >= deadline) throw stillPending(pending, 'deadline reached');
    await sleep(poll, options.signal);
  }
}
