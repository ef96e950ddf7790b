/**
 * What a transaction will cost, asked of the node before anything is signed, so the user can
 * confirm it (EIP-1559 fee market, https://eips.ethereum.org/EIPS/eip-1559).
 *
 * - base fee: the *next* block's, from `eth_feeHistory` (the last `baseFeePerGas` entry it returns
 *   is the block after `newest`), else the latest block's;
 * - priority fee (tip): the node's suggestion, `eth_maxPriorityFeePerGas`; else `eth_gasPrice`
 *   minus the base fee (geth's gasPrice is exactly base fee + suggested tip);
 * - maxFeePerGas = 2 x base fee + tip: the base fee rises at most 12.5 % per full block, so this
 *   stays valid through ~6 full blocks in a row, and only base fee + tip is actually charged;
 * - chains without a base fee (legacy) get a type-0 transaction at `eth_gasPrice`;
 * - OP Stack chains (Base, OP Mainnet) add an L1 data fee, quoted by their GasPriceOracle.
 * The gas limit signed is the node's `eth_estimateGas` plus a margin. The estimate is what the
 * caller then signs: the fee fields here go into the transaction unchanged.
 */
import { Contract, Transaction, formatEther, formatUnits, getAddress } from 'ethers';
import type { JsonRpcApiProvider } from 'ethers';

/** The cost of one transaction as quoted before signing. Amounts in wei, gas in gas units. */
export interface FeeEstimate {
  /** EIP-155 chain id, decimal string. */
  chainId: string;
  /** Sender (checksummed). */
  from: string;
  /** Recipient (checksummed), or null for a contract creation. */
  to: string | null;
  /** eth_estimateGas, gas units. */
  gasEstimate: bigint;
  /** Gas limit to sign: the estimate plus the margin, gas units. */
  gasLimit: bigint;
  /** 2: EIP-1559 transaction; 0: legacy (`gasPrice`). */
  type: 0 | 2;
  /** Base fee of the next block, wei per gas (null on legacy chains). */
  baseFeePerGas: bigint | null;
  /** Tip, wei per gas (null on legacy chains). */
  maxPriorityFeePerGas: bigint | null;
  /** Fee cap, wei per gas (null on legacy chains). */
  maxFeePerGas: bigint | null;
  /** Legacy gas price, wei per gas (null on EIP-1559 chains). */
  gasPrice: bigint | null;
  /** OP Stack L1 data fee, wei (0 on other chains). */
  l1FeeWei: bigint;
  /** Likely cost: gasEstimate x (base fee + tip, capped) + L1 fee, wei. */
  expectedCostWei: bigint;
  /** Most the transaction can cost: gasLimit x maxFeePerGas (or gasPrice) + L1 fee, wei. */
  maxCostWei: bigint;
  /** Sender's balance when quoted, wei. */
  balanceWei: bigint;
}

/** What a fee quote pays for, to show next to it. */
export interface FeeContext {
  /** e.g. `Anchoring "Cohort 2026" (root 0x1234abcd…)`. */
  action: string;
  /** Network display name. */
  network: string;
  /** Native currency symbol (ETH, POL, xDAI). */
  currency: string;
}

/**
 * The user's answer to a quote before anything is signed: true sends, false stops (CANCELLED,
 * nothing sent). The CLI prompts y/N; the desktop app shows a dialog.
 */
export type FeeConfirmation = (estimate: FeeEstimate, context: FeeContext) => boolean | Promise<boolean>;

/** Options of estimateFees. */
export interface EstimateFeesOptions {
  /** Extra gas over eth_estimateGas, percent (default 20). */
  gasMarginPercent?: number;
  /** OP Stack GasPriceOracle address (NetworkPreset.l1FeeOracle), or null/undefined for none. */
  l1FeeOracle?: string | null;
}

/** The call being priced. */
export interface PricedCall {
  from: string;
  /** null for a contract creation (`data` is then the creation bytecode). */
  to: string | null;
  /** 0x calldata. */
  data: string;
  chainId: bigint | number | string;
}

