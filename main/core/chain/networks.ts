/**
 * Network presets and chain-id checks. Every connection to an RPC endpoint is checked against
 * the chain id the caller expects: signing for, or verifying against, the wrong chain must fail
 * loudly (NotariumError 'CHAIN_ID_MISMATCH'), not produce a receipt for another chain.
 */
import { FetchRequest, JsonRpcProvider, Network } from 'ethers';
import { NotariumError } from '../../../shared/errors.ts';

/** Preset identifiers; `custom` is any other EVM chain given by RPC URL and chain id. */
export type NetworkId = 'devnet' | 'sepolia' | 'ethereum' | 'base' | 'optimism' | 'arbitrum' | 'polygon' | 'gnosis' | 'custom';

/** A network Notarium can anchor on. */
export interface NetworkPreset {
  id: NetworkId;
  /** Human name for the UI and reports. */
  name: string;
  /** EIP-155 chain id. */
  chainId: bigint;
  /** The embedded devnet: receipts from it must say that they prove nothing to third parties. */
  local: boolean;
  /** A public test network (worthless ether, no long-term guarantee). */
  testnet: boolean;
  /** Block-explorer transaction URL with a `{txHash}` placeholder, or null. */
  explorerTxUrl: string | null;
  /**
   * A public RPC endpoint run by a third party, a convenience default for reading (verification);
   * rate-limited and not to be relied upon for sending. Null for the devnet.
   */
  publicRpcUrl: string | null;
  /** Default number of confirmations to wait for (the anchoring block counts as one). */
  defaultConfirmations: number;
  /** Symbol of the native currency that pays gas (ETH, POL, xDAI). */
  currency: string;
  /**
   * OP Stack chains charge an L1 data fee on top of gas: the GasPriceOracle predeploy that
   * quotes it (`getL1Fee(bytes)`), or null on other chains.
   */
  l1FeeOracle: string | null;
}

/** The OP Stack GasPriceOracle predeploy (same address on every OP Stack chain). */
export const OP_STACK_GAS_PRICE_ORACLE = '0x420000000000000000000000000000000000000F';

/** Chain id of the embedded devnet (Hardhat's usual local id). */
export const DEVNET_CHAIN_ID = 31337n;

/**
 * The presets. Confirmation defaults follow each chain's block time and reorg history; callers can
 * override them per anchoring.
 */
export const NETWORKS: Readonly<Record<Exclude<NetworkId, 'custom'>, NetworkPreset>> = Object.freeze({
  devnet: { id: 'devnet', name: 'Local devnet', chainId: DEVNET_CHAIN_ID, local: true, testnet: true, explorerTxUrl: null, publicRpcUrl: null, defaultConfirmations: 1, currency: 'ETH', l1FeeOracle: null },
  sepolia: { id: 'sepolia', name: 'Sepolia', chainId: 11155111n, local: false, testnet: true, explorerTxUrl: 'https://sepolia.etherscan.io/tx/{txHash}', publicRpcUrl: 'https://ethereum-sepolia-rpc.publicnode.com', defaultConfirmations: 2, currency: 'SepoliaETH', l1FeeOracle: null },
  ethereum: { id: 'ethereum', name: 'Ethereum', chainId: 1n, local: false, testnet: false, explorerTxUrl: 'https://etherscan.io/tx/{txHash}', publicRpcUrl: 'https://ethereum-rpc.publicnode.com', defaultConfirmations: 3, currency: 'ETH', l1FeeOracle: null },
  base: { id: 'base', name: 'Base', chainId: 8453n, local: false, testnet: false, explorerTxUrl: 'https://basescan.org/tx/{txHash}', publicRpcUrl: 'https://mainnet.base.org', defaultConfirmations: 5, currency: 'ETH', l1FeeOracle: OP_STACK_GAS_PRICE_ORACLE },
  optimism: { id: 'optimism', name: 'OP Mainnet', chainId: 10n, local: false, testnet: false, explorerTxUrl: 'https://optimistic.etherscan.io/tx/{txHash}', publicRpcUrl: 'https://mainnet.optimism.io', defaultConfirmations: 5, currency: 'ETH', l1FeeOracle: OP_STACK_GAS_PRICE_ORACLE },
  arbitrum: { id: 'arbitrum', name: 'Arbitrum One', chainId: 42161n, local: false, testnet: false, explorerTxUrl: 'https://arbiscan.io/tx/{txHash}', publicRpcUrl: 'https://arb1.arbitrum.io/rpc', defaultConfirmations: 5, currency: 'ETH', l1FeeOracle: null },
  polygon: { id: 'polygon', name: 'Polygon PoS', chainId: 137n, local: false, testnet: false, explorerTxUrl: 'https://polygonscan.com/tx/{txHash}', publicRpcUrl: 'https://polygon-rpc.com', defaultConfirmations: 32, currency: 'POL', l1FeeOracle: null },
  gnosis: { id: 'gnosis', name: 'Gnosis', chainId: 100n, local: false, testnet: false, explorerTxUrl: 'https://gnosisscan.io/tx/{txHash}', publicRpcUrl: 'https://rpc.gnosischain.com', defaultConfirmations: 5, currency: 'xDAI', l1FeeOracle: null },
});

