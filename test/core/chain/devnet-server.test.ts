import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { Wallet, parseEther } from 'ethers';
import { Devnet } from '../../../main/core/chain/devnet.ts';
import { connectDevnet, serveDevnet } from '../../../main/core/chain/devnet-server.ts';
import type { DevnetConnection, DevnetServer } from '../../../main/core/chain/devnet-server.ts';
import { connectRpc } from '../../../main/core/chain/networks.ts';
import { readDevnetLock } from '../../../main/core/chain/devnet-lock.ts';
import { removeDir, tempDir } from './helpers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function served(): Promise<{ dir: string; devnet: Devnet; server: DevnetServer }> {
  const root = tempDir();
  cleanups.push(() => removeDir(root));
  const dir = join(root, 'devnet');
  const devnet = await Devnet.open({ dir, durable: false });
  cleanups.push(() => devnet.close());
  const server = await serveDevnet(devnet, { port: 0 });
  cleanups.push(() => server.close());
  return { dir, devnet, server };
}

function post(url: string, body: string, headers: Record<string, string>, method = 'POST'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('serveDevnet', () => {
  it('publishes its URL in the folder lock and withdraws it on close', async () => {
    const { dir, server } = await served();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(readDevnetLock(dir)).toMatchObject({ pid: process.pid, url: server.url });
    await server.close();
    expect(readDevnetLock(dir)?.url).toBeNull();
  });

  it('answers JSON-RPC, batches included, through the journal gate', async () => {
    const { server, devnet } = await served();
    const entries = devnet.journalLength;
    const batch = [
      { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] },
      { jsonrpc: '2.0', id: 2, method: 'evm_mine', params: [] },
      { jsonrpc: '2.0', id: 3, method: 'evm_snapshot', params: [] },
    ];
    const res = await post(server.url, JSON.stringify(batch), { 'content-type': 'application/json' });
    const answers = JSON.parse(res.body) as { id: number; result?: unknown; error?: { code: number } }[];
    expect(answers[0]).toMatchObject({ id: 1, result: '0x7a69' });
    expect(answers[1]).toMatchObject({ id: 2 });
    expect(answers[2]).toMatchObject({ id: 3, error: { code: -32601 } });
    expect(devnet.journalLength).toBe(entries + 1);
  });

  it('refuses requests a web page could forge: non-POST, foreign Host header, non-JSON content type', async () => {
    const { server } = await served();
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'evm_mine', params: [] });
    expect((await post(server.url, '', {}, 'GET')).status).toBe(405);
    expect((await post(server.url, body, { 'content-type': 'application/json', host: 'evil.example:80' })).status).toBe(403);
    expect((await post(server.url, body, { 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('lets connectRpc check the chain id: CHAIN_ID_MISMATCH for another chain', async () => {
    const { server } = await served();
    const provider = await connectRpc(server.url, 31337n);
    expect(await provider.getBlockNumber()).toBeGreaterThan(0);
    provider.destroy();
    await expect(connectRpc(server.url, 11155111n)).rejects.toMatchObject({ code: 'CHAIN_ID_MISMATCH', details: { expected: '11155111', actual: '31337' } });
  });
});

describe('connectDevnet', () => {
  it('opens the folder in-process when nobody holds it', async () => {
    const root = tempDir();
    cleanups.push(() => removeDir(root));
    const connection = await connectDevnet({ dir: join(root, 'devnet'), durable: false });
    cleanups.push(() => connection.close());
    expect(connection.kind).toBe('in-process');
    expect(await connection.provider.getCode(connection.registry)).not.toBe('0x');
  });

  it('goes through the running server when the folder is held and served; fund and mine are journaled there', async () => {
    const { dir, devnet } = await served();
    const connection: DevnetConnection = await connectDevnet({ dir });
    cleanups.push(() => connection.close());
    expect(connection.kind).toBe('server');
    expect(connection.registry).toBe(await devnet.ensureRegistry());
    const entries = devnet.journalLength;
    const account = Wallet.createRandom().address;
    await connection.fund(account, parseEther('2'));
    await connection.mine(2);
    expect(await devnet.provider.getBalance(account)).toBe(parseEther('2'));
    expect(devnet.journalLength).toBe(entries + 3);
  });

  it('reaches the server from another process using the same data folder', async () => {
    const { dir, devnet } = await served();
    const before = await devnet.provider.getBlockNumber();
    const moduleUrl = new URL('../../../main/core/chain/devnet-server.ts', import.meta.url).href;
    const script = `
      const { connectDevnet } = await import(${JSON.stringify(moduleUrl)});
      const c = await connectDevnet({ dir: ${JSON.stringify(dir)} });
      await c.mine(1);
      process.stdout.write(JSON.stringify({ kind: c.kind, registry: c.registry }));
      await c.close();`;
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 }, (error, stdout, stderr) => (error === null ? resolve(stdout) : reject(new Error(`${error.message}\n${stderr}`))));
    });
    expect(JSON.parse(output)).toEqual({ kind: 'server', registry: await devnet.ensureRegistry() });
    expect(await devnet.provider.getBlockNumber()).toBe(before + 1);
  });

  it('refuses with DEVNET_LOCKED when the holder does not serve the devnet', async () => {
    const { dir, server } = await served();
    await server.close();
    await expect(connectDevnet({ dir })).rejects.toMatchObject({ code: 'DEVNET_LOCKED', details: { pid: process.pid, url: null } });
  });

  it('refuses a published server that serves another devnet', async () => {
    const a = await served();
    const b = await served();
    const lockPath = join(a.dir, 'lock.json');
    writeFileSync(lockPath, JSON.stringify({ ...JSON.parse(readFileSync(lockPath, 'utf8')), url: b.server.url }));
    await expect(connectDevnet({ dir: a.dir })).rejects.toMatchObject({ code: 'CHAIN_FAILED' });
  });
});