const GAS_PRICE_ORACLE_ABI = ['function getL1Fee(bytes _data) view returns (uint256)'];

function quantity(value: unknown): bigint | null {
  return typeof value === 'string' && /^0x[0-9a-f]+$/i.test(value) ? BigInt(value) : null;
}

/** Next block's base fee (wei per gas), or null on a chain without one. */
async function nextBaseFee(provider: JsonRpcApiProvider): Promise<bigint | null> {
  try {
    const history = (await provider.send('eth_feeHistory', ['0x1', 'latest', []])) as { baseFeePerGas?: unknown[] };
    const fees = history.baseFeePerGas ?? [];
    const next = quantity(fees[fees.length - 1]);
    if (next !== null) return next;
  } catch {
    // eth_feeHistory is missing on some nodes: fall back to the latest block's base fee.
  }
  const block = await provider.getBlock('latest');
  return block?.baseFeePerGas ?? null;
}

async function suggestedTip(provider: JsonRpcApiProvider, baseFee: bigint): Promise<bigint> {
  try {
    const tip = quantity(await provider.send('eth_maxPriorityFeePerGas', []));
    if (tip !== null) return tip;
  } catch {
    // not every node has this geth extension
  }
  const gasPrice = quantity(await provider.send('eth_gasPrice', []));
  return gasPrice !== null && gasPrice > baseFee ? gasPrice - baseFee : 0n;
}

/**
 * The OP Stack L1 data fee of a transaction with these fields, wei. The oracle prices the
 * RLP-encoded unsigned transaction; the nonce is not known yet, so a placeholder is used
 * (it changes the size by a few bytes at most).
 */
async function l1Fee(provider: JsonRpcApiProvider, oracle: string, tx: { chainId: bigint; to: string | null; data: string; gasLimit: bigint; fees: Pick<FeeEstimate, 'type' | 'maxFeePerGas' | 'maxPriorityFeePerGas' | 'gasPrice'> }): Promise<bigint> {
  const unsigned = Transaction.from({
    type: tx.fees.type,
    chainId: tx.chainId,
    nonce: 1,
    to: tx.to,
    data: tx.data,
    gasLimit: tx.gasLimit,
    ...(tx.fees.type === 2 ? { maxFeePerGas: tx.fees.maxFeePerGas, maxPriorityFeePerGas: tx.fees.maxPriorityFeePerGas } : { gasPrice: tx.fees.gasPrice }),
  }).unsignedSerialized;
  return (await new Contract(oracle, GAS_PRICE_ORACLE_ABI, provider).getFunction('getL1Fee').staticCall(unsigned)) as bigint;
}

/**
 * Quotes `call`: gas (eth_estimateGas, which also simulates it: a call that would revert fails
 * here, before anything is signed), fees, L1 data fee, and the sender's balance.
 * @returns the estimate; sign it with `feeFields(estimate)`.
 * @throws the provider's error for a failed estimate (callers map contract errors) or fee query.
 */
