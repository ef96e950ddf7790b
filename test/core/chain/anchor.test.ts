import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { AnchorService } from '../../../main/core/chain/anchor.ts';
import type { AnchorProgress, AnchorServiceOptions } from '../../../main/core/chain/anchor.ts';
import { Devnet } from '../../../main/core/chain/devnet.ts';
import { NotaryRegistryClient } from '../../../main/core/chain/registry.ts';
import type { AnchorRequest } from '../../../main/core/chain/types.ts';
import { JsonFileAnchorStore, closeDevnet, fundedWallet, openTempDevnet, removeDir, signedRequest, tempDir } from './helpers.ts';

let devnet: Devnet;
let registry: string;
const dirs: string[] = [];

beforeAll(async () => {
  devnet = await openTempDevnet();
  registry = await devnet.ensureRegistry();
});

afterAll(async () => {
  await closeDevnet(devnet);
});

afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function storePath(): string {
  const dir = tempDir('notarium-anchors-');
  dirs.push(dir);
  return join(dir, 'anchors.json');
}

function service(on: Devnet, store: JsonFileAnchorStore, options: Partial<AnchorServiceOptions> = {}): AnchorService {
  return new AnchorService({ provider: on.provider, chainId: on.chainId, registry: on.registryRecord?.address ?? registry, store, pollIntervalMs: 10, mine: (n) => on.mine(n), ...options });
}

async function nonceOf(on: Devnet, address: string): Promise<number> {
  return await on.provider.getTransactionCount(address, 'latest');
}

async function newRequest(on: Devnet): Promise<AnchorRequest> {
  return await signedRequest([Wallet.createRandom(), Wallet.createRandom()], on.registryRecord?.address ?? registry);
}

