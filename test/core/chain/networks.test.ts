import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../../main/core/chain/devnet.ts';
import { NETWORKS, OP_STACK_GAS_PRICE_ORACLE, assertChainId, connectRpc, customNetwork, explorerTxUrl, networkByChainId, resolveNetwork } from '../../../main/core/chain/networks.ts';
import { closeDevnet, openTempDevnet } from './helpers.ts';

const txHash = `0x${'ab'.repeat(32)}`;

describe('network presets', () => {
  it('carries the official chain ids', () => {
    expect(Object.fromEntries(Object.values(NETWORKS).map((n) => [n.id, n.chainId]))).toEqual({
      devnet: 31337n, sepolia: 11155111n, ethereum: 1n, base: 8453n, optimism: 10n, arbitrum: 42161n, polygon: 137n, gnosis: 100n,
    });
    expect(networkByChainId('8453')?.id).toBe('base');
    expect(networkByChainId(999n)).toBeUndefined();
  });

  it('builds explorer transaction URLs for public chains and none for the devnet', () => {
    expect(explorerTxUrl(1n, txHash)).toBe(`https://etherscan.io/tx/${txHash}`);
    expect(explorerTxUrl(11155111, txHash)).toBe(`https://sepolia.etherscan.io/tx/${txHash}`);
    expect(explorerTxUrl(31337n, txHash)).toBeNull();
    for (const network of Object.values(NETWORKS)) {
      expect(network.local).toBe(network.id === 'devnet');
      if (!network.local) expect(network.explorerTxUrl).toMatch(/^https:\/\/[^/]+\/tx\/\{txHash\}$/);
    }
  });

  it('validates custom networks', () => {
    const lab = customNetwork({ name: 'Lab chain', chainId: 4242, explorerTxUrl: 'https://scan.lab.example/tx/{txHash}' });
    expect(explorerTxUrl(4242, txHash, lab)).toBe(`https://scan.lab.example/tx/${txHash}`);
    expect(() => customNetwork({ name: 'x', chainId: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => customNetwork({ name: 'x', chainId: 5, explorerTxUrl: 'https://scan.example/tx/' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('resolveNetwork', () => {
  it('finds presets by id or display name, case-insensitively', () => {
    expect(resolveNetwork('sepolia').chainId).toBe(11155111n);
    expect(resolveNetwork('Arbitrum One').id).toBe('arbitrum');
    expect(resolveNetwork(' BASE ', 8453).id).toBe('base');
  });

  it('refuses a preset name paired with another chain id, naming both', () => {
    expect(() => resolveNetwork('sepolia', 1)).toThrow(expect.objectContaining({ code: 'CHAIN_ID_MISMATCH', details: { network: 'sepolia', expected: '11155111', actual: '1' } }));
  });

  it('makes a custom network from any other name with a chain id, and keeps a known chain\'s preset', () => {
    expect(resolveNetwork('lab-chain', 4242)).toMatchObject({ id: 'custom', name: 'lab-chain', chainId: 4242n, local: false, currency: 'ETH' });
    expect(resolveNetwork('my-sepolia-node', 11155111n).id).toBe('sepolia');
    expect(() => resolveNetwork('lab-chain')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('knows which chains charge an OP Stack L1 data fee and what currency pays gas', () => {
    expect(Object.values(NETWORKS).filter((n) => n.l1FeeOracle === OP_STACK_GAS_PRICE_ORACLE).map((n) => n.id).sort()).toEqual(['base', 'optimism']);
    expect(NETWORKS.polygon.currency).toBe('POL');
    expect(NETWORKS.gnosis.currency).toBe('xDAI');
  });
});

describe('assertChainId', () => {
  let devnet: Devnet;
  beforeAll(async () => {
    devnet = await openTempDevnet({ deployRegistry: false });
  });
  afterAll(async () => {
    await closeDevnet(devnet);
  });

  it('returns the chain id when it matches', async () => {
    expect(await assertChainId(devnet.eip1193, 31337n)).toBe(31337n);
    expect(await assertChainId(devnet.provider, '31337')).toBe(31337n);
  });

  it('throws CHAIN_ID_MISMATCH naming both ids when the endpoint serves another chain', async () => {
    await expect(assertChainId(devnet.eip1193, NETWORKS.sepolia.chainId)).rejects.toMatchObject({
      code: 'CHAIN_ID_MISMATCH',
      details: { expected: '11155111', actual: '31337' },
    });
  });

  it('refuses a WebSocket endpoint clearly, without echoing a key in its path', async () => {
    const failure = connectRpc('wss://mainnet.example/v3/SECRETKEY', 1n);
    await expect(failure).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(failure).rejects.not.toThrow(/SECRETKEY/);
  });
});
