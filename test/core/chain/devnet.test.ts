import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { Devnet } from '../../../main/core/chain/devnet.ts';
import { NotaryRegistryClient, encodeAnchorCall } from '../../../main/core/chain/registry.ts';
import { readJournal } from '../../../main/core/chain/devnet-journal.ts';
import { fundedWallet, removeDir, signedRequest, tempDir } from './helpers.ts';

const opened: Devnet[] = [];
const dirs: string[] = [];

async function open(dir: string, options: { clock?: () => number; deployRegistry?: boolean } = {}): Promise<Devnet> {
  const devnet = await Devnet.open({ dir, ...options });
  opened.push(devnet);
  return devnet;
}

function newDir(): string {
  const dir = tempDir();
  dirs.push(dir);
  return join(dir, 'devnet');
}

afterEach(async () => {
  for (const devnet of opened.splice(0)) await devnet.close();
  for (const dir of dirs.splice(0)) removeDir(dir);
});

async function head(devnet: Devnet): Promise<{ number: number; hash: string | null; stateRoot: string | null; timestamp: number }> {
  const block = await devnet.provider.getBlock('latest');
  if (block === null) throw new Error('no head');
  return { number: block.number, hash: block.hash, stateRoot: block.stateRoot, timestamp: block.timestamp };
}

describe('devnet persistence by journal replay', () => {
  it('reproduces the chain after a restart: same head hash and state root, the anchor still readable', async () => {
    const dir = newDir();
    const first = await open(dir);
    const submitter = await fundedWallet(first);
    const registryAddress = await first.ensureRegistry();
    const request = await signedRequest([Wallet.createRandom()], registryAddress);
    const receipt = await new NotaryRegistryClient(registryAddress, submitter).anchor(request, submitter);
    await first.mine(2);
    const before = await head(first);
    const anchor = await new NotaryRegistryClient(registryAddress, first.provider).anchorOf(request.root);
    await first.close();

    const second = await open(dir);
    expect(second.replay.entries).toBe(readJournal(join(dir, 'journal.jsonl')).length);
    expect(second.replay.entries).toBeGreaterThan(0);
    expect(await head(second)).toEqual(before);
    expect(await second.ensureRegistry()).toBe(registryAddress);
    expect(await new NotaryRegistryClient(registryAddress, second.provider).anchorOf(request.root)).toEqual(anchor);
    expect((await second.provider.getTransactionReceipt(receipt.hash))?.blockHash).toBe(receipt.blockHash);
  });

  it('replays a reverted transaction too (it was mined), keeping later blocks identical', async () => {
    const dir = newDir();
    const first = await open(dir);
    const submitter = await fundedWallet(first);
    const registryAddress = await first.ensureRegistry();
    const request = await signedRequest([Wallet.createRandom()], registryAddress);
    const forged = { ...request, signatures: [await Wallet.createRandom().signMessage('not it')] };
    const tx = await submitter.sendTransaction({ to: registryAddress, data: encodeAnchorCall(forged), gasLimit: 200_000 });
    const reverted = await first.provider.getTransactionReceipt(tx.hash);
    expect(reverted?.status).toBe(0);
    await new NotaryRegistryClient(registryAddress, submitter).anchor(request, submitter);
    const before = await head(first);
    await first.close();

    const second = await open(dir);
    expect(await head(second)).toEqual(before);
    expect((await second.provider.getTransactionReceipt(tx.hash))?.status).toBe(0);
  });

  it('stamps blocks from the clock, journals the time, and replays it without the clock', async () => {
    const dir = newDir();
    let now = 2_000_000_000;
    const first = await open(dir, { clock: () => now, deployRegistry: false });
    await first.mine(1);
    expect((await head(first)).timestamp).toBe(now);
    now += 3600;
    await first.fund(Wallet.createRandom().address, 1n);
    expect((await head(first)).timestamp).toBe(now);
    await first.eip1193.request({ method: 'evm_setNextBlockTimestamp', params: [now + 100] });
    await first.mine(1);
    const before = await head(first);
    expect(before.timestamp).toBe(now + 100);
    await first.close();

    const second = await open(dir, { clock: () => 1, deployRegistry: false });
    expect(await head(second)).toEqual(before);
    await second.mine(1);
    expect((await head(second)).timestamp).toBe(before.timestamp + 1);
  });

  it('fails with DEVNET_REPLAY_MISMATCH when a journal entry was altered, and releases the folder', async () => {
    const dir = newDir();
    const first = await open(dir);
    await fundedWallet(first, '5');
    await first.mine(1);
    await first.close();
    const path = join(dir, 'journal.jsonl');
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    const last = JSON.parse(lines.at(-1) ?? '{}') as { timestamp: number };
    lines[lines.length - 1] = JSON.stringify({ ...last, timestamp: last.timestamp + 7 });
    writeFileSync(path, `${lines.join('\n')}\n`);

    await expect(Devnet.open({ dir })).rejects.toMatchObject({ code: 'DEVNET_REPLAY_MISMATCH', details: { seq: lines.length } });
    expect(existsSync(join(dir, 'lock.json'))).toBe(false);
  });

  it('fails with DEVNET_REPLAY_MISMATCH when an entry was removed from the middle', async () => {
    const dir = newDir();
    const first = await open(dir);
    await first.mine(1);
    await first.mine(1);
    await first.close();
    const path = join(dir, 'journal.jsonl');
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    lines.splice(1, 1);
    writeFileSync(path, `${lines.join('\n')}\n`);
    await expect(Devnet.open({ dir })).rejects.toMatchObject({ code: 'DEVNET_REPLAY_MISMATCH' });
  });

  it('drops a torn last line left by a crash in the middle of a write', async () => {
    const dir = newDir();
    const first = await open(dir);
    await first.mine(1);
    const before = await head(first);
    const entries = first.journalLength;
    await first.close();
    appendFileSync(join(dir, 'journal.jsonl'), '{"seq":99,"method":"evm_mi');
    const second = await open(dir);
    expect(await head(second)).toEqual(before);
    expect(second.journalLength).toBe(entries);
    expect(readFileSync(join(dir, 'journal.jsonl'), 'utf8').endsWith('}\n')).toBe(true);
  });
});

