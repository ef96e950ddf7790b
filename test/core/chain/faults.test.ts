/**
 * AnchorService against a flaky public endpoint: the embedded devnet served over HTTP on
 * 127.0.0.1, behind FaultProxy (fault-proxy.ts), reached by the same ethers JsonRpcProvider
 * (connectRpc) that public chains use. What each fault simulates, and how faithfully, is listed
 * in docs/CHAINS.md ("What the fault tests simulate").
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Transaction, Wallet, keccak256, toUtf8Bytes } from 'ethers';
import type { JsonRpcProvider } from 'ethers';
import { AnchorService } from '../../../main/core/chain/anchor.ts';
import type { AnchorProgress, AnchorServiceOptions } from '../../../main/core/chain/anchor.ts';
import type { Devnet } from '../../../main/core/chain/devnet.ts';
import { serveDevnet } from '../../../main/core/chain/devnet-server.ts';
import type { DevnetServer } from '../../../main/core/chain/devnet-server.ts';
import { connectRpc } from '../../../main/core/chain/networks.ts';
import type { RpcConnectOptions } from '../../../main/core/chain/networks.ts';
import { NotaryRegistryClient, REGISTRY_INTERFACE } from '../../../main/core/chain/registry.ts';
import type { AnchorRequest, PendingAnchor } from '../../../main/core/chain/types.ts';
import { FaultProxy } from './fault-proxy.ts';
import type { RpcCall } from './fault-proxy.ts';
import { JsonFileAnchorStore, closeDevnet, fundedWallet, openTempDevnet, removeDir, signedRequest, tempDir } from './helpers.ts';

let devnet: Devnet;
let server: DevnetServer;
let proxy: FaultProxy;
let registry: string;
const providers: JsonRpcProvider[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  devnet = await openTempDevnet();
  registry = await devnet.ensureRegistry();
  server = await serveDevnet(devnet, { port: 0 });
  proxy = await FaultProxy.start(server.url);
});

afterAll(async () => {
  await proxy.close();
  await server.close();
  await closeDevnet(devnet);
});

afterEach(async () => {
  for (const p of providers.splice(0)) p.destroy();
  proxy.reset();
  await proxy.up();
  for (const dir of dirs.splice(0)) removeDir(dir);
});

/** A provider like the one Notarium uses for a public chain, through the proxy, with test-sized timeouts. */
async function client(options: RpcConnectOptions = {}): Promise<JsonRpcProvider> {
  const provider = await connectRpc(proxy.url, devnet.chainId, { pollingIntervalMs: 20, requestTimeoutMs: 1000, throttleSlotMs: 5, ...options });
  providers.push(provider);
  return provider;
}

function storePath(): string {
  const dir = tempDir('notarium-faults-');
  dirs.push(dir);
  return join(dir, 'anchors.json');
}

/** A public-chain AnchorService: no mining hook, short polls and deadline. */
function service(provider: JsonRpcProvider, store: JsonFileAnchorStore, options: Partial<AnchorServiceOptions> = {}): AnchorService {
  return new AnchorService({ provider, chainId: devnet.chainId, registry, store, pollIntervalMs: 20, timeoutMs: 1500, ...options });
}

async function newRequest(): Promise<AnchorRequest> {
  return await signedRequest([Wallet.createRandom(), Wallet.createRandom()], registry);
}

/** Anchored events of `root` on the devnet (read directly, not through the proxy). */
async function anchoredEvents(root: string): Promise<string[]> {
  const topic = REGISTRY_INTERFACE.getEvent('Anchored')?.topicHash ?? null;
  const logs = await devnet.provider.getLogs({ address: registry, topics: [topic, root], fromBlock: 0, toBlock: 'latest' });
  return logs.map((l) => l.transactionHash);
}

async function nonceOf(address: string): Promise<number> {
  return await devnet.provider.getTransactionCount(address, 'latest');
}

function rawSent(): string[] {
  return proxy.seen('eth_sendRawTransaction').map((c) => c.params[0] as string);
}

