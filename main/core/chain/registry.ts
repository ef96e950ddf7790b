/**
 * Typed client of contracts/NotaryRegistry.sol (ethers v6): deploy, anchor, read state, decode
 * events, and map the contract's custom errors to NotariumError codes.
 */
import { Contract, ContractFactory, Interface, getAddress, isHexString, keccak256, toUtf8Bytes, ZeroHash } from 'ethers';
import type { ContractRunner, Log, Provider, Signer, TransactionReceipt } from 'ethers';
import { NotariumError } from '../../../shared/errors.ts';
import type { ErrorCode } from '../../../shared/errors.ts';
import { NOTARY_REGISTRY } from './artifacts.ts';
import { encodeSignatureBlob } from './signature-blob.ts';
import type { AnchorRequest } from './types.ts';

/** The registry's ABI as an ethers Interface. */
export const REGISTRY_INTERFACE = new Interface(NOTARY_REGISTRY.abi);

/** On-chain state of an anchored root. */
export interface OnChainAnchor {
  /** Block time of the anchoring, unix seconds. */
  timestamp: number;
  /** msg.sender of the anchoring call (checksummed). */
  submitter: string;
}

/** A decoded `Anchored` event (plus the supersession of the same transaction, if any). */
export interface AnchoredEvent {
  root: string;
  manifestDigest: string;
  titleHash: string;
  /** Checksummed, in signing order. */
  authors: string[];
  /** The root this one superseded (from `Superseded` in the same transaction), or 32 zero bytes. */
  supersedes: string;
  txHash: string;
  blockNumber: number;
  blockHash: string;
  logIndex: number;
}

/** A decoded `Superseded` event. */
export interface SupersededEvent {
  oldRoot: string;
  newRoot: string;
}

const ZERO = ZeroHash;

function assertBytes32(value: string, name: string): void {
  if (!isHexString(value, 32)) throw new NotariumError('INVALID_INPUT', `${name} must be 0x + 64 hex digits`, { details: { [name]: value } });
}

/** keccak256 of the UTF-8 title: what the contract receives instead of the signed string. */
export function titleHash(title: string): string {
  return keccak256(toUtf8Bytes(title));
}

/** The registry custom errors and the NotariumError code each maps to. */
const ERROR_MAP: Record<string, ErrorCode> = {
  AlreadyAnchored: 'ALREADY_ANCHORED',
  InvalidSignature: 'SIGNATURE_INVALID',
  SupersessionNotAuthorized: 'SIGNATURE_INVALID',
  DuplicateAuthor: 'INVALID_INPUT',
  NoAuthors: 'INVALID_INPUT',
  ZeroRoot: 'INVALID_INPUT',
  SignaturesTooShort: 'INVALID_INPUT',
  NotAnchored: 'NOT_FOUND',
  AlreadySuperseded: 'ALREADY_EXISTS',
};

