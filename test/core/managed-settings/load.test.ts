/**
 * The managed settings file is trusted only when no ordinary user could have written it:
 * real files in a temp folder, chowned and chmodded as an attacker or a careless admin
 * would leave them (the tests run as root, so they can give files to other uids).
 */
import { spawnSync } from 'node:child_process';
import { chmod, chown, mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultManagedSettingsFile, loadManagedSettings, untrustedReason } from '../../../main/core/managed-settings/index.ts';
import { tempDir } from '../../helpers/tmp.ts';

const isRoot = process.getuid?.() === 0;
const posix = process.platform !== 'win32';

describe('loading the managed settings file', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let steward: string;
  let n = 0;

  /** A policy file in its own root-owned 0755 folder, with `mode` and owner `uid`. */
  async function policyFile(content: unknown, mode = 0o644, uid = 0): Promise<string> {
    const dir = path.join(tmp.dir, `etc-${n++}`);
    await mkdir(dir, { mode: 0o755 });
    const file = path.join(dir, 'managed.json');
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
    await chmod(file, mode);
    if (isRoot) await chown(file, uid, uid);
    return file;
  }

  const policy = (): Record<string, unknown> => ({
    network: { name: 'sepolia', chainId: 11155111, rpcUrl: 'https://rpc.example.org', registry: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
    confirmations: 3,
    allowedNetworks: [11155111],
    allowPublicMode: false,
    defaultRecipients: [steward],
    autoLockMinutes: 10,
  });

  beforeAll(async () => {
    tmp = await tempDir('notarium-managed-');
    steward = await identityToRecipient(await generateIdentity());
  });

  afterAll(async () => {
    await tmp.cleanup();
  });

  it('reports absent when there is no file, and reads nothing else', async () => {
    const s = await loadManagedSettings({ file: path.join(tmp.dir, 'none', 'managed.json') });
    expect(s).toEqual({ file: path.join(tmp.dir, 'none', 'managed.json'), status: 'absent', settings: null, warnings: [] });
  });

  it.runIf(posix)('applies a root-owned regular file with mode 0644 or 0600', async () => {
    for (const mode of [0o644, 0o600, 0o400]) {
      const file = await policyFile(policy(), mode);
      const s = await loadManagedSettings({ file });
      expect(s.status, mode.toString(8)).toBe('applied');
      expect(s.warnings).toEqual([]);
      expect(s.settings?.allowPublicMode).toBe(false);
      expect(s.settings?.defaultRecipients).toEqual([steward]);
      expect(s.settings?.network?.chainId).toBe(11155111);
    }
  });

  it.runIf(posix && isRoot)('refuses a file owned by an ordinary user, with a warning naming the owner', async () => {
    const file = await policyFile(policy(), 0o644, 1000);
    const s = await loadManagedSettings({ file });
    expect(s.status).toBe('refused');
    expect(s.settings).toBeNull();
    expect(s.warnings.join('\n')).toMatch(/owned by uid 1000, not by root/);
    expect(s.warnings.join('\n')).toContain(file);
  });

  it.runIf(posix)('refuses a root-owned file that group or others may write', async () => {
    for (const mode of [0o664, 0o646, 0o666, 0o660]) {
      const file = await policyFile(policy(), mode);
      const s = await loadManagedSettings({ file });
      expect(s.status, mode.toString(8)).toBe('refused');
      expect(s.warnings[0]).toMatch(/writable by group or others \(mode 0\d{3}\)/);
    }
  });

  it.runIf(posix)('refuses a symbolic link, even to a trusted root-owned file', async () => {
    const target = await policyFile(policy());
    const link = path.join(path.dirname(target), 'link.json');
    await symlink(target, link);
    const s = await loadManagedSettings({ file: link });
    expect(s.status).toBe('refused');
    expect(s.warnings[0]).toMatch(/symbolic link/);
  });

  it.runIf(posix)('refuses a folder and a FIFO at that path without hanging', async () => {
    const dir = path.join(tmp.dir, 'dir-as-file');
    await mkdir(dir);
    expect((await loadManagedSettings({ file: dir })).status).toBe('refused');
    const fifo = path.join(tmp.dir, 'fifo.json');
    expect(spawnSync('mkfifo', ['-m', '0644', fifo]).status).toBe(0);
    const s = await loadManagedSettings({ file: fifo });
    expect(s.status).toBe('refused');
    expect(s.warnings[0]).toMatch(/not a regular file/);
  });

  it.runIf(posix)('marks a trusted but broken file invalid (never silently ignored) and says restricted operations stop', async () => {
    const cases: unknown[] = ['{ not json', [], { allowPublicMode: 'no' }, { alowPublicMode: false }, { defaultRecipients: ['age1notarecipient'] }, { network: { name: 'x', chainId: 5 }, allowedNetworks: [1] }, 'x'.repeat(70_000)];
    for (const c of cases) {
      const file = await policyFile(c);
      const s = await loadManagedSettings({ file });
      expect(s.status, JSON.stringify(c).slice(0, 60)).toBe('invalid');
      expect(s.settings).toBeNull();
      expect(s.warnings[0]).toMatch(/disabled until IT fixes it/);
    }
  });

  it('on Windows checks no POSIX owner (the folder ACL protects it) but still refuses links', async () => {
    const file = await policyFile(policy(), 0o666, 1000);
    expect((await loadManagedSettings({ file, platform: 'win32' })).status).toBe('applied');
    const link = path.join(path.dirname(file), 'link.json');
    await symlink(file, link);
    expect((await loadManagedSettings({ file: link, platform: 'win32' })).status).toBe('refused');
  });

  it('writes nothing: the folder holds exactly what the test put there, unchanged', async () => {
    const file = await policyFile(policy());
    const before = await stat(file);
    await loadManagedSettings({ file });
    expect(await readdir(path.dirname(file))).toEqual(['managed.json']);
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
  });

  it('looks in the documented place of each OS', () => {
    expect(defaultManagedSettingsFile('linux')).toBe('/etc/notarium/managed.json');
    expect(defaultManagedSettingsFile('darwin')).toBe('/Library/Application Support/Notarium/managed.json');
    expect(defaultManagedSettingsFile('win32', { ProgramData: 'D:\\PD' })).toBe('D:\\PD\\Notarium\\managed.json');
    expect(defaultManagedSettingsFile('win32', {})).toBe('C:\\ProgramData\\Notarium\\managed.json');
  });

  it('explains each untrusted stat in words', () => {
    const st = (uid: number, mode: number, file = true) => ({ uid, mode, isFile: () => file });
    expect(untrustedReason(st(0, 0o100644))).toBeNull();
    expect(untrustedReason(st(501, 0o100644))).toMatch(/uid 501/);
    expect(untrustedReason(st(0, 0o100620))).toMatch(/mode 0620/);
    expect(untrustedReason(st(0, 0o40755, false))).toMatch(/not a regular file/);
    expect(untrustedReason(st(501, 0o100644), [0, 501])).toBeNull();
  });
});
