/**
 * `notarium account export` / `account import` as a user runs them (child processes): the
 * backup restores the same account into a new data folder; a wrong backup passphrase and an
 * existing account are refused with exit status 2 and nothing written.
 */
import { spawnSync } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notarium } from '../../main/core/notarium.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

const bin = path.resolve(import.meta.dirname, '../../main/cli/bin.ts');
const BACKUP_PASSPHRASE = 'a separate backup passphrase';

describe('notarium account export / import', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let address: string;

  function run(dataDir: string, args: string[], env: Record<string, string> = {}) {
    const r = spawnSync(process.execPath, [bin, '--data-dir', dataDir, ...args], {
      encoding: 'utf8',
      env: { ...process.env, NOTARIUM_PASSPHRASE: TEST_PASSPHRASE, NOTARIUM_BACKUP_PASSPHRASE: BACKUP_PASSPHRASE, ...env },
      timeout: 120_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  beforeAll(async () => {
    tmp = await tempDir('notarium-cli-account-');
    const n = await Notarium.open({ dataDir: path.join(tmp.dir, 'old'), scryptN: TEST_SCRYPT_N });
    address = (await n.init(TEST_PASSPHRASE)).address;
    await n.close();
  });
  afterAll(async () => {
    await tmp.cleanup();
  });

  it('exports one 0600 age file and restores the same account elsewhere', async () => {
    const backup = path.join(tmp.dir, 'account.age');
    const ex = run(path.join(tmp.dir, 'old'), ['--json', 'account', 'export', '--out', backup]);
    expect(ex.status, ex.stderr + ex.stdout).toBe(0);
    expect(JSON.parse(ex.stdout)).toMatchObject({ path: backup, account: { address }, backupPassphrase: 'separate' });
    expect((await readFile(backup, 'utf8')).startsWith('-----BEGIN AGE ENCRYPTED FILE-----')).toBe(true);
    expect((await stat(backup)).mode & 0o777).toBe(0o600);

    const newDir = path.join(tmp.dir, 'new');
    const wrong = run(newDir, ['account', 'import', backup], { NOTARIUM_BACKUP_PASSPHRASE: 'not the backup passphrase' });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/WRONG_PASSPHRASE/);
    // A refused import leaves nothing behind: the new data folder is not even created.
    expect(await readdir(newDir).catch((e: NodeJS.ErrnoException) => e.code)).toBe('ENOENT');

    const im = run(newDir, ['--json', 'account', 'import', backup]);
    expect(im.status, im.stderr + im.stdout).toBe(0);
    expect(JSON.parse(im.stdout)).toMatchObject({ address });
    const shown = run(newDir, ['--json', 'account']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ address });

    const again = run(newDir, ['account', 'import', backup]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/ACCOUNT_EXISTS/);
  });

  it('without a separate backup passphrase, the account passphrase protects the backup', () => {
    const backup = path.join(tmp.dir, 'same.age');
    const env = { NOTARIUM_BACKUP_PASSPHRASE: '' };
    expect(run(path.join(tmp.dir, 'old'), ['account', 'export', '--out', backup], env).status).toBe(0);
    const im = run(path.join(tmp.dir, 'third'), ['--json', 'account', 'import', backup], env);
    expect(im.status, im.stderr).toBe(0);
    expect(JSON.parse(im.stdout)).toMatchObject({ address });
  });
});
