/**
 * `notarium settings`: the effective settings, each key the lab's managed file fixes marked
 * [locked], and the warning of a refused file. The managed file's location is the OS's (not
 * injectable from the command line, on purpose), so the marked output is checked on effective
 * settings built from a real temp file, and the command itself on this machine's (absent) file.
 */
import { spawnSync } from 'node:child_process';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyManagedSettings, loadManagedSettings } from '../../main/core/managed-settings/index.ts';
import { formatSettings, settingsView } from '../../main/cli/settings-commands.ts';
import { tempDir } from '../helpers/tmp.ts';

const bin = path.resolve(import.meta.dirname, '../../main/cli/bin.ts');

describe('notarium settings', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir('notarium-cli-settings-');
  });
  afterAll(async () => {
    await tmp.cleanup();
  });

  async function managed(policy: unknown, uid = 0): Promise<string> {
    const dir = path.join(tmp.dir, `etc-${Math.random().toString(36).slice(2)}`);
    await mkdir(dir);
    const file = path.join(dir, 'managed.json');
    await writeFile(file, JSON.stringify(policy));
    await chmod(file, 0o644);
    if (process.getuid?.() === 0) await chown(file, uid, uid);
    return file;
  }

  it('marks every key the managed file fixes as [locked], and only those', async () => {
    const file = await managed({ network: { name: 'sepolia', chainId: 11155111, rpcUrl: 'https://rpc.lab.example', registry: '0x5FbDB2315678afecb367f032d93F642f64180aa3' }, allowPublicMode: false, allowedNetworks: [11155111] });
    const e = applyManagedSettings({ ipfs: { backend: 'embedded', networking: { mode: 'off' } } }, await loadManagedSettings({ file }));
    const text = formatSettings(e);
    expect(text).toContain(`Managed settings:   ${file} (applied)`);
    expect(text).toMatch(/^Network: +sepolia, chain 11155111, https:\/\/rpc\.lab\.example {2}\[locked\]$/m);
    expect(text).toMatch(/^Public mode: +not allowed {2}\[locked\]$/m);
    expect(text).toMatch(/^Allowed networks: +chain ids 11155111 {2}\[locked\]$/m);
    expect(text).toMatch(/^IPFS: +embedded node, networking off$/m);
    expect(text).toMatch(/^Default recipients: +none$/m);
    expect(settingsView(e)).toMatchObject({ locked: ['network', 'allowedNetworks', 'allowPublicMode'], managed: { file, status: 'applied', warnings: [] } });
  });

  it.runIf(process.getuid?.() === 0)('shows the warning of a refused file and locks nothing', async () => {
    const file = await managed({ allowPublicMode: false }, 1000);
    const e = applyManagedSettings({}, await loadManagedSettings({ file }));
    const text = formatSettings(e);
    expect(text).toContain('(REFUSED)');
    expect(text).toMatch(/warning: .*owned by uid 1000/);
    expect(text).not.toContain('[locked]');
  });

  it('says when a broken managed file disables anchoring', async () => {
    const file = await managed({ allowPublicMode: 'nope' });
    expect(formatSettings(applyManagedSettings({}, await loadManagedSettings({ file })))).toMatch(/\(INVALID\)[\s\S]*DISABLED until the managed settings file is fixed/);
  });

  it('runs as a command: human text and one --json document', () => {
    const env = { ...process.env, NOTARIUM_DATA_DIR: path.join(tmp.dir, 'data') };
    const human = spawnSync(process.execPath, [bin, 'settings'], { encoding: 'utf8', env });
    expect(human.status, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^Network: +embedded local devnet \(chain 31337\)$/m);
    const json = spawnSync(process.execPath, [bin, '--json', 'settings'], { encoding: 'utf8', env });
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ settings: {}, policy: { allowPublicMode: true, allowedChainIds: null } });
  });
});
