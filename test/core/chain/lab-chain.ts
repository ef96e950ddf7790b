/**
 * A stand-in for a public chain in tests: the embedded devnet (EDR) run with another chain id
 * (default 4242, not the devnet's 31337, so Notarium treats it as a real network: fee quotes are
 * confirmed, receipts say `local: false`), no registry, served over HTTP on 127.0.0.1. Only
 * eth_chainId and EIP-155 signatures differ from the devnet; no public network is contacted.
 *
 * Devnet.open takes the chain id from a folder's genesis.json; a new folder gets 31337. So the
 * genesis is written here first, with a placeholder hash; the first open reports the real genesis
 * hash (DEVNET_REPLAY_MISMATCH), which is then recorded.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Devnet } from '../../../main/core/chain/devnet.ts';
import type { DevnetGenesis } from '../../../main/core/chain/devnet.ts';
import { serveDevnet } from '../../../main/core/chain/devnet-server.ts';
import type { DevnetServer } from '../../../main/core/chain/devnet-server.ts';
import { isNotariumError } from '../../../shared/errors.ts';
import { removeDir, tempDir } from './helpers.ts';

export interface LabChain {
  devnet: Devnet;
  server: DevnetServer;
  chainId: number;
  close(): Promise<void>;
}

export async function openLabChain(chainId = 4242): Promise<LabChain> {
  const root = tempDir('notarium-labchain-');
  const dir = join(root, 'devnet');
  mkdirSync(dir, { recursive: true });
  const genesis: DevnetGenesis = {
    format: 'notarium-devnet/1',
    devnetId: randomUUID(),
    chainId,
    hardfork: 'osaka',
    initialDate: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(),
    blockGasLimit: '60000000',
    initialBaseFeePerGas: '1000000000',
    coinbase: '0xc014ba5ec014ba5ec014ba5ec014ba5ec014ba5e',
    genesisHash: `0x${'00'.repeat(32)}`,
    createdWith: 'test/core/chain/lab-chain.ts',
  };
  const write = (): void => writeFileSync(join(dir, 'genesis.json'), JSON.stringify(genesis));
  write();
  try {
    await (await Devnet.open({ dir, durable: false, deployRegistry: false })).close();
  } catch (e) {
    if (!isNotariumError(e) || e.code !== 'DEVNET_REPLAY_MISMATCH' || typeof e.details?.actual !== 'string') throw e;
    genesis.genesisHash = e.details.actual;
    write();
  }
  const devnet = await Devnet.open({ dir, durable: false, deployRegistry: false });
  const server = await serveDevnet(devnet, { port: 0 });
  return {
    devnet,
    server,
    chainId,
    close: async () => {
      await server.close();
      await devnet.close();
      removeDir(root);
    },
  };
}