/**
 * A preset for any other EVM chain.
 * @param options.chainId EIP-155 chain id (positive integer).
 * @param options.explorerTxUrl optional URL template containing `{txHash}`.
 * @throws NotariumError('INVALID_INPUT') for a non-positive chain id or a template without `{txHash}`.
 */
export function customNetwork(options: { name: string; chainId: bigint | number; explorerTxUrl?: string; rpcUrl?: string; confirmations?: number; currency?: string }): NetworkPreset {
  const chainId = BigInt(options.chainId);
  if (chainId <= 0n) throw new NotariumError('INVALID_INPUT', `chain id must be positive, got ${chainId}`);
  if (options.explorerTxUrl !== undefined && !options.explorerTxUrl.includes('{txHash}')) {
    throw new NotariumError('INVALID_INPUT', 'explorerTxUrl must contain {txHash}');
  }
  return {
    id: 'custom',
    name: options.name,
    chainId,
    local: false,
    testnet: false,
    explorerTxUrl: options.explorerTxUrl ?? null,
    publicRpcUrl: options.rpcUrl ?? null,
    defaultConfirmations: options.confirmations ?? 1,
    currency: options.currency ?? 'ETH',
    l1FeeOracle: null,
  };
}

/** The preset whose chain id is `chainId`, or undefined. */
export function networkByChainId(chainId: bigint | number | string): NetworkPreset | undefined {
  const id = BigInt(chainId);
  return Object.values(NETWORKS).find((n) => n.chainId === id);
}

/**
 * The network a name stands for: a preset id (`sepolia`, `base`, ...) or preset display name
 * (`Arbitrum One`), case-insensitive; any other name is a custom network and needs `chainId`.
 * Settings and the CLI name networks this way; a name/chain id pair that contradicts a preset
 * (e.g. `sepolia` with chain id 1) is refused rather than guessed at.
 * @throws NotariumError('CHAIN_ID_MISMATCH') when `chainId` differs from the named preset's
 *   (details {network, expected, actual}); NotariumError('INVALID_INPUT') for a custom name
 *   without a chain id, or an invalid chain id.
 */
export function resolveNetwork(name: string, chainId?: bigint | number | string): NetworkPreset {
  const key = name.trim().toLowerCase();
  const preset = Object.values(NETWORKS).find((n) => n.id === key || n.name.toLowerCase() === key);
  if (preset !== undefined) {
    if (chainId !== undefined && BigInt(chainId) !== preset.chainId) {
      throw new NotariumError('CHAIN_ID_MISMATCH', `network "${name}" is ${preset.name}, chain ${preset.chainId}, not chain ${BigInt(chainId)}`, {
        details: { network: preset.id, expected: preset.chainId.toString(), actual: BigInt(chainId).toString() },
      });
    }
    return preset;
  }
  if (chainId === undefined) {
    throw new NotariumError('INVALID_INPUT', `"${name}" is not a network preset (${Object.keys(NETWORKS).join(', ')}); give the chain id of a custom network`);
  }
  // A custom name that reuses a preset's chain id is that preset under another name: keep its
  // explorer, currency and confirmation defaults.
  const known = networkByChainId(chainId);
  return known ?? customNetwork({ name: name.trim(), chainId: BigInt(chainId) });
}

/** Explorer URL of `txHash` on the preset chain `chainId`, or null (devnet, unknown chain). */
export function explorerTxUrl(chainId: bigint | number | string, txHash: string, network?: NetworkPreset): string | null {
  const template = (network ?? networkByChainId(chainId))?.explorerTxUrl ?? null;
  return template === null ? null : template.replace('{txHash}', txHash);
}

