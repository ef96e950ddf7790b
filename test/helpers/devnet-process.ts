/**
 * `notarium devnet` run as its own process, so the chain outlives CLI processes that a test
 * kills: the devnet (EDR, chain id 31337) of `dataDir`, served as JSON-RPC on a free port of
 * 127.0.0.1. Another data folder anchors on it through settings.json (see useDevnetServer).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { JsonRpcProvider, Network, toQuantity } from 'ethers';
import { CLI_BIN } from './cli-process.ts';

export interface DevnetProcess {
  /** http://127.0.0.1:<port> */
  url: string;
  chainId: bigint;
  /** NotaryRegistry address on that devnet. */
  registry: string;
  /** An ethers provider for the test's own queries (close() destroys it). */
  provider: JsonRpcProvider;
  /** Adds wei to an account's balance (the devnet's `notarium_fund`). */
  fund(address: string, wei: bigint): Promise<void>;
  /** SIGTERM, then wait for the exit (SIGKILL after 10 s). */
  close(): Promise<void>;
}

/**
 * Starts `notarium --data-dir <dataDir> --json devnet --port 0` and waits for its URL.
 * @throws Error when the process exits or prints nothing parseable within 60 s.
 */
export async function startDevnetProcess(dataDir: string): Promise<DevnetProcess> {
  const child = spawn(process.execPath, ['--max-semi-space-size=1', CLI_BIN, '--data-dir', dataDir, '--json', 'devnet', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NOTARIUM_DATA_DIR: dataDir },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const info = await new Promise<{ url: string; chainId: string; contract: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`notarium devnet printed no URL within 60 s: ${stderr}`)), 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const line = stdout.split('\n')[0] ?? '';
      if (!stdout.includes('\n')) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as { url: string; chainId: string; contract: string });
      } catch (e) {
        reject(new Error(`notarium devnet printed ${JSON.stringify(line)}: ${(e as Error).message}`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`notarium devnet exited (${code ?? signal}) before serving: ${stderr}`));
    });
  }).catch((e: unknown) => {
    child.kill('SIGKILL');
    throw e;
  });
  const chainId = BigInt(info.chainId);
  const provider = new JsonRpcProvider(info.url, Network.from(chainId), { staticNetwork: true, cacheTimeout: -1 });
  return {
    url: info.url,
    chainId,
    registry: info.contract,
    provider,
    fund: async (address, wei) => {
      await provider.send('notarium_fund', [address, toQuantity(wei)]);
    },
    close: async () => {
      provider.destroy();
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Points the data folder `dataDir` at `devnet` as its network (settings.json `network`, the
 * way `notarium deploy` records one; docs/CHAINS.md §1). Overwrites settings.json.
 */
export async function useDevnetServer(dataDir: string, devnet: Pick<DevnetProcess, 'url' | 'chainId' | 'registry'>): Promise<void> {
  const settings = { network: { name: 'devnet', chainId: Number(devnet.chainId), rpcUrl: devnet.url, registry: devnet.registry } };
  await writeFile(path.join(dataDir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
}
