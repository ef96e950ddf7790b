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
 *
 * Before signing, the cost is quoted by the node (fees.ts: eth_estimateGas, EIP-1559 fees) and
 * handed to the caller's `confirmFee`; the transaction signed carries exactly the quoted fields.
 *
 * Faults (docs/CHAINS.md): an endpoint that is down, slow or throttling never makes a signed
 * anchoring "failed". Before signing, such errors are retried briefly and then reported
 * (CHAIN_FAILED, nothing sent). After signing, the call keeps polling and re-broadcasting until its
 * deadline and then throws ANCHOR_PENDING (resumable). A transaction the node forgot (dropped) is
 * re-broadcast byte for byte; one that left the chain in a reorg goes back to pending and is
 * followed again; a nonce consumed by another transaction (replaced) is declared only once that
 * block is as deep as the wanted confirmations, and then the chain's `anchorOf` decides whether the
 * root got anchored anyway (by a same-call replacement) or the record failed.
 */
import { Transaction, formatEther, getAddress } from 'ethers';
import type { JsonRpcApiProvider, Signer, TransactionReceipt, TransactionRequest } from 'ethers';
import { NotariumError, isNotariumError } from '../../../shared/errors.ts';
import { ZERO_BYTES32 } from '../../../shared/notary/typed-data.ts';
import { canAfford, estimateFees, feeFields } from './fees.ts';
import type { FeeEstimate } from './fees.ts';
import { assertChainId } from './networks.ts';
import { NotaryRegistryClient, encodeAnchorCall, registryError, titleHash, validateAnchorRequest } from './registry.ts';
import { isTransientRpcError } from './rpc-faults.ts';
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
  /** OP Stack GasPriceOracle (NetworkPreset.l1FeeOracle), so quotes include the L1 data fee. */
  l1FeeOracle?: string | null;
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
  | { stage: 'estimated'; estimate: FeeEstimate }
  /** The endpoint did not answer (down, slow, throttling); the call keeps trying until its deadline. */
  | { stage: 'rpc-unavailable'; txHash: string | null; message: string }
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
  /**
   * Asked with the node's quote before a new transaction is signed (never when resuming one
   * already signed): resolve true to send, false to stop with NotariumError('CANCELLED') with
   * nothing stored or sent.
   */
  confirmFee?: (estimate: FeeEstimate) => boolean | Promise<boolean>;
}

/** Attempts of a read before signing when the endpoint does not answer. */
const PRESIGN_ATTEMPTS = 3;

