import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DataDirLayout, defaultDataDir, resolveDataDir } from '../../main/core/paths.ts';

describe('defaultDataDir', () => {
  it('uses $XDG_CONFIG_HOME/Notarium on Linux when it is set and absolute', () => {
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/xdg/conf' }, 'linux', '/home/ada')).toBe('/xdg/conf/Notarium');
  });

  it('falls back to ~/.config/Notarium on Linux when XDG_CONFIG_HOME is unset, empty or relative', () => {
    expect(defaultDataDir({}, 'linux', '/home/ada')).toBe('/home/ada/.config/Notarium');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '' }, 'linux', '/home/ada')).toBe('/home/ada/.config/Notarium');
    expect(defaultDataDir({ XDG_CONFIG_HOME: 'conf' }, 'linux', '/home/ada')).toBe('/home/ada/.config/Notarium');
  });

  it('treats other Unixes like Linux', () => {
    expect(defaultDataDir({}, 'freebsd', '/home/ada')).toBe('/home/ada/.config/Notarium');
  });

  it('uses ~/Library/Application Support/Notarium on macOS, ignoring XDG', () => {
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/xdg' }, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Application Support/Notarium');
  });

  it('uses %APPDATA%\\Notarium on Windows, else <home>\\AppData\\Roaming\\Notarium', () => {
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ada')).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Notarium',
    );
    expect(defaultDataDir({}, 'win32', 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Roaming\\Notarium');
  });
});

describe('resolveDataDir', () => {
  const base = { cwd: '/work/here', platform: 'linux' as const, home: '/home/ada' };

  it('prefers the --data-dir flag over NOTARIUM_DATA_DIR and the default', () => {
    expect(resolveDataDir({ ...base, flag: '/flag/dir', env: { NOTARIUM_DATA_DIR: '/env/dir' } })).toBe('/flag/dir');
  });

  it('prefers NOTARIUM_DATA_DIR over the default', () => {
    expect(resolveDataDir({ ...base, env: { NOTARIUM_DATA_DIR: '/env/dir', XDG_CONFIG_HOME: '/xdg' } })).toBe('/env/dir');
  });

  it('falls back to the platform default when neither is set (an empty variable counts as unset)', () => {
    expect(resolveDataDir({ ...base, env: { NOTARIUM_DATA_DIR: '' } })).toBe('/home/ada/.config/Notarium');
  });

  it('returns absolute paths, resolving relative flag and variable against cwd', () => {
    expect(resolveDataDir({ ...base, flag: 'rel/dir', env: {} })).toBe(path.resolve('/work/here', 'rel/dir'));
    expect(resolveDataDir({ ...base, env: { NOTARIUM_DATA_DIR: './d' } })).toBe(path.resolve('/work/here', 'd'));
  });

  it('rejects an empty --data-dir flag with INVALID_INPUT', () => {
    expect(() => resolveDataDir({ ...base, flag: ' ', env: {} })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('DataDirLayout', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'notarium-paths-'));
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('names the fixed sub-paths of a data folder', () => {
    const layout = new DataDirLayout('/data/n');
    expect(layout.root).toBe(path.resolve('/data/n'));
    expect(layout.ledgerFile).toBe(path.join(layout.root, 'ledger.sqlite'));
    expect(layout.keysDir).toBe(path.join(layout.root, 'keys'));
    expect(layout.ipfsDir).toBe(path.join(layout.root, 'ipfs'));
    expect(layout.devnetDir).toBe(path.join(layout.root, 'devnet'));
    expect(layout.receiptsDir).toBe(path.join(layout.root, 'receipts'));
  });

  it.skipIf(process.platform === 'win32')('creates the folder and its subfolders with mode 0700, idempotently', async () => {
    const layout = new DataDirLayout(path.join(tmp, 'nested', 'Notarium'));
    await layout.ensure();
    await layout.ensure();
    for (const dir of [layout.root, layout.keysDir, layout.ipfsDir, layout.devnetDir, layout.receiptsDir]) {
      const s = await stat(dir);
      expect(s.isDirectory()).toBe(true);
      expect(s.mode & 0o777).toBe(0o700);
    }
  });

  it.skipIf(process.platform === 'win32')('isUnused is true for a missing or empty folder and creates nothing; ensureSync makes the layout (0700)', async () => {
    const layout = new DataDirLayout(path.join(tmp, 'later'));
    expect(await layout.isUnused()).toBe(true);
    await expect(stat(layout.root)).rejects.toMatchObject({ code: 'ENOENT' });
    await mkdir(layout.root);
    expect(await layout.isUnused()).toBe(true);
    layout.ensureSync();
    expect(await layout.isUnused()).toBe(false);
    for (const dir of [layout.keysDir, layout.ipfsDir, layout.devnetDir, layout.receiptsDir]) expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });
});