describe('AnchorService on the devnet', () => {
  it('anchors, records the transaction, and waits for N confirmations by mining blocks', async () => {
    const signer = await fundedWallet(devnet);
    const store = new JsonFileAnchorStore(storePath());
    const request = await newRequest(devnet);
    const stages: AnchorProgress['stage'][] = [];
    const result = await service(devnet, store, { confirmations: 3 }).anchor(request, signer, { onProgress: (p) => stages.push(p.stage) });

    expect(result).toMatchObject({ chainId: '31337', contract: registry, alreadyAnchored: false });
    expect(result.confirmations).toBeGreaterThanOrEqual(3);
    expect(await devnet.provider.getBlockNumber()).toBeGreaterThanOrEqual(result.blockNumber + 2);
    expect(result.gasUsed).toBeGreaterThan(21_000n);
    const onChain = await new NotaryRegistryClient(registry, devnet.provider).anchorOf(request.root);
    expect(onChain).toEqual({ timestamp: result.blockTime, submitter: signer.address });
    expect((await devnet.provider.getBlock(result.blockNumber))?.hash).toBe(result.blockHash);
    expect(store.all()).toEqual([expect.objectContaining({ root: request.root.toLowerCase(), txHash: result.txHash, status: 'confirmed', blockNumber: result.blockNumber, nonce: 0 })]);
    expect(stages).toEqual(['estimated', 'signed', 'broadcast', 'mined', 'confirming', 'confirmed']);
  });

  it('waits by polling when blocks come from elsewhere (no mining hook)', async () => {
    const signer = await fundedWallet(devnet);
    const request = await newRequest(devnet);
    const result = await service(devnet, new JsonFileAnchorStore(storePath()), { confirmations: 3, mine: undefined }).anchor(request, signer, {
      // Someone else produces a block whenever we report waiting.
      onProgress: (p) => {
        if (p.stage === 'confirming') void devnet.mine(1);
      },
    });
    expect(result.confirmations).toBe(3);
  });

  it('returns the stored result for a root it already anchored, without signing again', async () => {
    const signer = await fundedWallet(devnet);
    const store = new JsonFileAnchorStore(storePath());
    const request = await newRequest(devnet);
    const first = await service(devnet, store).anchor(request, signer);
    const again = await service(devnet, store).anchor(request, signer);
    expect(again.txHash).toBe(first.txHash);
    expect(again.alreadyAnchored).toBe(false);
    expect(await nonceOf(devnet, signer.address)).toBe(1);
  });

  it('sends one transaction for concurrent calls on the same root', async () => {
    const signer = await fundedWallet(devnet);
    const anchors = service(devnet, new JsonFileAnchorStore(storePath()));
    const request = await newRequest(devnet);
    const [a, b] = await Promise.all([anchors.anchor(request, signer), anchors.anchor({ ...request }, signer)]);
    expect(a.txHash).toBe(b.txHash);
    expect(await nonceOf(devnet, signer.address)).toBe(1);
  });

  it('reports a root anchored by someone else (no record here) without sending a transaction', async () => {
    const other = await fundedWallet(devnet);
    const request = await newRequest(devnet);
    const receipt = await new NotaryRegistryClient(registry, other).anchor(request, other);
    const signer = await fundedWallet(devnet);
    const store = new JsonFileAnchorStore(storePath());
    const result = await service(devnet, store).anchor(request, signer);
    expect(result).toMatchObject({ txHash: receipt.hash, blockNumber: receipt.blockNumber, alreadyAnchored: true, gasUsed: receipt.gasUsed });
    expect(await nonceOf(devnet, signer.address)).toBe(0);
    expect(store.saves).toBe(0);
  });

  it('refuses a request for a root already anchored with another statement (title, authors, manifest digest), sending nothing', async () => {
    const other = await fundedWallet(devnet);
    const request = await newRequest(devnet);
    await new NotaryRegistryClient(registry, other).anchor(request, other);
    const signer = await fundedWallet(devnet);
    const store = new JsonFileAnchorStore(storePath());
    const anchors = service(devnet, store);
    await expect(anchors.anchor({ ...request, title: `${request.title} (edited)` }, signer)).rejects.toMatchObject({ code: 'ALREADY_ANCHORED', details: { differs: ['title'] } });
    await expect(anchors.anchor({ ...request, authors: [...request.authors].reverse(), signatures: [...request.signatures].reverse() }, signer)).rejects.toMatchObject({
      code: 'ALREADY_ANCHORED',
      details: { differs: ['authors (or their order)'] },
    });
    await expect(anchors.anchor({ ...request, manifestDigest: `0x${'ab'.repeat(32)}` }, signer)).rejects.toThrow(/already anchored in transaction 0x[0-9a-f]{64} .*manifest digest.*Nothing was sent/s);
    expect(await nonceOf(devnet, signer.address)).toBe(0);
    expect(store.saves).toBe(0);
  });

  it('fails with SIGNATURE_INVALID before signing or storing anything', async () => {
    const signer = await fundedWallet(devnet);
    const store = new JsonFileAnchorStore(storePath());
    const request = await newRequest(devnet);
    const forged = { ...request, signatures: [request.signatures[1] ?? '', request.signatures[0] ?? ''] };
    await expect(service(devnet, store).anchor(forged, signer)).rejects.toMatchObject({ code: 'SIGNATURE_INVALID', details: { error: 'InvalidSignature' } });
    expect(store.saves).toBe(0);
    expect(await nonceOf(devnet, signer.address)).toBe(0);
  });

  it('rejects a malformed request (as a rejected promise) before touching the chain', async () => {
    const signer = await fundedWallet(devnet);
    const store = new JsonFileAnchorStore(storePath());
    const request = await newRequest(devnet);
    const pending = service(devnet, store).anchor({ ...request, signatures: request.signatures.slice(1) }, signer);
    await expect(pending).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(service(devnet, store).anchor({ ...request, root: '0x12' }, signer)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(store.saves).toBe(0);
  });

  it('refuses a provider that serves another chain with CHAIN_ID_MISMATCH', async () => {
    const signer = await fundedWallet(devnet);
    const store = new JsonFileAnchorStore(storePath());
    await expect(service(devnet, store, { chainId: 11155111n }).anchor(await newRequest(devnet), signer)).rejects.toMatchObject({ code: 'CHAIN_ID_MISMATCH' });
    expect(store.saves).toBe(0);
  });

  it('times out with ANCHOR_PENDING, then a later call resumes the same transaction', async () => {
    const signer = await fundedWallet(devnet);
    const path = storePath();
    const request = await newRequest(devnet);
    await expect(service(devnet, new JsonFileAnchorStore(path), { confirmations: 2, mine: undefined, timeoutMs: 50 }).anchor(request, signer))
      .rejects.toMatchObject({ code: 'ANCHOR_PENDING', details: { status: 'mined' } });
    const [pending] = new JsonFileAnchorStore(path).all();
    await devnet.mine(1);
    const result = await service(devnet, new JsonFileAnchorStore(path), { confirmations: 2, mine: undefined }).anchor(request, signer);
    expect(result.txHash).toBe(pending?.txHash);
    expect(await nonceOf(devnet, signer.address)).toBe(1);
  });

  it('records a lost race as failed and reports the winner\'s anchoring', async () => {
    const signer = await fundedWallet(devnet);
    const path = storePath();
    const request = await newRequest(devnet);
    // Our transaction is signed and stored, then the process dies before broadcasting it ...
    await expect(service(devnet, new JsonFileAnchorStore(path, { crash: { onSave: 1, when: 'after' } })).anchor(request, signer)).rejects.toThrow('simulated crash');
    // ... meanwhile someone else anchors the same root.
    const other = await fundedWallet(devnet);
    const winner = await new NotaryRegistryClient(registry, other).anchor(request, other);
    const store = new JsonFileAnchorStore(path);
    const result = await service(devnet, store).anchor(request, signer);
    expect(result).toMatchObject({ txHash: winner.hash, alreadyAnchored: true });
    expect(store.all()[0]?.status).toBe('failed');
  });

  it('marks a transaction whose nonce was used by another as failed, then signs a new one', async () => {
    const signer = await fundedWallet(devnet);
    const path = storePath();
    const request = await newRequest(devnet);
    await expect(service(devnet, new JsonFileAnchorStore(path, { crash: { onSave: 1, when: 'after' } })).anchor(request, signer)).rejects.toThrow('simulated crash');
    const lost = new JsonFileAnchorStore(path).all()[0];
    await (await signer.sendTransaction({ to: Wallet.createRandom().address, value: 1n, nonce: lost?.nonce })).wait();
    await expect(service(devnet, new JsonFileAnchorStore(path)).anchor(request, signer)).rejects.toMatchObject({ code: 'CHAIN_FAILED', details: { txHash: lost?.txHash } });
    expect(new JsonFileAnchorStore(path).all()[0]?.status).toBe('failed');
    const result = await service(devnet, new JsonFileAnchorStore(path)).anchor(request, signer);
    expect(result.txHash).not.toBe(lost?.txHash);
    expect(result.alreadyAnchored).toBe(false);
  });
});

describe('AnchorService across a restart of the process (devnet reopened from its folder)', () => {
  it('re-broadcasts a transaction signed and stored before the crash, never signing a second one', async () => {
    const dir = join(tempDir(), 'devnet');
    dirs.push(join(dir, '..'));
    const signer = Wallet.createRandom();
    const path = storePath();
    let chain = await Devnet.open({ dir });
    await chain.fund(signer.address, 10n ** 18n);
    const request = await newRequest(chain);
    await expect(service(chain, new JsonFileAnchorStore(path, { crash: { onSave: 1, when: 'after' } })).anchor(request, signer.connect(chain.provider))).rejects.toThrow('simulated crash');
    const stored = new JsonFileAnchorStore(path).all()[0];
    expect(stored?.status).toBe('pending');
    expect(await chain.provider.getTransaction(stored?.txHash ?? '')).toBeNull();
    await chain.close();

    chain = await Devnet.open({ dir });
    try {
      const result = await service(chain, new JsonFileAnchorStore(path)).anchor(request, signer.connect(chain.provider));
      expect(result.txHash).toBe(stored?.txHash);
      expect(await nonceOf(chain, signer.address)).toBe(1);
    } finally {
      await chain.close();
    }
  });

  it('resumes a transaction mined before the crash (its record still pending) without sending another', async () => {
    const dir = join(tempDir(), 'devnet');
    dirs.push(join(dir, '..'));
    const signer = Wallet.createRandom();
    const path = storePath();
    let chain = await Devnet.open({ dir });
    await chain.fund(signer.address, 10n ** 18n);
    const request = await newRequest(chain);
    // Crash when recording "mined": the journal has the transaction, the store says pending.
    await expect(service(chain, new JsonFileAnchorStore(path, { crash: { onSave: 2, when: 'before' } })).anchor(request, signer.connect(chain.provider))).rejects.toThrow();
    const stored = new JsonFileAnchorStore(path).all()[0];
    expect(stored?.status).toBe('pending');
    await chain.close();

    chain = await Devnet.open({ dir });
    try {
      const stages: string[] = [];
      const store = new JsonFileAnchorStore(path);
      const result = await service(chain, store, { confirmations: 2 }).anchor(request, signer.connect(chain.provider), { onProgress: (p) => stages.push(p.stage) });
      expect(stages[0]).toBe('resumed');
      expect(result.txHash).toBe(stored?.txHash);
      expect(result.confirmations).toBeGreaterThanOrEqual(2);
      expect(await nonceOf(chain, signer.address)).toBe(1);
      expect(store.all()[0]?.status).toBe('confirmed');
    } finally {
      await chain.close();
    }
  });
});