/** Anything that can answer a raw JSON-RPC call (ethers JsonRpcApiProvider, an EIP-1193 provider). */
export type RpcSender = { send(method: string, params: unknown[]): Promise<unknown> } | { request(args: { method: string; params?: unknown[] }): Promise<unknown> };

/**
 * Asks the endpoint for its chain id (eth_chainId, EIP-695) and compares.
 * @returns the chain id reported.
 * @throws NotariumError('CHAIN_ID_MISMATCH') with details {expected, actual} (decimal strings) when they differ;
 *   NotariumError('CHAIN_FAILED') when the endpoint does not answer.
 */
export async function assertChainId(rpc: RpcSender, expected: bigint | number | string): Promise<bigint> {
  let answer: unknown;
  try {
    answer = 'send' in rpc ? await rpc.send('eth_chainId', []) : await rpc.request({ method: 'eth_chainId', params: [] });
  } catch (e) {
    throw new NotariumError('CHAIN_FAILED', `eth_chainId failed: ${(e as Error).message}`, { cause: e });
  }
  const actual = BigInt(answer as string);
  const wanted = BigInt(expected);
  if (actual !== wanted) {
    throw new NotariumError('CHAIN_ID_MISMATCH', `the RPC endpoint serves chain ${actual}, expected ${wanted}`, {
      details: { expected: wanted.toString(), actual: actual.toString() },
    });
  }
  return actual;
}

/** Transport settings of connectRpc. */
export interface RpcConnectOptions {
  /** ethers' polling interval, ms (default 4000). */
  pollingIntervalMs?: number;
  /**
   * Longest time one JSON-RPC request may take, throttling retries included, ms (default 30000;
   * ethers' own default is 5 minutes, which would let one stalled call outlive an anchoring's deadline).
   */
  requestTimeoutMs?: number;
  /** Attempts per request when the endpoint answers HTTP 429 (default 6). */
  maxAttempts?: number;
  /** Base of the exponential back-off after an HTTP 429 without Retry-After, ms (default 250). */
  throttleSlotMs?: number;
}

/** Longest Retry-After honoured, seconds: a longer one ends the request (and the caller retries later). */
const MAX_RETRY_AFTER_S = 30;

/**
 * An ethers FetchRequest for `url` with a bounded timeout and HTTP 429 handling that honours
 * `Retry-After` in seconds (RFC 9110 §10.2.3). ethers alone reads the header as milliseconds,
 * so a throttled endpoint would be hammered; the retry hook waits the stated time itself.
 */
export function rpcFetchRequest(url: string, options: RpcConnectOptions = {}): FetchRequest {
  const request = new FetchRequest(url);
  request.timeout = options.requestTimeoutMs ?? 30_000;
  request.setThrottleParams({ maxAttempts: options.maxAttempts ?? 6, slotInterval: options.throttleSlotMs ?? 250 });
  request.retryFunc = async (_req, response) => {
    const header = response.headers['retry-after'];
    const seconds = header === undefined ? NaN : /^\d+$/.test(header) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
    if (Number.isFinite(seconds) && seconds > 0) {
      if (seconds > MAX_RETRY_AFTER_S) return false;
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    }
    return true;
  };
  return request;
}

/**
 * Connects to a JSON-RPC endpoint over HTTP(S) and checks its chain id before returning.
 * The provider is pinned to that network (ethers `staticNetwork`): it does not re-detect later.
 * Requests time out (options.requestTimeoutMs) and HTTP 429 answers are retried with back-off.
 * @throws NotariumError('INVALID_INPUT') for a non-HTTP(S) URL (WebSocket endpoints are not
 *   supported); ('CHAIN_ID_MISMATCH' | 'CHAIN_FAILED'); the provider is destroyed on failure.
 */
export async function connectRpc(url: string, expectedChainId: bigint | number | string, options: RpcConnectOptions = {}): Promise<JsonRpcProvider> {
  if (!/^https?:\/\//i.test(url)) {
    throw new NotariumError('INVALID_INPUT', `RPC endpoints are reached over HTTP(S); ${url.replace(/\/\/.*$/, '//…')} is not an http:// or https:// URL`);
  }
  const chainId = BigInt(expectedChainId);
  const provider = new JsonRpcProvider(rpcFetchRequest(url, options), undefined, {
    staticNetwork: Network.from(chainId),
    pollingInterval: options.pollingIntervalMs ?? 4000,
  });
  try {
    await assertChainId(provider, chainId);
  } catch (e) {
    provider.destroy();
    throw e;
  }
  return provider;
}