export async function estimateFees(provider: JsonRpcApiProvider, call: PricedCall, options: EstimateFeesOptions = {}): Promise<FeeEstimate> {
  const from = getAddress(call.from);
  const to = call.to === null ? null : getAddress(call.to);
  const chainId = BigInt(call.chainId);
  const [gasEstimate, baseFee, balanceWei] = await Promise.all([
    provider.estimateGas({ from, ...(to === null ? {} : { to }), data: call.data }),
    nextBaseFee(provider),
    provider.getBalance(from, 'latest'),
  ]);
  const margin = BigInt(options.gasMarginPercent ?? 20);
  const gasLimit = (gasEstimate * (100n + margin)) / 100n;
  let fees: Pick<FeeEstimate, 'type' | 'baseFeePerGas' | 'maxFeePerGas' | 'maxPriorityFeePerGas' | 'gasPrice'>;
  let expectedPerGas: bigint;
  let maxPerGas: bigint;
  if (baseFee !== null) {
    const tip = await suggestedTip(provider, baseFee);
    const maxFeePerGas = 2n * baseFee + tip;
    fees = { type: 2, baseFeePerGas: baseFee, maxPriorityFeePerGas: tip, maxFeePerGas, gasPrice: null };
    expectedPerGas = baseFee + tip < maxFeePerGas ? baseFee + tip : maxFeePerGas;
    maxPerGas = maxFeePerGas;
  } else {
    const gasPrice = quantity(await provider.send('eth_gasPrice', [])) ?? 0n;
    fees = { type: 0, baseFeePerGas: null, maxPriorityFeePerGas: null, maxFeePerGas: null, gasPrice };
    expectedPerGas = maxPerGas = gasPrice;
  }
  const l1FeeWei = options.l1FeeOracle === undefined || options.l1FeeOracle === null
    ? 0n
    : await l1Fee(provider, options.l1FeeOracle, { chainId, to, data: call.data, gasLimit, fees });
  return {
    chainId: chainId.toString(),
    from,
    to,
    gasEstimate,
    gasLimit,
    ...fees,
    l1FeeWei,
    expectedCostWei: gasEstimate * expectedPerGas + l1FeeWei,
    maxCostWei: gasLimit * maxPerGas + l1FeeWei,
    balanceWei,
  };
}

/** The transaction fields that sign exactly what `estimate` quoted (type, gas limit, fees). */
export function feeFields(estimate: FeeEstimate): { type: 2; gasLimit: bigint; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } | { type: 0; gasLimit: bigint; gasPrice: bigint } {
  return estimate.type === 2
    ? { type: 2, gasLimit: estimate.gasLimit, maxFeePerGas: estimate.maxFeePerGas ?? 0n, maxPriorityFeePerGas: estimate.maxPriorityFeePerGas ?? 0n }
    : { type: 0, gasLimit: estimate.gasLimit, gasPrice: estimate.gasPrice ?? 0n };
}

/** True when the sender can pay the worst case (nodes refuse a transaction whose gasLimit x fee cap exceeds the balance). */
export function canAfford(estimate: FeeEstimate): boolean {
  return estimate.balanceWei >= estimate.maxCostWei;
}

function gwei(wei: bigint): string {
  return `${trim(formatUnits(wei, 'gwei'))} gwei`;
}

function trim(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/\.?0+$/, '') : decimal;
}

function amount(wei: bigint, currency: string): string {
  return `${trim(formatEther(wei))} ${currency} (${wei.toLocaleString('en-US')} wei)`;
}

/**
 * The estimate as lines of plain text for a confirmation prompt: gas, fees per gas in gwei, the
 * likely and maximum cost in the native currency and in wei, and the balance.
 * @param context.action what is being paid for, e.g. "Anchoring dataset 0x1234…".
 */
export function formatFeeEstimate(estimate: FeeEstimate, context: FeeContext): string {
  const lines = [
    `${context.action} on ${context.network} (chain ${estimate.chainId}) from ${estimate.from}`,
    `  gas:       ${estimate.gasEstimate.toLocaleString('en-US')} estimated, limit ${estimate.gasLimit.toLocaleString('en-US')}`,
    estimate.type === 2
      ? `  fee:       base ${gwei(estimate.baseFeePerGas ?? 0n)} + tip ${gwei(estimate.maxPriorityFeePerGas ?? 0n)} per gas, at most ${gwei(estimate.maxFeePerGas ?? 0n)} (EIP-1559)`
      : `  fee:       ${gwei(estimate.gasPrice ?? 0n)} per gas (legacy gas price)`,
    ...(estimate.l1FeeWei > 0n ? [`  L1 data:   ${amount(estimate.l1FeeWei, context.currency)}`] : []),
    `  cost:      about ${amount(estimate.expectedCostWei, context.currency)}`,
    `  at most:   ${amount(estimate.maxCostWei, context.currency)}`,
    `  balance:   ${amount(estimate.balanceWei, context.currency)}${canAfford(estimate) ? '' : '  -- NOT ENOUGH'}`,
  ];
  return lines.join('\n');
}