/** Answers eth_sendRawTransaction with the transaction's hash without passing it on: the node "lost" it. */
function swallowSends(times: number, onSwallow?: (raw: string) => Promise<void>): void {
  let left = times;
  proxy.use(async (call) => {
    if (call.method !== 'eth_sendRawTransaction' || left <= 0) return undefined;
    left--;
    const raw = call.params[0] as string;
    await onSwallow?.(raw);
    return { result: keccak256(raw) };
  });
}

describe('fee quote and confirmation before sending', () => {
  it('quotes gas and EIP-1559 fees from the node, asks, and signs exactly the quoted fields', async () => {
    const signer = await fundedWallet(devnet);
    const provider = await client();
    const asked: { gasLimit: bigint; maxFeePerGas: bigint | null; maxPriorityFeePerGas: bigint | null; maxCostWei: bigint; expectedCostWei: bigint }[] = [];
    const result = await service(provider, new JsonFileAnchorStore(storePath())).anchor(await newRequest(), signer, {
      confirmFee: (estimate) => {
        asked.push(estimate);
        // Nothing is signed or sent while the user looks at the quote.
        expect(proxy.seen('eth_sendRawTransaction')).toHaveLength(0);
        return true;
      },
    });
    expect(asked).toHaveLength(1);
    const quote = asked[0];
    const tx = await devnet.provider.getTransaction(result.txHash);
    const receipt = await devnet.provider.getTransactionReceipt(result.txHash);
    expect(tx).toMatchObject({ type: 2, gasLimit: quote?.gasLimit, maxFeePerGas: quote?.maxFeePerGas, maxPriorityFeePerGas: quote?.maxPriorityFeePerGas });
    const paid = (receipt?.gasUsed ?? 0n) * (receipt?.gasPrice ?? 0n);
    expect(paid).toBeGreaterThan(0n);
    expect(paid).toBeLessThanOrEqual(quote?.maxCostWei ?? 0n);
    // The "about" figure is within a few percent of what was actually paid.
    expect(Number(quote?.expectedCostWei ?? 0n) / Number(paid)).toBeGreaterThan(0.97);
    expect(Number(quote?.expectedCostWei ?? 0n) / Number(paid)).toBeLessThan(1.1);
    const methods = proxy.calls.map((c) => c.method);
    expect(methods.indexOf('eth_estimateGas')).toBeLessThan(methods.indexOf('eth_sendRawTransaction'));
  });

  it('sends and stores nothing when the fee is declined', async () => {
    const signer = await fundedWallet(devnet);
    const store = new JsonFileAnchorStore(storePath());
    await expect(service(await client(), store).anchor(await newRequest(), signer, { confirmFee: () => false }))
      .rejects.toMatchObject({ code: 'CANCELLED', details: { sent: false } });
    expect(store.saves).toBe(0);
    expect(proxy.seen('eth_sendRawTransaction')).toHaveLength(0);
    expect(await nonceOf(signer.address)).toBe(0);
  });

  it('refuses with INSUFFICIENT_FUNDS, naming balance and worst case, before asking', async () => {
    const signer = await fundedWallet(devnet, '0.00001');
    const store = new JsonFileAnchorStore(storePath());
    let asked = false;
    const failure = service(await client(), store).anchor(await newRequest(), signer, { confirmFee: () => (asked = true) });
    await expect(failure).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS', details: { address: signer.address, balanceWei: '10000000000000' } });
    expect(asked).toBe(false);
    expect(store.saves).toBe(0);
  });
});

