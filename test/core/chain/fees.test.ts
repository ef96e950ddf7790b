import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Wallet, toBeHex, zeroPadValue } from 'ethers';
import type { JsonRpcProvider } from 'ethers';
import type { Devnet } from '../../../main/core/chain/devnet.ts';
import { serveDevnet } from '../../../main/core/chain/devnet-server.ts';
import type { DevnetServer } from '../../../main/core/chain/devnet-server.ts';
import { canAfford, estimateFees, feeFields, formatFeeEstimate } from '../../../main/core/chain/fees.ts';
import type { FeeEstimate } from '../../../main/core/chain/fees.ts';
import { connectRpc } from '../../../main/core/chain/networks.ts';
import { FaultProxy } from './fault-proxy.ts';
import { closeDevnet, fundedWallet, openTempDevnet } from './helpers.ts';

let devnet: Devnet;
let server: DevnetServer;
let proxy: FaultProxy;
const providers: JsonRpcProvider[] = [];

beforeAll(async () => {
  devnet = await openTempDevnet({ deployRegistry: false });
  server = await serveDevnet(devnet, { port: 0 });
  proxy = await FaultProxy.start(server.url);
});

afterAll(async () => {
  await proxy.close();
  await server.close();
  await closeDevnet(devnet);
});

afterEach(() => {
  for (const p of providers.splice(0)) p.destroy();
  proxy.reset();
});

async function client(): Promise<JsonRpcProvider> {
  const provider = await connectRpc(proxy.url, devnet.chainId, { pollingIntervalMs: 20 });
  providers.push(provider);
  return provider;
}

/** Runtime code that returns `value` (uint256) to any call: PUSH32 value, MSTORE at 0, RETURN 32 bytes. */
function constantReturner(value: bigint): string {
  return `0x7f${zeroPadValue(toBeHex(value), 32).slice(2)}60005260206000f3`;
}

const transfer = (from: string): { from: string; to: string; data: string; chainId: bigint } => ({ from, to: Wallet.createRandom().address, data: '0x', chainId: 31337n });

