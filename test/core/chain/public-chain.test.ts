/**
 * Notarium on a "public" chain end to end: `deployRegistry` records the registry in
 * settings.json, notarize asks for the fee before sending, a declined or interrupted anchoring
 * is listed and resumed, and contradicting chain ids are refused. The chain is lab-chain.ts (EDR
 * with chain id 4242, served on 127.0.0.1) behind the fault proxy.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseEther } from 'ethers';
import { Notarium } from '../../../main/core/notarium.ts';
import type { FeeContext, FeeEstimate } from '../../../main/core/chain/fees.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../../helpers/tmp.ts';
import { FaultProxy } from './fault-proxy.ts';
import { openLabChain } from './lab-chain.ts';
import type { LabChain } from './lab-chain.ts';

let lab: LabChain;
let proxy: FaultProxy;
let tmp: Awaited<ReturnType<typeof tempDir>>;
let dataDir: string;
let inputs: string;
const open: Notarium[] = [];

async function notarium(dir = dataDir): Promise<Notarium> {
  const n = await Notarium.open({ dataDir: dir, scryptN: TEST_SCRYPT_N, pollIntervalMs: 20 });
  open.push(n);
  return n;
}

beforeAll(async () => {
  lab = await openLabChain();
  proxy = await FaultProxy.start(lab.server.url);
  tmp = await tempDir('notarium-public-chain-');
  dataDir = path.join(tmp.dir, 'data');
  inputs = path.join(tmp.dir, 'inputs');
  await mkdir(inputs);
  await writeFile(path.join(inputs, 'a.csv'), 'id,value\n1,42\n');
  await writeFile(path.join(inputs, 'b.txt'), 'field notes\n');
  const n = await notarium();
  const account = await n.init(TEST_PASSPHRASE);
  await lab.devnet.fund(account.address, parseEther('10'));
});

afterEach(async () => {
  for (const n of open.splice(0)) await n.close();
  proxy.reset();
  await proxy.up();
});

afterAll(async () => {
  await proxy.close();
  await lab.close();
  await tmp.cleanup();
});

// The tests run in order on one data folder: the first deploys the registry the others anchor on.
describe('Notarium on a public chain', () => {
  it('deploys the registry after a fee quote, records it in settings.json, and refuses a second one', async () => {
    const quotes: [FeeEstimate, FeeContext][] = [];
    const n = await notarium();
    const r = await n.deployRegistry({ network: 'lab', chainId: lab.chainId, rpc: proxy.url }, { passphrase: TEST_PASSPHRASE, confirmFee: (e, c) => quotes.push([e, c]) > 0 });
    expect(quotes).toHaveLength(1);
    expect(quotes[0]?.[1]).toEqual({ action: 'Deploying the NotaryRegistry', network: 'lab', currency: 'ETH' });
    expect(quotes[0]?.[0].to).toBeNull();
    expect(r).toMatchObject({ network: 'lab', chainId: '4242', quoted: true });
    const settings = JSON.parse(await readFile(path.join(dataDir, 'settings.json'), 'utf8')) as { network: Record<string, unknown> };
    expect(settings.network).toEqual({ name: 'lab', chainId: 4242, rpcUrl: proxy.url, registry: r.address, registryDeployBlock: r.blockNumber });
    expect(await lab.devnet.provider.getCode(r.address)).not.toBe('0x');

    await expect(n.deployRegistry({ network: 'lab', chainId: lab.chainId }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('asks for the fee before anchoring, then anchors on the recorded registry with a non-local receipt', async () => {
    const n = await notarium();
    expect(n.feeConfirmationNeeded).toBe(true);
    const quotes: FeeContext[] = [];
    const r = await n.notarize({ inputs: [inputs], title: 'Field study 2026' }, { passphrase: TEST_PASSPHRASE, confirmFee: (_e, c) => quotes.push(c) > 0 });
    expect(quotes).toEqual([{ action: `Anchoring "Field study 2026" (root ${r.root.slice(0, 10)}…)`, network: 'lab', currency: 'ETH' }]);
    const settings = JSON.parse(await readFile(path.join(dataDir, 'settings.json'), 'utf8')) as { network: { registry: string } };
    expect(r).toMatchObject({ chainId: '4242', local: false, network: 'lab', contract: settings.network.registry });
    const receipt = JSON.parse(await readFile(r.receiptPath, 'utf8')) as { network: { chainId: string; local: boolean } };
    expect(receipt.network).toMatchObject({ chainId: '4242', local: false });
    expect(await n.pendingAnchors()).toEqual([]);
  });

  it('sends nothing when the fee is declined, lists the anchoring as not sent, and resumes it later', async () => {
    const n = await notarium();
    await writeFile(path.join(inputs, 'c.txt'), 'declined once\n');
    const nonce = await lab.devnet.provider.getTransactionCount((await n.account()).address);
    const failure = n.notarize({ inputs: [inputs], title: 'Declined first' }, { passphrase: TEST_PASSPHRASE, confirmFee: () => false });
    await expect(failure).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await lab.devnet.provider.getTransactionCount((await n.account()).address)).toBe(nonce);
    const [pending] = await n.pendingAnchors();
    expect(pending).toMatchObject({ title: 'Declined first', status: 'not-sent', txHash: null, chainId: '4242' });
    expect(n.datasets().find((d) => d.root === pending?.root)?.status).toBe('prepared');

    const r = await n.resumeAnchor(pending?.root ?? '', { passphrase: TEST_PASSPHRASE, confirmFee: () => true });
    expect(r).toMatchObject({ root: pending?.root, chainId: '4242' });
    expect(await n.pendingAnchors()).toEqual([]);
    expect(n.datasets().find((d) => d.root === pending?.root)?.status).toBe('anchored');
  });

  it('keeps an anchoring interrupted after sending as pending, and resume finishes it with the same transaction', async () => {
    const n = await notarium();
    await writeFile(path.join(inputs, 'd.txt'), 'interrupted\n');
    const controller = new AbortController();
    proxy.use(async (call, forward) => {
      if (call.method !== 'eth_sendRawTransaction') return undefined;
      await forward();
      void proxy.down();
      controller.abort();
      return 'hang-up';
    });
    await expect(n.notarize({ inputs: [inputs], title: 'Interrupted' }, { passphrase: TEST_PASSPHRASE, signal: controller.signal, confirmFee: () => true }))
      .rejects.toMatchObject({ code: 'CANCELLED' });
    const [pending] = await n.pendingAnchors();
    expect(pending).toMatchObject({ title: 'Interrupted', status: 'pending' });
    expect(pending?.txHash).toMatch(/^0x[0-9a-f]{64}$/);

    proxy.reset();
    await proxy.up();
    let asked = false;
    const r = await n.resumeAnchor(pending?.root ?? '', { passphrase: TEST_PASSPHRASE, confirmFee: () => (asked = true) });
    expect(asked).toBe(false);
    expect(r.txHash).toBe(pending?.txHash);
    expect(await n.pendingAnchors()).toEqual([]);
  });

  it('refuses a settings network whose name contradicts its chain id, and an endpoint serving another chain, before any work', async () => {
    const other = path.join(tmp.dir, 'other');
    await mkdir(other);
    const settingsFile = path.join(other, 'settings.json');
    const registry = `0x${'11'.repeat(20)}`;
    let n = await notarium(other);
    await n.init(TEST_PASSPHRASE);
    await writeFile(settingsFile, JSON.stringify({ network: { name: 'sepolia', chainId: lab.chainId, rpcUrl: proxy.url, registry } }));
    n = await notarium(other);
    await expect(n.notarize({ inputs: [inputs], title: 'x' }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'CHAIN_ID_MISMATCH', details: { network: 'sepolia', expected: '11155111', actual: '4242' } });

    await writeFile(settingsFile, JSON.stringify({ network: { name: 'sepolia', chainId: 11155111, rpcUrl: proxy.url, registry } }));
    n = await notarium(other);
    await expect(n.notarize({ inputs: [inputs], title: 'x' }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'CHAIN_ID_MISMATCH', details: { expected: '11155111', actual: '4242' } });
    expect(n.datasets()).toEqual([]);
    await expect(n.deployRegistry({ network: 'base', rpc: proxy.url }, { passphrase: TEST_PASSPHRASE })).rejects.toMatchObject({ code: 'CHAIN_ID_MISMATCH' });
  });
});