describe('RPC endpoint down', () => {
  it('fails with CHAIN_FAILED, nothing signed, when the endpoint is down before anything is sent', async () => {
    const signer = await fundedWallet(devnet);
    const provider = await client();
    await proxy.down();
    const store = new JsonFileAnchorStore(storePath());
    const failure = service(provider, store).anchor(await newRequest(), signer);
    await expect(failure).rejects.toMatchObject({ code: 'CHAIN_FAILED', details: { transient: true } });
    await expect(failure).rejects.toThrow(/nothing was signed or sent/);
    expect(store.saves).toBe(0);
    expect(await nonceOf(signer.address)).toBe(0);
  });

  it('ends ANCHOR_PENDING when the endpoint goes down as the transaction is sent, then resumes the same transaction', async () => {
    const signer = await fundedWallet(devnet);
    const path = storePath();
    const request = await newRequest();
    const provider = await client();
    proxy.use((call) => {
      if (call.method !== 'eth_sendRawTransaction') return undefined;
      void proxy.down();
      return 'hang-up';
    });
    const stages: AnchorProgress['stage'][] = [];
    const failure = service(provider, new JsonFileAnchorStore(path), { timeoutMs: 400 }).anchor(request, signer, { onProgress: (p) => stages.push(p.stage) });
    await expect(failure).rejects.toMatchObject({ code: 'ANCHOR_PENDING', details: { status: 'pending', root: request.root.toLowerCase() } });
    expect(stages).toContain('rpc-unavailable');
    const [stored] = new JsonFileAnchorStore(path).all();
    expect(stored?.status).toBe('pending');
    expect(await devnet.provider.getTransaction(stored?.txHash ?? '')).toBeNull();

    proxy.heal();
    await proxy.up();
    const result = await service(provider, new JsonFileAnchorStore(path)).anchor(request, signer);
    expect(result.txHash).toBe(stored?.txHash);
    expect(await nonceOf(signer.address)).toBe(1);
    expect(new Set(rawSent())).toEqual(new Set([stored?.rawTx]));
  });

  it('does not send twice when the node executed the transaction but its answer was lost', async () => {
    const signer = await fundedWallet(devnet);
    const path = storePath();
    const request = await newRequest();
    let cut = false;
    proxy.use(async (call, forward) => {
      if (call.method !== 'eth_sendRawTransaction' || cut) return undefined;
      cut = true;
      await forward();
      return 'hang-up';
    });
    const result = await service(await client(), new JsonFileAnchorStore(path)).anchor(request, signer);
    expect(cut).toBe(true);
    expect(await nonceOf(signer.address)).toBe(1);
    expect(await anchoredEvents(request.root)).toEqual([result.txHash]);
    expect(new Set(rawSent()).size).toBe(1);
    expect(new JsonFileAnchorStore(path).all()[0]).toMatchObject({ txHash: result.txHash, status: 'confirmed' });
  });
});

describe('slow endpoint', () => {
  it('anchors through an endpoint that answers every request late', async () => {
    const signer = await fundedWallet(devnet);
    const provider = await client();
    const request = await newRequest();
    proxy.delayMs = 60;
    const started = performance.now();
    const result = await service(provider, new JsonFileAnchorStore(storePath()), { timeoutMs: 20_000 }).anchor(request, signer);
    expect(performance.now() - started).toBeGreaterThan(60 * 4);
    expect(await anchoredEvents(request.root)).toEqual([result.txHash]);
  });

  it('ends ANCHOR_PENDING when receipts stall past the request timeout, and resumes once they come back', async () => {
    const signer = await fundedWallet(devnet);
    const path = storePath();
    const request = await newRequest();
    const provider = await client({ requestTimeoutMs: 150 });
    const unstall = proxy.use(async (call) => {
      if (call.method === 'eth_getTransactionReceipt') await new Promise((resolve) => setTimeout(resolve, 400));
      return undefined;
    });
    const failure = service(provider, new JsonFileAnchorStore(path), { timeoutMs: 500 }).anchor(request, signer);
    await expect(failure).rejects.toMatchObject({ code: 'ANCHOR_PENDING', details: { status: 'pending' } });
    await expect(failure).rejects.toThrow(/timeout/);
    unstall();
    const [stored] = new JsonFileAnchorStore(path).all();
    const result = await service(provider, new JsonFileAnchorStore(path)).anchor(request, signer);
    expect(result.txHash).toBe(stored?.txHash);
    expect(await anchoredEvents(request.root)).toEqual([result.txHash]);
  });
});