/** Longest pause between polls of an endpoint that does not answer, ms. */
const MAX_BACKOFF_MS = 15_000;

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
  readonly #gasMarginPercent: number;
  readonly #l1FeeOracle: string | null;
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
    this.#gasMarginPercent = options.gasMarginPercent ?? 20;
    this.#l1FeeOracle = options.l1FeeOracle ?? null;
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
   * A new transaction is quoted first (options.confirmFee decides whether it is sent).
   * @returns the anchoring, with `alreadyAnchored` true when the root was anchored before and no
   *   transaction of ours was involved.
   * @throws NotariumError: 'INVALID_INPUT' (request shape), 'CHAIN_ID_MISMATCH', contract errors
   *   mapped by registryError ('SIGNATURE_INVALID', 'ALREADY_ANCHORED', 'NOT_FOUND', ...),
   *   'INSUFFICIENT_FUNDS' (details: address, balanceWei, maxCostWei; nothing signed),
   *   'CANCELLED' (fee declined, nothing signed; or options.signal aborted while waiting),
   *   'ANCHOR_PENDING' (deadline reached, endpoint unreachable after signing: the transaction is
   *   tracked, call again to resume; details: root, txHash, status, nonce, reason),
   *   'CHAIN_FAILED' (endpoint unreachable before signing, nothing sent; a transaction rejected
   *   by the node or replaced by another with its nonce).
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
    const record = this.#store.getPendingAnchor(this.#chainId, this.#contract, root.toLowerCase());
    if (record === undefined || record.status === 'failed') {
      await this.#checkChain();
      return null;
    }
    await this.#checkChainFor(record);
    return await this.#resume(record, options);
  }

  async #anchor(request: AnchorRequest, signer: Signer, options: AnchorCallOptions): Promise<AnchorResult> {
    const record = this.#store.getPendingAnchor(this.#chainId, this.#contract, request.root);
    if (record !== undefined && record.status !== 'failed') {
      await this.#checkChainFor(record);
      return await this.#resume(record, options);
    }
    await this.#beforeSigning(() => this.#checkChain());

    const existing = await this.#beforeSigning(() => this.#existingAnchor(request.root, request));
    if (existing !== null) {
      options.onProgress?.({ stage: 'already-anchored' });
      return existing;
    }

    const signed = await this.#sign(request, signer, options);
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
    if (await this.#firstBroadcast(pending, options)) options.onProgress?.({ stage: 'broadcast', txHash: pending.txHash });
    return await this.#track(pending, options);
  }

  async #checkChain(): Promise<void> {
    if (this.#chainChecked) return;
    await assertChainId(this.#provider, this.#chainId);
    this.#chainChecked = true;
  }

  /** Chain check for a stored record: an endpoint that does not answer leaves it pending, clearly. */
  async #checkChainFor(record: PendingAnchor): Promise<void> {
    try {
      await this.#checkChain();
    } catch (e) {
      if (isTransientRpcError(e)) throw this.#pending(record, `the endpoint does not answer: ${(e as Error).message}`, e);
      throw e;
    }
  }

  /**
   * Runs a read that precedes signing, retrying an endpoint that does not answer a few times.
   * @throws NotariumError('CHAIN_FAILED') saying nothing was sent, after the last attempt.
   */
  async #beforeSigning<T>(read: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (e) {
        if (!isTransientRpcError(e)) throw e;
        if (attempt >= PRESIGN_ATTEMPTS) {
          throw new NotariumError('CHAIN_FAILED', `the RPC endpoint does not answer (${(e as Error).message}); nothing was signed or sent, try again later`, { cause: e, details: { transient: true } });
        }
        await sleep(Math.min(this.#pollIntervalMs * 2 ** attempt, MAX_BACKOFF_MS));
      }
    }
  }

  async #resume(record: PendingAnchor, options: AnchorCallOptions): Promise<AnchorResult> {
    options.onProgress?.({ stage: 'resumed', txHash: record.txHash, status: record.status });
    if (record.status === 'pending') await this.#rebroadcast(record);
    return await this.#track({ ...record }, options);
  }

  /**
   * The root's anchoring when it is already on-chain (by anyone), else null. With `request`,
   * that anchoring must state what the request does (manifest digest, title, authors in
   * order, superseded root): the same root anchored with another statement is refused, as
   * no receipt of the request could ever verify against it.
   * @throws NotariumError('ALREADY_ANCHORED') for another statement (details: root, txHash, differs).
   */
  async #existingAnchor(root: string, request?: AnchorRequest): Promise<AnchorResult | null> {
    const onChain = await this.#registry.anchorOf(root);
    if (onChain === null) return null;
    let event;
    try {
      event = await this.#registry.findAnchoredEvent(root, this.#fromBlock);
    } catch (e) {
      if (isTransientRpcError(e)) throw e;
      event = null;
    }
    if (event === null) {
      throw new NotariumError('ALREADY_ANCHORED', `root ${root} is already anchored (at ${onChain.timestamp}) but its transaction was not found`, {
        details: { root, timestamp: onChain.timestamp, submitter: onChain.submitter },
      });
    }
    if (request !== undefined) {
      const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
      const differs = [
        same(event.manifestDigest, request.manifestDigest) ? null : 'manifest digest',
        same(event.titleHash, titleHash(request.title)) ? null : 'title',
        same(event.authors.join(), request.authors.join()) ? null : 'authors (or their order)',
        same(event.supersedes, request.supersedes ?? ZERO_BYTES32) ? null : 'superseded root',
      ].filter((d): d is string => d !== null);
      if (differs.length > 0) {
        throw new NotariumError(
          'ALREADY_ANCHORED',
          `Not anchored: root ${root} was already anchored in transaction ${event.txHash} (block ${event.blockNumber}) with another ${differs.join(', ')}. That first anchoring stands; a receipt of this draft could never verify against it. Nothing was sent.`,
          { details: { root, txHash: event.txHash, blockNumber: event.blockNumber, differs } },
        );
      }
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

  /** Quotes, asks, and signs (without sending) a new anchoring transaction. */
  async #sign(request: AnchorRequest, signer: Signer, options: AnchorCallOptions): Promise<{ raw: string; hash: string; nonce: number }> {
    const data = encodeAnchorCall(request);
    const from = await signer.getAddress();
    let estimate: FeeEstimate;
    try {
      estimate = await this.#beforeSigning(() =>
        estimateFees(this.#provider, { from, to: this.#contract, data, chainId: this.#chainId }, { gasMarginPercent: this.#gasMarginPercent, l1FeeOracle: this.#l1FeeOracle }),
      );
    } catch (e) {
      throw registryError(e, 'anchor simulation');
    }
    options.onProgress?.({ stage: 'estimated', estimate });
    if (!canAfford(estimate)) {
      throw new NotariumError('INSUFFICIENT_FUNDS', `${estimate.from} holds ${formatEther(estimate.balanceWei)} but the anchoring may cost up to ${formatEther(estimate.maxCostWei)} (chain ${this.#chainId}); nothing was sent`, {
        details: { address: estimate.from, chainId: this.#chainId, balanceWei: estimate.balanceWei.toString(), maxCostWei: estimate.maxCostWei.toString() },
      });
    }
    if (options.confirmFee !== undefined && !(await options.confirmFee(estimate))) {
      throw new NotariumError('CANCELLED', 'anchoring not sent: the fee was declined', { details: { root: request.root, sent: false } });
    }
    const nonce = await this.#beforeSigning(() => this.#provider.getTransactionCount(from, 'pending'));
    try {
      const tx: TransactionRequest = { to: this.#contract, data, chainId: BigInt(this.#chainId), nonce, ...feeFields(estimate) };
      const raw = await signer.signTransaction(tx);
      return { raw, hash: Transaction.from(raw).hash ?? '', nonce };
    } catch (e) {
      throw new NotariumError('CHAIN_FAILED', `cannot sign the anchoring transaction: ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * First broadcast of a stored transaction.
   * @returns true when the node accepted it; false when the endpoint did not answer (tracking
   *   re-broadcasts it, so the record stays pending).
   * @throws the mapped node error, after marking the record failed, when the node rejected it.
   */
  async #firstBroadcast(record: PendingAnchor, options: AnchorCallOptions): Promise<boolean> {
    try {
      await this.#provider.broadcastTransaction(record.rawTx);
      return true;
    } catch (e) {
      if (isTransientRpcError(e)) {
        // The request may or may not have reached the node: only the chain can tell.
        options.onProgress?.({ stage: 'rpc-unavailable', txHash: record.txHash, message: (e as Error).message });
        return false;
      }
      // If the node does not know the transaction, it was rejected outright (funds, nonce, fee):
      // it can never be mined, so the record must not block a corrected retry.
      const known = await this.#provider.getTransaction(record.txHash).catch(() => undefined);
      if (known === null) {
        this.#save(record, { status: 'failed' });
        throw registryError(e, 'broadcast');
      }
      return false;
    }
  }

  /** Sends the stored bytes again; returns the node's complaint, if any ("already known", "nonce too low" are expected). */
  async #rebroadcast(record: PendingAnchor): Promise<string | null> {
    try {
      await this.#provider.broadcastTransaction(record.rawTx);
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  }

  #save(record: PendingAnchor, change: Partial<Pick<PendingAnchor, 'status' | 'blockNumber'>>): void {
    Object.assign(record, change);
    this.#store.savePendingAnchor({ ...record });
  }

  #pending(record: PendingAnchor, reason: string, cause?: unknown): NotariumError {
    return new NotariumError('ANCHOR_PENDING', `transaction ${record.txHash} is not confirmed yet (${reason}); it is tracked and resumes on the next call`, {
      ...(cause === undefined ? {} : { cause }),
      details: { root: record.root, txHash: record.txHash, status: record.status, nonce: record.nonce, reason },
    });
  }

  async #track(record: PendingAnchor, options: AnchorCallOptions): Promise<AnchorResult> {
    const wanted = options.confirmations ?? this.#confirmations;
    if (!Number.isSafeInteger(wanted) || wanted < 1) throw new NotariumError('INVALID_INPUT', `confirmations must be a positive integer, got ${wanted}`);
    const state: TrackState = {
      deadline: Date.now() + this.#timeoutMs,
      lastBroadcast: Date.now(),
      from: Transaction.from(record.rawTx).from,
      wanted,
      lastComplaint: null,
    };
    let failures = 0;
    for (;;) {
      if (options.signal?.aborted === true) throw cancelled();
      let outcome: AnchorResult | 'wait' | 'again';
      try {
        outcome = await this.#poll(record, state, options);
        failures = 0;
      } catch (e) {
        if (isTransientRpcError(e)) {
          failures++;
          const message = (e as Error).message;
          options.onProgress?.({ stage: 'rpc-unavailable', txHash: record.txHash, message });
          if (Date.now() >= state.deadline) throw this.#pending(record, `the endpoint does not answer: ${message}`, e);
          await sleep(Math.min(this.#pollIntervalMs * 2 ** failures, Math.max(this.#pollIntervalMs, MAX_BACKOFF_MS)), options.signal);
          continue;
        }
        if (isNotariumError(e)) throw e;
        // An answer we cannot interpret: the transaction is still ours to follow.
        throw this.#pending(record, `tracking failed: ${(e as Error).message}`, e);
      }
      if (outcome === 'again') continue;
      if (outcome !== 'wait') return outcome;
      if (Date.now() >= state.deadline) {
        throw this.#pending(record, state.lastComplaint === null ? 'deadline reached' : `deadline reached; the node said: ${state.lastComplaint}`);
      }
      await sleep(this.#pollIntervalMs, options.signal);
    }
  }

  /** One look at the chain: the result, 'wait' (poll later) or 'again' (look again now). */
  async #poll(record: PendingAnchor, state: TrackState, options: AnchorCallOptions): Promise<AnchorResult | 'wait' | 'again'> {
    const receipt = await this.#provider.getTransactionReceipt(record.txHash);
    if (receipt === null) return await this.#unmined(record, state);
    if (receipt.status !== 1) return await this.#reverted(record, receipt);
    if (record.status === 'pending' || record.blockNumber !== receipt.blockNumber) {
      this.#save(record, { status: 'mined', blockNumber: receipt.blockNumber });
      options.onProgress?.({ stage: 'mined', txHash: record.txHash, blockNumber: receipt.blockNumber });
    }
    const confirmations = (await this.#provider.getBlockNumber()) - receipt.blockNumber + 1;
    if (confirmations >= state.wanted) {
      const block = await this.#provider.getBlock(receipt.blockNumber);
      // A reorg between the two reads, or a node that has not caught up: look again.
      if (block === null || block.hash !== receipt.blockHash) return 'wait';
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
    options.onProgress?.({ stage: 'confirming', txHash: record.txHash, confirmations, wanted: state.wanted });
    if (this.#mine !== undefined) {
      await this.#mine(state.wanted - Math.max(confirmations, 0));
      return 'again';
    }
    return 'wait';
  }

  /** Our transaction has no receipt: reorged out, dropped, replaced, or just not mined yet. */
  async #unmined(record: PendingAnchor, state: TrackState): Promise<'wait' | 'again' | AnchorResult> {
    if (record.status !== 'pending') {
      // Mined before, gone now: a reorg dropped the block. The same bytes are valid again.
      this.#save(record, { status: 'pending', blockNumber: null });
      state.lastComplaint = await this.#rebroadcast(record);
      state.lastBroadcast = Date.now();
      return 'wait';
    }
    if (state.from !== null) {
      // Replacement is declared only when the nonce was used in a block as deep as the wanted
      // confirmations: a shallower one could still be reorged away in favour of ours.
      const head = await this.#provider.getBlockNumber();
      const settled = Math.max(0, head - state.wanted + 1);
      if ((await this.#provider.getTransactionCount(state.from, settled)) > record.nonce) {
        if ((await this.#provider.getTransactionReceipt(record.txHash)) === null) return await this.#replaced(record);
        return 'again';
      }
      if (this.#mine !== undefined && state.wanted > 1 && (await this.#provider.getTransactionCount(state.from, 'latest')) > record.nonce) {
        await this.#mine(state.wanted - 1);
        return 'again';
      }
    }
    // A node that no longer knows the transaction dropped it (mempool eviction, restart, a
    // load-balanced endpoint that never had it): send it again now rather than at the interval.
    const known = await this.#provider.getTransaction(record.txHash);
    if (known === null || Date.now() - state.lastBroadcast >= this.#rebroadcastIntervalMs) {
      state.lastComplaint = await this.#rebroadcast(record);
      state.lastBroadcast = Date.now();
    }
    return 'wait';
  }

  /**
   * Our nonce was consumed by another transaction: ours can never be mined. Returns 'wait' when
   * the anchoring found is ours after all (a node whose receipt index lags its state).
   */
  async #replaced(record: PendingAnchor): Promise<AnchorResult | 'wait'> {
    // Ask the chain first: a transient failure here leaves the record pending, to be re-judged.
    const existing = await this.#existingAnchor(record.root);
    if (existing?.txHash.toLowerCase() === record.txHash.toLowerCase()) return 'wait';
    this.#save(record, { status: 'failed' });
    if (existing !== null) return existing;
    throw new NotariumError('CHAIN_FAILED', `transaction ${record.txHash} was replaced by another transaction with nonce ${record.nonce}; the root is not anchored, call again to send a new transaction`, {
      details: { root: record.root, txHash: record.txHash, nonce: record.nonce, replaced: true },
    });
  }

  async #reverted(record: PendingAnchor, receipt: TransactionReceipt): Promise<AnchorResult> {
    // The usual cause: another transaction anchored the same root first.
    const existing = await this.#existingAnchor(record.root);
    this.#save(record, { status: 'failed', blockNumber: receipt.blockNumber });
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

/** Mutable state of one tracking loop. */
interface TrackState {
  /** Date.now() after which the call ends ANCHOR_PENDING. */
  deadline: number;
  lastBroadcast: number;
  /** Sender recovered from the raw transaction. */
  from: string | null;
  wanted: number;
  /** The node's last answer to a re-broadcast, reported in ANCHOR_PENDING. */
  lastComplaint: string | null;
}
