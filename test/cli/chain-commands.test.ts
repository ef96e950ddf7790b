/**
 * The chain commands as a user runs them (a child process of the real CLI), against a stand-in
 * public chain (EDR with chain id 4242, served on 127.0.0.1 by this test process).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEther } from 'ethers';
import { Notarium } from '../../main/core/notarium.ts';
import { openLabChain } from '../core/chain/lab-chain.ts';
import type { LabChain } from '../core/chain/lab-chain.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../main/cli/bin.ts');

/** Runs the CLI without a terminal (stdin is not a TTY), asynchronously: the chain it talks to runs in this process. */
function cli(dataDir: string, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NOTARIUM_DATA_DIR: dataDir, NOTARIUM_PASSPHRASE: TEST_PASSPHRASE }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

describe('notarium networks / deploy / notarize --yes / pending', () => {
  let lab: LabChain;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let dataDir: string;
  let address: string;

  beforeAll(async () => {
    lab = await openLabChain();
    tmp = await tempDir('notarium-cli-chain-');
    dataDir = path.join(tmp.dir, 'data');
    const n = await Notarium.open({ dataDir, scryptN: TEST_SCRYPT_N });
    address = (await n.init(TEST_PASSPHRASE)).address;
    await n.close();
    await lab.devnet.fund(address, parseEther('5'));
    await mkdir(path.join(tmp.dir, 'ds'));
    await writeFile(path.join(tmp.dir, 'ds', 'x.csv'), 'a,b\n1,2\n');
  });

  afterAll(async () => {
    await lab.close();
    await tmp.cleanup();
  });

  it('lists the presets with their chain ids', async () => {
    const r = await cli(dataDir, ['--json', 'networks']);
    expect(r.status).toBe(0);
    const list = JSON.parse(r.stdout) as { id: string; chainId: string }[];
    expect(Object.fromEntries(list.map((p) => [p.id, p.chainId]))).toEqual({
      devnet: '31337', sepolia: '11155111', ethereum: '1', base: '8453', optimism: '10', arbitrum: '42161', polygon: '137', gnosis: '100',
    });
  });

  it('refuses to deploy without a terminal unless --yes, then deploys with --yes, printing the quote, and records it', async () => {
    const args = ['--rpc', lab.server.url, 'deploy', '--network', 'lab', '--chain-id', String(lab.chainId)];
    const refused = await cli(dataDir, args);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/pass --yes/);
    expect(await lab.devnet.provider.getTransactionCount(address)).toBe(0);

    const mismatch = await cli(dataDir, ['--rpc', lab.server.url, 'deploy', '--network', 'sepolia', '--yes']);
    expect(mismatch.status).toBe(2);
    expect(mismatch.stderr).toMatch(/serves chain 4242, expected 11155111 \[CHAIN_ID_MISMATCH\]/);

    const deployed = await cli(dataDir, [...args, '--yes']);
    expect(deployed.stderr).toMatch(/Deploying the NotaryRegistry on lab \(chain 4242\)/);
    expect(deployed.stderr).toMatch(/at most: +[\d.]+ ETH \([\d,]+ wei\)/);
    expect(deployed.status).toBe(0);
    expect(deployed.stdout).toMatch(/NotaryRegistry deployed on lab \(chain 4242\)/);
    const settings = JSON.parse(await readFile(path.join(dataDir, 'settings.json'), 'utf8')) as { network: { registry: string; rpcUrl: string } };
    expect(settings.network.rpcUrl).toBe(lab.server.url);
    expect(deployed.stdout).toContain(settings.network.registry);
  });

  it('makes notarize on a public chain fail fast without a terminal or --yes, and anchor with --yes', async () => {
    const ds = path.join(tmp.dir, 'ds');
    const refused = await cli(dataDir, ['notarize', ds, '-t', 'CLI public']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);
    expect(JSON.parse((await cli(dataDir, ['--json', 'datasets'])).stdout)).toEqual([]);

    const ok = await cli(dataDir, ['--json', 'notarize', ds, '-t', 'CLI public', '--yes']);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ chainId: '4242', local: false, network: 'lab' });
    const pending = await cli(dataDir, ['pending']);
    expect(pending.stdout).toMatch(/No unfinished anchorings/);
  });
});
