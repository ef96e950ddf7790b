/**
 * AnchorService: sends the one anchoring transaction of a dataset and follows it to the chosen
 * number of confirmations, so that a root is never anchored by two transactions of ours, even
 * across crashes and restarts.
 *
 * The rule: the signed raw transaction is persisted (PendingAnchorStore) *before* it is broadcast.
 * Afterwards, for that (chain, contract, root), a new call never signs again: it resumes the record
 * (re-broadcasting the same bytes, which nodes deduplicate by hash, if it is not mined). A new
 * transaction is signed only when there is no record or the record's transaction definitely
 * failed (reverted, or its nonce was consumed by another transaction). The chain's own
 * `anchorOf(root)` is consulted before signing, so a root anchored by anyone is reported, not re-sent.
 */
import { Transaction, getAddress } from 'ethers';
import type { JsonRpcApiProvider, Signer, TransactionReceipt, TransactionRequest } from 'ethers';
import { NotariumError, isNotariumError } from '../../../shared/errors.ts';
import { assertChainId } from './networks.ts';
import { NotaryRegistryClient, encodeAnchorCall, registryError, validateAnchorRequest } from './registry.ts';
import type { AnchorRequest, AnchorResult, PendingAnchor, PendingAnchorStore } from './types.ts';

/** Dependencies and tuning of an AnchorService. */
export interface AnchorServiceOptions {
  /** ethers provider of the target chain (JsonRpcProvider, BrowserProvider over the devnet, ...). */
  provider: JsonRpcApiProvider;
  /** Expected EIP-155 chain id: checked against the endpoint before anything is signed. */
  chainId: bigint | number | string;
  /** NotaryRegistry address. */
  registry: string;
  store: PendingAnchorStore;
  /** Default confirmations to wait for (the anchoring block counts as 1). Default 1. */
  confirmations?: number;
  /** Receipt/head polling interval, ms. Default 2000. */
  pollIntervalMs?: number;
  /** Longest wait of one `anchor()` call before NotariumError('ANCHOR_PENDING'), ms. Default 600000. */
  timeoutMs?: number;
  /** Re-broadcast an unmined transaction this often, ms. Default 60000. */
  rebroadcastIntervalMs?: number;
  /** Extra gas over the estimate, percent. Default 20. */
  gasMarginPercent?: number;
  /** Devnet only: produces blocks on demand so confirmations do not wait for traffic. */
  mine?: (blocks: number) => Promise<void>;
  /** Block of the registry deployment: lower bound of event look-ups (public RPCs limit ranges). Default 0. */
  registryDeployBlock?: number;
  /** Clock for `createdAt`, unix seconds. */
  now?: () => number;
}

/** Progress of one anchoring, for the UI. */
export type AnchorProgress =
  | { stage: 'already-anchored' }
  | { stage: 'resumed'; txHash: string; status: PendingAnchor['status'] }
  | { stage: 'signed'; txHash: string }
  | { stage: 'broadcast'; txHash: string }
  | { stage: 'mined'; txHash: string; blockNumber: number }
  | { stage: 'confirming'; txHash: string; confirmations: number; wanted: number }
  | { stage: 'confirmed'; txHash: string; confirmations: number };