function findRevertData(e: unknown, depth = 0): string | undefined {
  if (e === null || typeof e !== 'object' || depth > 5) return undefined;
  const candidate = e as { data?: unknown; error?: unknown; info?: unknown; cause?: unknown };
  if (typeof candidate.data === 'string' && isHexString(candidate.data) && candidate.data.length >= 10) return candidate.data;
  for (const inner of [candidate.error, candidate.info, candidate.cause, candidate.data]) {
    const found = findRevertData(inner, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Turns a failed registry call (ethers CALL_EXCEPTION, a JSON-RPC error with revert data) into a
 * NotariumError. details.error is the contract error name and details.args its arguments
 * (bigints as decimal strings). Unknown failures become CHAIN_FAILED; NotariumErrors pass through.
 */
export function registryError(e: unknown, context = 'registry call'): NotariumError {
  if (e instanceof NotariumError) return e;
  const data = findRevertData(e);
  if (data !== undefined) {
    try {
      const parsed = REGISTRY_INTERFACE.parseError(data);
      if (parsed !== null) {
        const args = Object.fromEntries(parsed.fragment.inputs.map((input, i) => {
          const value: unknown = parsed.args[i];
          return [input.name, typeof value === 'bigint' ? value.toString() : value];
        }));
        const code = ERROR_MAP[parsed.name] ?? 'CHAIN_FAILED';
        return new NotariumError(code, `${context} reverted: ${parsed.name}(${Object.values(args).join(', ')})`, {
          details: { error: parsed.name, args },
          cause: e,
        });
      }
    } catch {
      // not one of ours
    }
  }
  const message = e instanceof Error ? e.message : String(e);
  return new NotariumError('CHAIN_FAILED', `${context} failed: ${message}`, { cause: e });
}

/**
 * Checks an AnchorRequest's shape (not its signatures: the contract does that).
 * @throws NotariumError('INVALID_INPUT').
 */
export function validateAnchorRequest(request: AnchorRequest): void {
  assertBytes32(request.root, 'root');
  if (request.root === ZERO) throw new NotariumError('INVALID_INPUT', 'root must not be zero');
  assertBytes32(request.manifestDigest, 'manifestDigest');
  if (request.supersedes !== undefined) assertBytes32(request.supersedes, 'supersedes');
  if (request.authors.length === 0) throw new NotariumError('INVALID_INPUT', 'at least one author is required');
  if (request.signatures.length !== request.authors.length) {
    throw new NotariumError('INVALID_INPUT', `${request.authors.length} authors but ${request.signatures.length} signatures`);
  }
  const seen = new Set<string>();
  request.authors.forEach((author, index) => {
    let address: string;
    try {
      address = getAddress(author);
    } catch (e) {
      throw new NotariumError('INVALID_INPUT', `author ${index} is not an address`, { details: { index, author }, cause: e });
    }
    if (seen.has(address)) throw new NotariumError('INVALID_INPUT', `author ${index} is listed twice`, { details: { index, author: address } });
    seen.add(address);
  });
}

/**
 * Calldata for anchoring `request`: `anchor(...)`, or `supersede(oldRoot, ...)` when
 * `request.supersedes` is set and not zero.
 * @returns 0x hex calldata.
 * @throws NotariumError('INVALID_INPUT') for a malformed request.
 */
export function encodeAnchorCall(request: AnchorRequest): string {
  validateAnchorRequest(request);
  const authors = request.authors.map((a) => getAddress(a));
  const blob = encodeSignatureBlob(request.signatures);
  const hash = titleHash(request.title);
  const supersedes = request.supersedes ?? ZERO;
  return supersedes === ZERO
    ? REGISTRY_INTERFACE.encodeFunctionData('anchor', [request.root, request.manifestDigest, hash, authors, blob])
    : REGISTRY_INTERFACE.encodeFunctionData('supersede', [supersedes, request.root, request.manifestDigest, hash, authors, blob]);
}

/**
 * Decodes the registry's events among `logs` (other contracts' logs are ignored).
 * `supersedes` of an Anchored event is filled from a Superseded event of the same transaction.
 */
export function decodeRegistryLogs(logs: readonly Log[], registry: string): { anchored: AnchoredEvent[]; superseded: SupersededEvent[] } {
  const address = getAddress(registry);
  const anchored: AnchoredEvent[] = [];
  const superseded: (SupersededEvent & { txHash: string })[] = [];
  for (const log of logs) {
    if (getAddress(log.address) !== address) continue;
    let parsed;
    try {
      parsed = REGISTRY_INTERFACE.parseLog({ topics: [...log.topics], data: log.data });
    } catch {
      continue;
    }
    if (parsed === null) continue;
    if (parsed.name === 'Anchored') {
      anchored.push({
        root: parsed.args[0] as string,
        manifestDigest: parsed.args[1] as string,
        titleHash: parsed.args[2] as string,
        authors: (parsed.args[3] as string[]).map((a) => getAddress(a)),
        supersedes: ZERO,
        txHash: log.transactionHash,
        blockNumber: log.blockNumber,
        blockHash: log.blockHash,
        logIndex: log.index,
      });
    } else if (parsed.name === 'Superseded') {
      superseded.push({ oldRoot: parsed.args[0] as string, newRoot: parsed.args[1] as string, txHash: log.transactionHash });
    }
  }
  for (const event of anchored) {
    const link = superseded.find((s) => s.newRoot === event.root && s.txHash === event.txHash);
    if (link !== undefined) event.supersedes = link.oldRoot;
  }
  return { anchored, superseded: superseded.map(({ oldRoot, newRoot }) => ({ oldRoot, newRoot })) };
}

/** A NotaryRegistry deployment. */
export class NotaryRegistryClient {
  /** Checksummed address. */
  readonly address: string;
  readonly contract: Contract;
  readonly #runner: ContractRunner;

  /** @param runner a Provider for reads, a Signer for writes. */
  constructor(address: string, runner: ContractRunner) {
    this.address = getAddress(address);
    this.#runner = runner;
    this.contract = new Contract(this.address, REGISTRY_INTERFACE, runner);
  }

  /**
   * Deploys a new registry and waits for its receipt.
   * @throws NotariumError('CHAIN_FAILED') when the deployment fails.
   */
  static async deploy(signer: Signer): Promise<{ client: NotaryRegistryClient; txHash: string; blockNumber: number }> {
    try {
      const factory = new ContractFactory(REGISTRY_INTERFACE, NOTARY_REGISTRY.bytecode, signer);
      const contract = await factory.deploy();
      const tx = contract.deploymentTransaction();
      const receipt = tx === null ? null : await tx.wait();
      if (receipt === null || receipt.status !== 1) throw new Error('deployment transaction failed');
      return { client: new NotaryRegistryClient(await contract.getAddress(), signer), txHash: receipt.hash, blockNumber: receipt.blockNumber };
    } catch (e) {
      throw registryError(e, 'registry deployment');
    }
  }

  get #provider(): Provider {
    const provider = this.#runner.provider ?? null;
    if (provider === null) throw new NotariumError('INTERNAL', 'registry client has no provider');
    return provider;
  }

  /**
   * Anchors `request` from `signer` and waits for one confirmation. No persistence: AnchorService
   * is the path that survives restarts; this is for tools, tests and benchmarks.
   * The call is simulated first, so contract errors surface before anything is signed.
   * @returns the mined receipt.
   * @throws NotariumError mapped from the contract error ('ALREADY_ANCHORED', 'SIGNATURE_INVALID', ...).
   */
  async anchor(request: AnchorRequest, signer: Signer): Promise<TransactionReceipt> {
    const data = encodeAnchorCall(request);
    const from = await signer.getAddress();
    try {
      const gasLimit = await this.#provider.estimateGas({ from, to: this.address, data });
      const tx = await signer.sendTransaction({ to: this.address, data, gasLimit });
      const receipt = await tx.wait();
      if (receipt === null || receipt.status !== 1) throw new NotariumError('CHAIN_FAILED', `anchoring transaction ${tx.hash} failed`);
      return receipt;
    } catch (e) {
      throw registryError(e, 'anchor');
    }
  }

  /**
   * When and by whom `root` was anchored, or null if it never was.
   * @throws NotariumError('CHAIN_FAILED') when the call fails.
   */
  async anchorOf(root: string, blockTag?: number | string): Promise<OnChainAnchor | null> {
    assertBytes32(root, 'root');
    try {
      const [timestamp, submitter] = (await this.contract.getFunction('anchorOf').staticCall(root, blockTag === undefined ? {} : { blockTag })) as [bigint, string];
      return timestamp === 0n ? null : { timestamp: Number(timestamp), submitter: getAddress(submitter) };
    } catch (e) {
      throw registryError(e, 'anchorOf');
    }
  }

  /** The root that superseded `root`, or null. @throws NotariumError('CHAIN_FAILED'). */
  async supersededBy(root: string): Promise<string | null> {
    assertBytes32(root, 'root');
    try {
      const next = (await this.contract.getFunction('supersededBy').staticCall(root)) as string;
      return next === ZERO ? null : next;
    } catch (e) {
      throw registryError(e, 'supersededBy');
    }
  }

  /**
   * The EIP-712 digest the contract verifies for this message (title given as a string).
   * @throws NotariumError('CHAIN_FAILED').
   */
  async notarizationDigest(message: { root: string; manifestDigest: string; title: string; authors: string[]; supersedes: string }): Promise<string> {
    try {
      return (await this.contract.getFunction('notarizationDigest').staticCall(
        message.root,
        message.manifestDigest,
        titleHash(message.title),
        message.authors,
        message.supersedes,
      )) as string;
    } catch (e) {
      throw registryError(e, 'notarizationDigest');
    }
  }

  /** The EIP-712 domain separator of this deployment. @throws NotariumError('CHAIN_FAILED'). */
  async domainSeparator(): Promise<string> {
    try {
      return (await this.contract.getFunction('domainSeparator').staticCall()) as string;
    } catch (e) {
      throw registryError(e, 'domainSeparator');
    }
  }

  /**
   * Looks up the `Anchored` event of `root` with eth_getLogs (indexed topic), from `fromBlock`
   * (default 0; public endpoints may refuse wide ranges, so pass the deployment block when known).
   * @returns the event, or null when none is found.
   * @throws NotariumError('CHAIN_FAILED') when the endpoint refuses the query.
   */
  async findAnchoredEvent(root: string, fromBlock = 0): Promise<AnchoredEvent | null> {
    assertBytes32(root, 'root');
    try {
      const topic = REGISTRY_INTERFACE.getEvent('Anchored')?.topicHash;
      const logs = await this.#provider.getLogs({ address: this.address, topics: [topic ?? null, root], fromBlock, toBlock: 'latest' });
      const first = logs[0];
      if (first === undefined) return null;
      const receipt = await this.#provider.getTransactionReceipt(first.transactionHash);
      const events = decodeRegistryLogs(receipt?.logs ?? logs, this.address).anchored.filter((e) => e.root === root);
      return events[0] ?? null;
    } catch (e) {
      throw registryError(e, 'findAnchoredEvent');
    }
  }
}