describe('rate-limited endpoint', () => {
  it('rides out HTTP 429 answers with back-off', async () => {
    const signer = await fundedWallet(devnet);
    const provider = await client();
    const request = await newRequest();
    proxy.throttle(5);
    const result = await service(provider, new JsonFileAnchorStore(storePath())).anchor(request, signer);
    expect(proxy.throttled).toBe(5);
    expect(await anchoredEvents(request.root)).toEqual([result.txHash]);
  });

  it('waits the Retry-After seconds of a 429 (ethers alone would read them as milliseconds)', async () => {
    const provider = await client({ requestTimeoutMs: 5000 });
    proxy.throttle(1, '1');
    const started = performance.now();
    expect(await provider.getBlockNumber()).toBeGreaterThan(0);
    expect(performance.now() - started).toBeGreaterThan(950);
  });

  it('keeps tracking through JSON-RPC "limit exceeded" errors (-32005) sent with HTTP 200', async () => {
    const signer = await fundedWallet(devnet);
    let refusals = 3;
    proxy.use((call) => {
      if (call.method !== 'eth_getTransactionReceipt' || refusals <= 0) return undefined;
      refusals--;
      return { error: { code: -32005, message: 'daily request count exceeded, request rate limited' } };
    });
    const stages: AnchorProgress['stage'][] = [];
    const request = await newRequest();
    const result = await service(await client(), new JsonFileAnchorStore(storePath())).anchor(request, signer, { onProgress: (p) => stages.push(p.stage) });
    expect(refusals).toBe(0);
    // ethers shares one answer among identical requests for 250 ms, so a refusal may be seen twice.
    expect(stages.filter((s) => s === 'rpc-unavailable').length).toBeGreaterThanOrEqual(3);
    expect(await anchoredEvents(request.root)).toEqual([result.txHash]);
  });

  it('ends ANCHOR_PENDING under throttling that outlasts the deadline, then resumes', async () => {
    const signer = await fundedWallet(devnet);
    const path = storePath();
    const request = await newRequest();
    const provider = await client();
    const stop = proxy.use((call) => (call.method === 'eth_getTransactionReceipt' ? { error: { code: -32005, message: 'limit exceeded' } } : undefined));
    await expect(service(provider, new JsonFileAnchorStore(path), { timeoutMs: 300 }).anchor(request, signer)).rejects.toMatchObject({ code: 'ANCHOR_PENDING' });
    stop();
    const result = await service(provider, new JsonFileAnchorStore(path)).anchor(request, signer);
    expect(result.txHash).toBe(new JsonFileAnchorStore(path).all()[0]?.txHash);
    expect(await nonceOf(signer.address)).toBe(1);
  });
});

describe('dropped transaction', () => {
  it('re-broadcasts the same bytes when the node forgot the transaction', async () => {
    const signer = await fundedWallet(devnet);
    const request = await newRequest();
    swallowSends(1);
    const result = await service(await client(), new JsonFileAnchorStore(storePath())).anchor(request, signer);
    const sent = rawSent();
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sent).size).toBe(1);
    expect(keccak256(sent[0] ?? '0x')).toBe(result.txHash);
    expect(await nonceOf(signer.address)).toBe(1);
    expect(await anchoredEvents(request.root)).toEqual([result.txHash]);
  });

  it('ends ANCHOR_PENDING while the transaction stays dropped, and resumes it later', async () => {
    const signer = await fundedWallet(devnet);
    const path = storePath();
    const request = await newRequest();
    swallowSends(1000);
    await expect(service(await client(), new JsonFileAnchorStore(path), { timeoutMs: 300 }).anchor(request, signer))
      .rejects.toMatchObject({ code: 'ANCHOR_PENDING', details: { status: 'pending', nonce: 0 } });
    proxy.heal();
    const result = await service(await client(), new JsonFileAnchorStore(path)).anchor(request, signer);
    expect(result.txHash).toBe(new JsonFileAnchorStore(path).all()[0]?.txHash);
    expect(new Set(rawSent()).size).toBe(1);
  });
});