/** Per-call options of `anchor()`. */
export interface AnchorCallOptions {
  /** Overrides the service default. */
  confirmations?: number;
  signal?: AbortSignal;
  onProgress?: (progress: AnchorProgress) => void;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(cancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function cancelled(): NotariumError {
  return new NotariumError('CANCELLED', 'anchoring wait cancelled; the transaction, if sent, is tracked and resumes on the next call');
}

/** Sends and tracks anchoring transactions. One instance per (chain, registry). */
export class AnchorService {
  readonly #provider: JsonRpcApiProvider;
  readonly #chainId: string;
  readonly #contract: string;
  readonly #registry: NotaryRegistryClient;
  readonly #store: PendingAnchorStore;
  readonly #confirmations: number;
  readonly #pollIntervalMs: number;
  readonly #timeoutMs: number;
  readonly #rebroadcastIntervalMs: number;
  readonly #gasMarginPercent: bigint;
  readonly #mine: ((blocks: number) => Promise<void>) | undefined;
  readonly #fromBlock: number;
  readonly #now: () => number;
  /** In-flight calls by root: a second concurrent call for the same root joins the first. */
  readonly #inFlight = new Map<string, Promise<AnchorResult>>();
  #chainChecked = false;

  constructor(options: AnchorServiceOptions) {
    this.#provider = options.provider;
    this.#chainId = BigInt(options.chainId).toString();
    this.#contract = getAddress(options.registry);
    this.#registry = new NotaryRegistryClient(this.#contract, options.provider);
    this.#store = options.store;
    this.#confirmations = options.confirmations ?? 1;
    this.#pollIntervalMs = options.pollIntervalMs ?? 2000;
    this.#timeoutMs = options.timeoutMs ?? 600_000;
    this.#rebroadcastIntervalMs = options.rebroadcastIntervalMs ?? 60_000;
    this.#gasMarginPercent = BigInt(options.gasMarginPercent ?? 20);
    this.#mine = options.mine;
    this.#fromBlock = options.registryDeployBlock ?? 0;
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
    if (!Number.isSafeInteger(this.#confirmations) || this.#confirmations < 1) {
      throw new NotariumError('INVALID_INPUT', `confirmations must be a positive integer, got ${this.#confirmations}`);
    }
  }

  /** Checksummed registry address. */
  get contract(): string {
    return this.#contract;
  }

  /** Chain id, decimal string. */
  get chainId(): string {
    return this.#chainId;
  }

  /**
   * Anchors `request.root` (or resumes its pending anchoring) and waits for confirmations.
   * `signer` must sign without sending (an ethers Wallet): the raw transaction is stored first.
   * @returns the anchoring, with `alreadyAnchored` true when the root was anchored before and no
   *   transaction of ours was involved.
   * @throws NotariumError: 'INVALID_INPUT' (request shape), 'CHAIN_ID_MISMATCH', contract errors
   *   mapped by registryError ('SIGNATURE_INVALID', 'ALREADY_ANCHORED', 'NOT_FOUND', ...),
   *   'ANCHOR_PENDING' (timeout: the transaction is tracked, call again to resume), 'CANCELLED',
   *   'CHAIN_FAILED' (RPC failure, replaced or rejected transaction).
   */
  anchor(request: AnchorRequest, signer: Signer, options: AnchorCallOptions = {}): Promise<AnchorResult> {
    try {
      validateAnchorRequest(request);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const root = request.root.toLowerCase();
    const running = this.#inFlight.get(root);
    if (running !== undefined) return running;
    const run = this.#anchor({ ...request, root }, signer, options).finally(() => this.#inFlight.delete(root));
    this.#inFlight.set(root, run);
    return run;
  }

  /**
   * Resumes the stored anchoring of `root`, if any, without signing anything.
   * @returns the result, or null when there is no resumable record.
   * @throws like `anchor()`.
   */
  async resume(root: string, options: AnchorCallOptions = {}): Promise<AnchorResult | null> {
    await this.#checkChain();
    const record = this.#store.getPendingAnchor(this.#chainId, this.#contract, root.toLowerCase());
    if (record === undefined || record.status === 'failed') return null;
    return await this.#resume(record, options);
  }

  async #anchor(request: AnchorRequest, signer: Signer, options: AnchorCallOptions): Promise<AnchorResult> {
    await this.#checkChain();
    const record = this.#store.getPendingAnchor(this.#chainId, this.#contract, request.root);
    if (record !== undefined && record.status !== 'failed') return await this.#resume(record, options);

    const existing = await this.#existingAnchor(request.root);
    if (existing !== null) {
      options.onProgress?.({ stage: 'already-anchored' });
      return existing;
    }

    const signed = await this.#sign(request, signer);
    const pending: PendingAnchor = {
      root: request.root,
      chainId: this.#chainId,
      contract: this.#contract,
      txHash: signed.hash,
      rawTx: signed.raw,
      nonce: signed.nonce,
      status: 'pending',
      blockNumber: null,
      createdAt: this.#now(),
    };
    this.#store.savePendingAnchor(pending);
    options.onProgress?.({ stage: 'signed', txHash: pending.txHash });
    await this.#firstBroadcast(pending);
    options.onProgress?.({ stage: 'broadcast', txHash: pending.txHash });
    return await this.#track(pending, options);
  }

  async #checkChain(): Promise<void> {
    if (this.#chainChecked) return;
    await assertChainId(this.#provider, this.#chainId);
    this.#chainChecked = true;
  }

  async #resume(record: PendingAnchor, options: AnchorCallOptions): Promise<AnchorResult> {
    options.onProgress?.({ stage: 'resumed', txHash: record.txHash, status: record.status });
    if (record.status === 'pending') await this.#rebroadcast(record);
    return await this.#track({ ...record }, options);
  }

  /** The root's anchoring when it is already on-chain (by anyone), else null. */
  async #existingAnchor(root: string): Promise<AnchorResult | null> {
    const onChain = await this.#registry.anchorOf(root);
    if (onChain === null) return null;
    const event = await this.#registry.findAnchoredEvent(root, this.#fromBlock).catch(() => null);
    if (event === null) {
      throw new NotariumError('ALREADY_ANCHORED', `root ${root} is already anchored (at ${onChain.timestamp}) but its transaction was not found`, {
        details: { root, timestamp: onChain.timestamp, submitter: onChain.submitter },
      });
    }
    const [receipt, head] = await Promise.all([this.#provider.getTransactionReceipt(event.txHash), this.#provider.getBlockNumber()]);
    return {
      txHash: event.txHash,
      blockNumber: event.blockNumber,
      blockHash: event.blockHash,
      blockTime: onChain.timestamp,
      chainId: this.#chainId,
      contract: this.#contract,
      gasUsed: receipt?.gasUsed ?? 0n,
      confirmations: head - event.blockNumber + 1,
      alreadyAnchored: true,
    };
  }

  async #sign(request: AnchorRequest, signer: Signer): Promise<{ raw: string; hash: string; nonce: number }> {
    const data = encodeAnchorCall(request);
    const from = await signer.getAddress();
    let gasLimit: bigint;
    try {
      gasLimit = await this.#provider.estimateGas({ from, to: this.#contract, data });
    } catch (e) {
      throw registryError(e, 'anchor simulation');
    }
    try {
      const [fees, nonce] = await Promise.all([this.#provider.getFeeData(), this.#provider.getTransactionCount(from, 'pending')]);
      const tx: TransactionRequest = {
        to: this.#contract,
        data,
        chainId: BigInt(this.#chainId),
        nonce,
        gasLimit: (gasLimit * (100n + this.#gasMarginPercent)) / 100n,
        ...(fees.maxFeePerGas !== null && fees.maxPriorityFeePerGas !== null
          ? { type: 2, maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas }
          : { type: 0, gasPrice: fees.gasPrice ?? 0n }),
      };
      const raw = await signer.signTransaction(tx);
      return { raw, hash: Transaction.from(raw).hash ?? '', nonce };
    } catch (e) {
      throw new NotariumError('CHAIN_FAILED', `cannot prepare the anchoring transaction: ${(e as Error).message}`, { cause: e });
    }
  }

  async #firstBroadcast(record: PendingAnchor): Promise<void> {
    try {
      await this.#provider.broadcastTransaction(record.rawTx);
    } catch (e) {
      // If the node does not know the transaction, it was rejected outright (funds, nonce, fee):
      // it can never be mined, so the record must not block a corrected retry.
      const known = await this.#provider.getTransaction(record.txHash).catch(() => undefined);
      if (known === null) {
        this.#save(record, { status: 'failed' });
        throw registryError(e, 'broadcast');
      }
      if (known === undefined) throw new NotariumError('CHAIN_FAILED', `broadcast of ${record.txHash} failed; it will be retried on the next call`, { cause: e, details: { txHash: record.txHash } });
    }
  }

  async #rebroadcast(record: PendingAnchor): Promise<void> {
    // "already known" / "nonce too low" are expected here; #track decides what the chain did.
    await this.#provider.broadcastTransaction(record.rawTx).catch(() => undefined);
  }

  #save(record: PendingAnchor, change: Partial<Pick<PendingAnchor, 'status' | 'blockNumber'>>): void {
    Object.assign(record, change);
    this.#store.savePendingAnchor({ ...record });
  }

  async #track(record: PendingAnchor, options: AnchorCallOptions): Promise<AnchorResult> {
    const wanted = options.confirmations ?? this.#confirmations;
    if (!Number.isSafeInteger(wanted) || wanted < 1) throw new NotariumError('INVALID_INPUT', `confirmations must be a positive integer, got ${wanted}`);
    const deadline = Date.now() + this.#timeoutMs;
    let lastBroadcast = Date.now();
    const from = Transaction.from(record.rawTx).from;
    try {
      for (;;) {
        if (options.signal?.aborted === true) throw cancelled();
        const receipt = await this.#provider.getTransactionReceipt(record.txHash);
        if (receipt === null) {
          if (record.status !== 'pending') {
            // Mined before, gone now: a reorg dropped the block. The same bytes are valid again.
            this.#save(record, { status: 'pending', blockNumber: null });
            await this.#rebroadcast(record);
            lastBroadcast = Date.now();
          } else if (from !== null && (await this.#provider.getTransactionCount(from, 'latest')) > record.nonce) {
            if ((await this.#provider.getTransactionReceipt(record.txHash)) === null) return await this.#replaced(record);
            continue;
          } else if (Date.now() - lastBroadcast >= this.#rebroadcastIntervalMs) {
            await this.#rebroadcast(record);
            lastBroadcast = Date.now();
          }
          this.#assertBefore(deadline, record);
          await sleep(this.#pollIntervalMs, options.signal);
          continue;
        }
        if (receipt.status !== 1) return await this.#reverted(record, receipt);
        if (record.status === 'pending' || record.blockNumber !== receipt.blockNumber) {
          this.#save(record, { status: 'mined', blockNumber: receipt.blockNumber });
          options.onProgress?.({ stage: 'mined', txHash: record.txHash, blockNumber: receipt.blockNumber });
        }
        const confirmations = (await this.#provider.getBlockNumber()) - receipt.blockNumber + 1;
        if (confirmations >= wanted) {
          const block = await this.#provider.getBlock(receipt.blockNumber);
          if (block === null || block.hash !== receipt.blockHash) continue; // reorg between the two reads
          if (record.status !== 'confirmed') this.#save(record, { status: 'confirmed' });
          options.onProgress?.({ stage: 'confirmed', txHash: record.txHash, confirmations });
          return {
            txHash: record.txHash,
            blockNumber: receipt.blockNumber,
            blockHash: receipt.blockHash,
            blockTime: block.timestamp,
            chainId: this.#chainId,
            contract: this.#contract,
            gasUsed: receipt.gasUsed,
            confirmations,
            alreadyAnchored: false,
          };
        }
        options.onProgress?.({ stage: 'confirming', txHash: record.txHash, confirmations, wanted });
        if (this.#mine !== undefined) {
          await this.#mine(wanted - confirmations);
          continue;
        }
        this.#assertBefore(deadline, record);
        await sleep(this.#pollIntervalMs, options.signal);
      }
    } catch (e) {
      if (isNotariumError(e)) throw e;
      throw new NotariumError('CHAIN_FAILED', `tracking ${record.txHash} failed: ${(e as Error).message}; call again to resume`, { cause: e, details: { txHash: record.txHash } });
    }
  }

  #assertBefore(deadline: number, record: PendingAnchor): void {
    if (Date.now() >= deadline) {
      throw new NotariumError('ANCHOR_PENDING', `transaction ${record.txHash} is not confirmed yet; it is tracked and resumes on the next call`, {
        details: { txHash: record.txHash, status: record.status },
      });
    }
  }

  /** Our nonce was consumed by another transaction: ours can never be mined. */
  async #replaced(record: PendingAnchor): Promise<AnchorResult> {
    this.#save(record, { status: 'failed' });
    const existing = await this.#existingAnchor(record.root);
    if (existing !== null) return existing;
    throw new NotariumError('CHAIN_FAILED', `transaction ${record.txHash} was replaced by another transaction with nonce ${record.nonce}`, {
      details: { txHash: record.txHash, nonce: record.nonce },
    });
  }

  async #reverted(record: PendingAnchor, receipt: TransactionReceipt): Promise<AnchorResult> {
    this.#save(record, { status: 'failed', blockNumber: receipt.blockNumber });
    // The usual cause: another transaction anchored the same root first.
    const existing = await this.#existingAnchor(record.root);
    if (existing !== null) return existing;
    // Otherwise re-run the call on the parent state to learn which contract error it hit.
    const tx = Transaction.from(record.rawTx);
    try {
      await this.#provider.call({ from: tx.from ?? undefined, to: tx.to, data: tx.data, blockTag: receipt.blockNumber - 1 });
    } catch (e) {
      throw registryError(e, `anchoring transaction ${record.txHash}`);
    }
    throw new NotariumError('CHAIN_FAILED', `anchoring transaction ${record.txHash} reverted in block ${receipt.blockNumber}`, {
      details: { txHash: record.txHash, blockNumber: receipt.blockNumber },
    });
  }
}
