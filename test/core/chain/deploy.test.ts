import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TypedDataEncoder, Wallet, getCreateAddress } from 'ethers';
import type { JsonRpcProvider } from 'ethers';
import { AnchorService } from '../../../main/core/chain/anchor.ts';
import { deployRegistry } from '../../../main/core/chain/deploy.ts';
import type { DeployRegistryOptions } from '../../../main/core/chain/deploy.ts';
import type { Devnet } from '../../../main/core/chain/devnet.ts';
import { serveDevnet } from '../../../main/core/chain/devnet-server.ts';
import type { DevnetServer } from '../../../main/core/chain/devnet-server.ts';
import type { FeeEstimate } from '../../../main/core/chain/fees.ts';
import { connectRpc } from '../../../main/core/chain/networks.ts';
import { notaryDomain } from '../../../shared/notary/typed-data.ts';
import { FaultProxy } from './fault-proxy.ts';
import { JsonFileAnchorStore, closeDevnet, fundedWallet, openTempDevnet, removeDir, signedRequest, tempDir } from './helpers.ts';

let devnet: Devnet;
let server: DevnetServer;
let proxy: FaultProxy;
let dir: string;
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

afterEach(async () => {
  for (const p of providers.splice(0)) p.destroy();
  proxy.reset();
  await proxy.up();
  removeDir(dir);
});

async function options(signer: Wallet | Awaited<ReturnType<typeof fundedWallet>>, extra: Partial<DeployRegistryOptions> = {}): Promise<DeployRegistryOptions> {
  dir = tempDir('notarium-deploy-');
  const provider = await connectRpc(proxy.url, devnet.chainId, { pollingIntervalMs: 20, requestTimeoutMs: 1000 });
  providers.push(provider);
  return { provider, chainId: devnet.chainId, signer, pendingFile: join(dir, 'registry-deployment-31337.json'), pollIntervalMs: 20, timeoutMs: 1500, ...extra };
}

describe('deployRegistry', () => {
  it('quotes, deploys the committed artifact at the CREATE address, checks its EIP-712 domain, and the registry anchors', async () => {
    const signer = await fundedWallet(devnet);
    const quotes: FeeEstimate[] = [];
    const opts = await options(signer, { confirmFee: (q) => quotes.push(q) > 0 });
    const deployment = await deployRegistry(opts);
    expect(quotes).toHaveLength(1);
    expect(quotes[0]).toMatchObject({ to: null, from: signer.address, type: 2 });
    expect(deployment.fee).toBe(quotes[0]);
    expect(deployment.address).toBe(getCreateAddress({ from: signer.address, nonce: 0 }));
    expect(deployment.domainSeparator).toBe(TypedDataEncoder.hashDomain(notaryDomain(31337n, deployment.address)));
    expect(await devnet.provider.getCode(deployment.address)).not.toBe('0x');
    expect((await devnet.provider.getTransactionReceipt(deployment.txHash))?.blockNumber).toBe(deployment.blockNumber);
    expect(existsSync(opts.pendingFile)).toBe(false);

    const anchors = new AnchorService({ provider: opts.provider as JsonRpcProvider, chainId: 31337n, registry: deployment.address, store: new JsonFileAnchorStore(join(dir, 'a.json')), pollIntervalMs: 20, registryDeployBlock: deployment.blockNumber });
    const anchored = await anchors.anchor(await signedRequest([Wallet.createRandom()], deployment.address), signer);
    expect(anchored.contract).toBe(deployment.address);
  });

  it('sends nothing when the fee is declined', async () => {
    const signer = await fundedWallet(devnet);
    const opts = await options(signer, { confirmFee: () => false });
    await expect(deployRegistry(opts)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(existsSync(opts.pendingFile)).toBe(false);
    expect(await devnet.provider.getTransactionCount(signer.address)).toBe(0);
  });

  it('refuses an endpoint on another chain before quoting', async () => {
    const signer = await fundedWallet(devnet);
    const opts = await options(signer);
    await expect(deployRegistry({ ...opts, chainId: 11155111n })).rejects.toMatchObject({ code: 'CHAIN_ID_MISMATCH' });
    expect(proxy.seen('eth_estimateGas')).toHaveLength(0);
  });

  it('keeps a deployment signed before the endpoint went down, and a second call resumes it instead of deploying again', async () => {
    const signer = await fundedWallet(devnet);
    const opts = await options(signer, { timeoutMs: 300 });
    proxy.use((call) => {
      if (call.method !== 'eth_sendRawTransaction') return undefined;
      void proxy.down();
      return 'hang-up';
    });
    await expect(deployRegistry(opts)).rejects.toMatchObject({ code: 'CHAIN_FAILED', details: { pending: true } });
    const kept = JSON.parse(readFileSync(opts.pendingFile, 'utf8')) as { txHash: string; address: string };
    expect(kept.address).toBe(getCreateAddress({ from: signer.address, nonce: 0 }));

    proxy.reset();
    await proxy.up();
    const deployment = await deployRegistry({ ...opts, timeoutMs: 5000, confirmFee: () => { throw new Error('a resumed deployment is not quoted again'); } });
    expect(deployment).toMatchObject({ txHash: kept.txHash, address: kept.address, fee: null });
    expect(await devnet.provider.getTransactionCount(signer.address)).toBe(1);
    expect(existsSync(opts.pendingFile)).toBe(false);
  });
});