describe('replaced transaction', () => {
  /** Swallows our transaction and, in its place, mines the one `build` sends with the same nonce. */
  function replaceWith(build: (ours: Transaction) => Promise<string>): string[] {
    const replacements: string[] = [];
    swallowSends(1, async (raw) => {
      const hash = await build(Transaction.from(raw));
      replacements.push(hash);
      await devnet.provider.waitForTransaction(hash);
    });
    return replacements;
  }

  it('declares a transaction cancelled by another with its nonce failed; the next call anchors with a new one', async () => {
    const signer = await fundedWallet(devnet);
    const path = storePath();
    const request = await newRequest();
    const replacements = replaceWith(async (ours: Transaction) => {
      const cancel = await signer.connect(devnet.provider).sendTransaction({ to: signer.address, value: 0n, nonce: ours.nonce, maxFeePerGas: (ours.maxFeePerGas ?? 0n) * 2n, maxPriorityFeePerGas: (ours.maxPriorityFeePerGas ?? 0n) * 2n });
      return cancel.hash;
    });
    const failure = service(await client(), new JsonFileAnchorStore(path)).anchor(request, signer);
    await expect(failure).rejects.toMatchObject({ code: 'CHAIN_FAILED', details: { replaced: true, nonce: 0 } });
    expect(replacements).toHaveLength(1);
    expect(new JsonFileAnchorStore(path).all()[0]?.status).toBe('failed');
    expect(await new NotaryRegistryClient(registry, devnet.provider).anchorOf(request.root)).toBeNull();

    const result = await service(await client(), new JsonFileAnchorStore(path)).anchor(request, signer);
    expect(Transaction.from(new JsonFileAnchorStore(path).all()[0]?.rawTx ?? '').nonce).toBe(1);
    expect(await anchoredEvents(request.root)).toEqual([result.txHash]);
  });

  it('reports the anchoring of a sped-up copy (same nonce, same call) instead of sending again', async () => {
    const signer = await fundedWallet(devnet);
    const path = storePath();
    const request = await newRequest();
    const replacements = replaceWith(async (ours: Transaction) => {
      const faster = await signer.connect(devnet.provider).sendTransaction({
        to: ours.to, data: ours.data, nonce: ours.nonce, gasLimit: ours.gasLimit,
        maxFeePerGas: (ours.maxFeePerGas ?? 0n) * 2n, maxPriorityFeePerGas: (ours.maxPriorityFeePerGas ?? 0n) * 2n,
      });
      return faster.hash;
    });
    const result = await service(await client(), new JsonFileAnchorStore(path)).anchor(request, signer);
    expect(result).toMatchObject({ txHash: replacements[0], alreadyAnchored: true });
    expect(await anchoredEvents(request.root)).toEqual([replacements[0]]);
    expect((await new NotaryRegistryClient(registry, devnet.provider).anchorOf(request.root))?.submitter).toBe(signer.address);
    expect(await nonceOf(signer.address)).toBe(1);
  });
});