describe('estimateFees', () => {
  it('quotes the base fee the next block charges, the node\'s tip, and a cap of twice the base fee plus the tip', async () => {
    const payer = await fundedWallet(devnet);
    const call = transfer(payer.address);
    const estimate = await estimateFees(devnet.provider, call);
    expect(estimate).toMatchObject({ type: 2, gasPrice: null, l1FeeWei: 0n, from: payer.address });
    // EDR answers 21,001 for a plain transfer; the signed limit is the estimate plus 20 %.
    expect(estimate.gasEstimate).toBeGreaterThanOrEqual(21_000n);
    expect(estimate.gasLimit).toBe((estimate.gasEstimate * 120n) / 100n);
    const tip = BigInt((await devnet.request('eth_maxPriorityFeePerGas')) as string);
    expect(estimate.maxPriorityFeePerGas).toBe(tip);
    expect(estimate.maxFeePerGas).toBe(2n * (estimate.baseFeePerGas ?? 0n) + tip);
    expect(estimate.maxCostWei).toBe(estimate.gasLimit * (estimate.maxFeePerGas ?? 0n));
    expect(estimate.balanceWei).toBe(10n ** 19n);

    const sent = await payer.sendTransaction({ to: call.to, chainId: 31337n, ...feeFields(estimate) });
    const receipt = await sent.wait();
    const block = await devnet.provider.getBlock(receipt?.blockNumber ?? -1);
    expect(block?.baseFeePerGas).toBe(estimate.baseFeePerGas);
    expect((receipt?.gasPrice ?? 0n)).toBe((estimate.baseFeePerGas ?? 0n) + tip);
    expect(estimate.expectedCostWei).toBe(estimate.gasEstimate * ((estimate.baseFeePerGas ?? 0n) + tip));
  });

  it('adds the OP Stack L1 data fee quoted by the GasPriceOracle', async () => {
    const payer = await fundedWallet(devnet);
    const oracle = Wallet.createRandom().address;
    await devnet.request('hardhat_setCode', [oracle, constantReturner(123_456_789n)]);
    const without = await estimateFees(devnet.provider, transfer(payer.address));
    const withL1 = await estimateFees(devnet.provider, transfer(payer.address), { l1FeeOracle: oracle });
    expect(withL1.l1FeeWei).toBe(123_456_789n);
    expect(withL1.maxCostWei - without.maxCostWei).toBe(123_456_789n);
  });

  it('falls back to a legacy type-0 gas price on a chain that reports no base fee', async () => {
    proxy.use(async (call, forward) => {
      if (call.method === 'eth_feeHistory') return { error: { code: -32601, message: 'the method eth_feeHistory does not exist' } };
      if (call.method !== 'eth_getBlockByNumber') return undefined;
      const reply = await forward();
      if (!('result' in reply) || reply.result === null) return reply;
      const { baseFeePerGas: _dropped, ...legacy } = reply.result as Record<string, unknown>;
      return { result: legacy };
    });
    const payer = await fundedWallet(devnet);
    const estimate = await estimateFees(await client(), transfer(payer.address));
    const gasPrice = BigInt((await devnet.request('eth_gasPrice')) as string);
    expect(estimate).toMatchObject({ type: 0, gasPrice, baseFeePerGas: null, maxFeePerGas: null, maxPriorityFeePerGas: null });
    expect(estimate.maxCostWei).toBe(estimate.gasLimit * gasPrice);
    const receipt = await (await payer.sendTransaction({ to: Wallet.createRandom().address, chainId: 31337n, ...feeFields(estimate) })).wait();
    expect(receipt?.type).toBe(0);
  });

  it('derives the tip from eth_gasPrice when the node lacks eth_maxPriorityFeePerGas', async () => {
    proxy.use((call) => (call.method === 'eth_maxPriorityFeePerGas' ? { error: { code: -32601, message: 'method not found' } } : undefined));
    const payer = await fundedWallet(devnet);
    const estimate = await estimateFees(await client(), transfer(payer.address));
    const gasPrice = BigInt((await devnet.request('eth_gasPrice')) as string);
    expect(estimate.maxPriorityFeePerGas).toBe(gasPrice - (estimate.baseFeePerGas ?? 0n));
    expect(proxy.seen('eth_maxPriorityFeePerGas')).toHaveLength(1);
  });

  it('lets the simulation error of a call that would revert through, before any fee query', async () => {
    const payer = await fundedWallet(devnet);
    // 0xfe: INVALID opcode, so any call to this address reverts.
    const broken = Wallet.createRandom().address;
    await devnet.request('hardhat_setCode', [broken, '0xfe']);
    await expect(estimateFees(devnet.provider, { ...transfer(payer.address), to: broken })).rejects.toThrow();
  });
});

describe('formatFeeEstimate and canAfford', () => {
  const estimate: FeeEstimate = {
    chainId: '11155111', from: '0x000000000000000000000000000000000000dEaD', to: null,
    gasEstimate: 54_512n, gasLimit: 65_414n, type: 2,
    baseFeePerGas: 1_500_000_000n, maxPriorityFeePerGas: 100_000_000n, maxFeePerGas: 3_100_000_000n, gasPrice: null,
    l1FeeWei: 0n, expectedCostWei: 87_219_200_000_000n, maxCostWei: 202_783_400_000_000n, balanceWei: 10n ** 17n,
  };

  it('states gas, fees per gas in gwei, and the likely and maximum cost in the currency and in wei', () => {
    const text = formatFeeEstimate(estimate, { action: 'Anchoring 0x12345678', network: 'Sepolia', currency: 'SepoliaETH' });
    expect(text).toContain('Anchoring 0x12345678 on Sepolia (chain 11155111) from 0x000000000000000000000000000000000000dEaD');
    expect(text).toContain('54,512 estimated, limit 65,414');
    expect(text).toContain('base 1.5 gwei + tip 0.1 gwei per gas, at most 3.1 gwei (EIP-1559)');
    expect(text).toContain('about 0.0000872192 SepoliaETH (87,219,200,000,000 wei)');
    expect(text).toContain('at most:   0.0002027834 SepoliaETH (202,783,400,000,000 wei)');
    expect(text).not.toContain('NOT ENOUGH');
  });

  it('flags a balance below the worst case', () => {
    const poor = { ...estimate, balanceWei: estimate.maxCostWei - 1n };
    expect(canAfford(poor)).toBe(false);
    expect(canAfford({ ...poor, balanceWei: estimate.maxCostWei })).toBe(true);
    expect(formatFeeEstimate(poor, { action: 'Deploying', network: 'Sepolia', currency: 'ETH' })).toMatch(/balance: .*NOT ENOUGH/);
  });
});
