import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonRpcProvider, Wallet, keccak256 } from 'ethers';
import type { HDNodeWallet } from 'ethers';
import type { Devnet } from '../../../main/core/chain/devnet.ts';
import { NotaryRegistryClient } from '../../../main/core/chain/registry.ts';
import type { AnchorRequest } from '../../../main/core/chain/types.ts';
import { verifyAnchorOnChain } from '../../../main/core/chain/verify-anchor.ts';
import type { AnchorClaim } from '../../../main/core/chain/verify-anchor.ts';
import { serveDevnet } from '../../../main/core/chain/devnet-server.ts';
import { closeDevnet, fundedWallet, openTempDevnet, signedRequest } from './helpers.ts';

let devnet: Devnet;
let registry: NotaryRegistryClient;
let request: AnchorRequest;
let claim: AnchorClaim;
let submitter: HDNodeWallet;

beforeAll(async () => {
  devnet = await openTempDevnet();
  submitter = await fundedWallet(devnet);
  registry = new NotaryRegistryClient(await devnet.ensureRegistry(), submitter);
  request = await signedRequest([Wallet.createRandom(), Wallet.createRandom()], registry.address);
  const receipt = await registry.anchor(request, submitter);
  claim = {
    chainId: 31337n, contract: registry.address, root: request.root, manifestDigest: request.manifestDigest,
    authors: request.authors, txHash: receipt.hash, blockNumber: receipt.blockNumber, title: request.title,
  };
});

afterAll(async () => {
  await closeDevnet(devnet);
});

describe('verifyAnchorOnChain', () => {
  it('confirms a genuine anchoring: chain, transaction, event and state all agree', async () => {
    await devnet.mine(2);
    const result = await verifyAnchorOnChain(devnet.provider, claim);
    const block = await devnet.provider.getBlock(claim.blockNumber);
    expect(result).toMatchObject({
      ok: true, chainId: '31337', chainIdMatches: true, txInBlock: true, eventMatches: true, stateMatches: true,
      blockHash: block?.hash, blockTime: block?.timestamp, supersededBy: null, problems: [],
    });
    expect(result.confirmations).toBeGreaterThanOrEqual(3);
    expect(result.event?.authors).toEqual(request.authors);
  });

  it('names the fields that differ from the Anchored event', async () => {
    const result = await verifyAnchorOnChain(devnet.provider, { ...claim, manifestDigest: keccak256('0x01'), authors: [...claim.authors].reverse(), title: 'another title' });
    expect(result.ok).toBe(false);
    expect(result.eventMatches).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ code: 'EVENT_MISMATCH', details: { fields: ['manifestDigest', 'authors', 'title'] } })]);
  });

  it('reports a wrong block number, an unknown transaction and a transaction without the event', async () => {
    const wrongBlock = await verifyAnchorOnChain(devnet.provider, { ...claim, blockNumber: claim.blockNumber + 1 });
    expect(wrongBlock.problems.map((p) => p.code)).toEqual(['TX_BLOCK_MISMATCH']);
    const unknown = await verifyAnchorOnChain(devnet.provider, { ...claim, txHash: keccak256('0x02') });
    expect(unknown.problems.map((p) => p.code)).toEqual(['TX_NOT_FOUND']);
    const other = await signedRequest([Wallet.createRandom()], registry.address);
    const otherTx = await registry.anchor(other, submitter);
    const mixed = await verifyAnchorOnChain(devnet.provider, { ...claim, txHash: otherTx.hash, blockNumber: otherTx.blockNumber });
    expect(mixed.problems.map((p) => p.code)).toEqual(['EVENT_NOT_FOUND', 'ANCHOR_TIME_MISMATCH']);
  });

  it('reports a root the registry never anchored', async () => {
    const result = await verifyAnchorOnChain(devnet.provider, { ...claim, root: keccak256('0x03') });
    expect(result.problems.map((p) => p.code)).toEqual(['EVENT_NOT_FOUND', 'NOT_ANCHORED']);
  });

  it('reports CHAIN_ID_MISMATCH when the receipt names another chain', async () => {
    const result = await verifyAnchorOnChain(devnet.provider, { ...claim, chainId: 1n });
    expect(result).toMatchObject({ ok: false, chainId: '31337', chainIdMatches: false, problems: [{ code: 'CHAIN_ID_MISMATCH', details: { expected: '1', actual: '31337' } }] });
  });

  it('reports a later supersession without failing the verification', async () => {
    const authors = [Wallet.createRandom()];
    const v1 = await signedRequest(authors, registry.address);
    const r1 = await registry.anchor(v1, submitter);
    const v2 = await signedRequest(authors, registry.address, { supersedes: v1.root });
    const r2 = await registry.anchor(v2, submitter);
    const base = { chainId: 31337n, contract: registry.address, authors: v1.authors, title: v1.title };
    const old = await verifyAnchorOnChain(devnet.provider, { ...base, root: v1.root, manifestDigest: v1.manifestDigest, txHash: r1.hash, blockNumber: r1.blockNumber });
    expect(old).toMatchObject({ ok: true, supersededBy: v2.root });
    const next = await verifyAnchorOnChain(devnet.provider, { ...base, root: v2.root, manifestDigest: v2.manifestDigest, txHash: r2.hash, blockNumber: r2.blockNumber, supersedes: v1.root, title: v2.title });
    expect(next).toMatchObject({ ok: true, supersededBy: null });
    expect(next.event?.supersedes).toBe(v1.root);
    const unclaimed = await verifyAnchorOnChain(devnet.provider, { ...base, root: v2.root, manifestDigest: v2.manifestDigest, txHash: r2.hash, blockNumber: r2.blockNumber, title: v2.title });
    expect(unclaimed.problems).toEqual([expect.objectContaining({ code: 'EVENT_MISMATCH', details: { fields: ['supersedes'] } })]);
  });

  it('returns RPC_FAILED instead of throwing when the endpoint goes away, and INVALID_CLAIM for malformed input', async () => {
    const server = await serveDevnet(devnet, { port: 0 });
    const provider = new JsonRpcProvider(server.url, 31337, { staticNetwork: true });
    expect((await verifyAnchorOnChain(provider, claim)).ok).toBe(true);
    await server.close();
    const result = await verifyAnchorOnChain(provider, claim);
    provider.destroy();
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.code)).toEqual(['RPC_FAILED']);
    const malformed = await verifyAnchorOnChain(devnet.provider, { ...claim, root: '0x1234' });
    expect(malformed.problems.map((p) => p.code)).toEqual(['INVALID_CLAIM']);
  });
});