describe('devnet request gate', () => {
  it('refuses methods whose effect replay could not reproduce, without journaling them', async () => {
    const devnet = await open(newDir());
    const entries = devnet.journalLength;
    for (const method of ['evm_snapshot', 'evm_revert', 'hardhat_reset', 'evm_increaseTime', 'evm_setAutomine', 'evm_setIntervalMining', 'anvil_mine']) {
      await expect(devnet.eip1193.request({ method, params: [] })).rejects.toMatchObject({ code: -32601 });
    }
    expect(devnet.journalLength).toBe(entries);
  });

  it('passes reads through without journaling and journals writes in order', async () => {
    const devnet = await open(newDir());
    const entries = devnet.journalLength;
    expect(await devnet.eip1193.request({ method: 'eth_chainId' })).toBe('0x7a69');
    expect(devnet.journalLength).toBe(entries);
    const start = await devnet.provider.getBlockNumber();
    await Promise.all([devnet.mine(1), devnet.mine(2), devnet.mine(3)]);
    expect(await devnet.provider.getBlockNumber()).toBe(start + 6);
    expect(devnet.journalLength).toBe(entries + 3);
  });

  it('mines automatically: a sent transaction is in a block when its hash is returned', async () => {
    const devnet = await open(newDir());
    const wallet = await fundedWallet(devnet);
    const tx = await wallet.sendTransaction({ to: Wallet.createRandom().address, value: 1n });
    expect((await devnet.provider.getTransactionReceipt(tx.hash))?.status).toBe(1);
  });
});

describe('devnet folder lock', () => {
  it('lets one devnet own a folder at a time', async () => {
    const dir = newDir();
    const devnet = await open(dir);
    await expect(Devnet.open({ dir })).rejects.toMatchObject({ code: 'DEVNET_LOCKED', details: { pid: process.pid, url: null } });
    await devnet.close();
    await open(dir);
  });

  it('reclaims the lock of a process that died', async () => {
    const dir = newDir();
    await (await open(dir)).close();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(dir, 'lock.json'), JSON.stringify({ pid: Number(dead.stdout), hostname: hostname(), createdAt: 1, url: null }));
    const devnet = await open(dir);
    expect(JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8'))).toMatchObject({ pid: process.pid });
    await devnet.close();
  });
});