describe('short reorg', () => {
  /** Records every status the service saves, in order. */
  class RecordingStore extends JsonFileAnchorStore {
    readonly statuses: string[] = [];
    override savePendingAnchor(anchor: PendingAnchor): void {
      this.statuses.push(`${anchor.status}${anchor.blockNumber === null ? '' : `@${anchor.blockNumber}`}`);
      super.savePendingAnchor(anchor);
    }
  }

  const forkHash = keccak256(toUtf8Bytes('the block that replaced ours'));

  /**
   * Simulates, at the proxy, a reorg right after our transaction is mined: the fork has another
   * block at the same height without our transaction, which is back in the mempool (no receipt,
   * not in a block, its nonce unused). With `reinclude`, our re-broadcast gets it into the fork's
   * block (same height, hash `forkHash`) and two blocks follow; without, it stays out.
   */
  function reorgAfterMining(address: string, reinclude: boolean): { onProgress: (p: AnchorProgress) => void; state: { phase: 'normal' | 'reorged' | 'reincluded'; txHash: string; minedIn: number } } {
    const state = { phase: 'normal' as 'normal' | 'reorged' | 'reincluded', txHash: '', minedIn: -1 };
    const ours = (call: RpcCall): boolean => call.params[0] === state.txHash;
    const isOurBlock = (call: RpcCall): boolean => call.method === 'eth_getBlockByNumber' && Number(call.params[0]) === state.minedIn;
    proxy.use(async (call, forward) => {
      if (state.phase === 'normal') return undefined;
      if (state.phase === 'reorged') {
        if (call.method === 'eth_getTransactionReceipt' && ours(call)) return { result: null };
        if (call.method === 'eth_sendRawTransaction') {
          if (reinclude) {
            state.phase = 'reincluded';
            await devnet.mine(2);
          }
          return { result: state.txHash };
        }
        if (call.method === 'eth_getTransactionCount' && call.params[0] === address) return { result: '0x0' };
        if (call.method === 'eth_getTransactionByHash' && ours(call)) {
          const reply = await forward();
          return 'result' in reply ? { result: { ...(reply.result as object), blockHash: null, blockNumber: null, transactionIndex: null } } : reply;
        }
        if (isOurBlock(call)) {
          const reply = await forward();
          return 'result' in reply ? { result: { ...(reply.result as object), hash: forkHash, transactions: [] } } : reply;
        }
        return undefined;
      }
      // Re-included: the canonical block at that height is now the fork's, holding our transaction.
      if (call.method === 'eth_getTransactionReceipt' && ours(call)) {
        const reply = await forward();
        if (!('result' in reply) || reply.result === null) return reply;
        const receipt = reply.result as { logs: object[] };
        return { result: { ...receipt, blockHash: forkHash, logs: receipt.logs.map((l) => ({ ...l, blockHash: forkHash })) } };
      }
      if (isOurBlock(call)) {
        const reply = await forward();
        return 'result' in reply ? { result: { ...(reply.result as object), hash: forkHash } } : reply;
      }
      return undefined;
    });
    return {
      state,
      onProgress: (p) => {
        if (p.stage === 'signed') state.txHash = p.txHash;
        if (p.stage === 'mined' && state.phase === 'normal') {
          state.minedIn = p.blockNumber;
          state.phase = 'reorged';
        }
      },
    };
  }

  it('follows a transaction reorged out of its block and re-included, and reports the new canonical block', async () => {
    const signer = await fundedWallet(devnet);
    const request = await newRequest();
    const store = new RecordingStore(storePath());
    const reorg = reorgAfterMining(signer.address, true);
    const stages: AnchorProgress[] = [];
    const result = await service(await client(), store, { confirmations: 3, timeoutMs: 5000 }).anchor(request, signer, {
      onProgress: (p) => {
        stages.push(p);
        reorg.onProgress(p);
      },
    });
    const { phase, txHash, minedIn } = reorg.state;
    expect(phase).toBe('reincluded');
    expect(result).toMatchObject({ txHash, blockNumber: minedIn, blockHash: forkHash, alreadyAnchored: false });
    expect(result.confirmations).toBeGreaterThanOrEqual(3);
    expect(store.statuses).toEqual(['pending', `mined@${minedIn}`, 'pending', `mined@${minedIn}`, `confirmed@${minedIn}`]);
    expect(stages.filter((p) => p.stage === 'mined')).toHaveLength(2);
    expect(new Set(rawSent()).size).toBe(1);
    expect(await anchoredEvents(request.root)).toEqual([txHash]);
  });

  it('never reports an anchoring the reorg removed: ANCHOR_PENDING (pending) until it is back', async () => {
    const signer = await fundedWallet(devnet);
    const request = await newRequest();
    const path = storePath();
    const store = new RecordingStore(path);
    const reorg = reorgAfterMining(signer.address, false);
    const failure = service(await client(), store, { confirmations: 3, timeoutMs: 600 }).anchor(request, signer, {
      onProgress: (p) => {
        reorg.onProgress(p);
        // Blocks keep coming on the fork.
        if (p.stage === 'confirming') void devnet.mine(1);
      },
    });
    await expect(failure).rejects.toMatchObject({ code: 'ANCHOR_PENDING', details: { status: 'pending' } });
    await expect(failure).rejects.toMatchObject({ details: { txHash: reorg.state.txHash } });
    expect(store.statuses).toEqual(['pending', `mined@${reorg.state.minedIn}`, 'pending']);
    // The reorg is over (the proxy shows the node's real chain, which has our block): resuming confirms it.
    proxy.reset();
    const result = await service(await client(), new JsonFileAnchorStore(path), { confirmations: 3 }).anchor(request, signer, { onProgress: (p) => p.stage === 'confirming' && void devnet.mine(1) });
    expect(result).toMatchObject({ txHash: reorg.state.txHash, blockNumber: reorg.state.minedIn, alreadyAnchored: false });
    expect(new Set(rawSent()).size).toBe(1);
  });
});
