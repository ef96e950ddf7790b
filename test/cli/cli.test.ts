/**
 * The `notarium` command line as a user runs it (a child process): exit codes, --json,
 * clear typed errors for bad input, and nothing stored when input is rejected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Notarium } from '../../main/core/notarium.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../main/cli/bin.ts');

describe('notarium CLI', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let dataDir: string;
  let folder: string;

  function run(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string; json: () => Record<string, unknown> } {
    const r = spawnSync(process.execPath, [bin, ...args], {
      encoding: 'utf8',
      env: { ...process.env, NOTARIUM_DATA_DIR: dataDir, NOTARIUM_PASSPHRASE: TEST_PASSPHRASE, ...env },
      timeout: 120_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) as Record<string, unknown> };
  }

  async function datasetCount(): Promise<number> {
    const r = run(['--json', 'datasets']);
    return (JSON.parse(r.stdout) as unknown[]).length;
  }

  beforeAll(async () => {
    tmp = await tempDir();
    dataDir = path.join(tmp.dir, 'data');
    folder = path.join(tmp.dir, 'ds');
    await mkdir(path.join(folder, 'sub'), { recursive: true });
    await writeFile(path.join(folder, 'a.csv'), 'subject,age\nS1,42\n');
    await writeFile(path.join(folder, 'sub', 'b.txt'), 'hello');
    const n = await Notarium.open({ dataDir, scryptN: TEST_SCRYPT_N });
    await n.init(TEST_PASSPHRASE);
    await n.close();
  });

  afterAll(async () => {
    await tmp.cleanup();
  });

  it('cid prints the unixfs-v1-2025 CID of "hello world" as Kubo would', async () => {
    const f = path.join(tmp.dir, 'hw.txt');
    await writeFile(f, 'hello world');
    const r = run(['cid', f]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e');
  });

  it('notarize --json prints the receipt path and root; verify exits 0; verify of a tampered file exits 1', async () => {
    const out = path.join(tmp.dir, 'r.json');
    const r = run(['--json', 'notarize', folder, '--title', 'CLI dataset', '--receipt-out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const res = r.json();
    expect(res['receiptPath']).toBe(out);
    expect(res['root']).toMatch(/^0x[0-9a-f]{64}$/);
    const v = run(['--json', 'verify', folder, '--receipt', out]);
    expect(v.status).toBe(0);
    expect(v.json()['ok']).toBe(true);
    await writeFile(path.join(folder, 'a.csv'), 'subject,age\nS1,43\n');
    const t = run(['verify', folder, '--receipt', out]);
    expect(t.status).toBe(1);
    expect(t.stdout).toMatch(/NOT VERIFIED/);
    expect(t.stdout).toMatch(/\[FAIL\] a\.csv — Content differs/);
    await writeFile(path.join(folder, 'a.csv'), 'subject,age\nS1,42\n');
    const off = run(['verify', path.join(folder, 'a.csv'), '--receipt', out, '--offline']);
    expect(off.status).toBe(0);
    expect(off.stdout).toMatch(/NOT checked \(offline\)/);
  });

  it('missing title: usage error, exit 2, nothing stored', async () => {
    const before = await datasetCount();
    const r = run(['notarize', folder]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--title/);
    expect(await datasetCount()).toBe(before);
  });

  it('bad inputs give a typed error with exit 2 and store nothing', async () => {
    const before = await datasetCount();
    const cases: [string[], string][] = [
      [['--json', 'notarize', path.join(tmp.dir, 'nope'), '--title', 'x'], 'NOT_FOUND'],
      [['--json', 'notarize', folder, '--title', '   '], 'INVALID_INPUT'],
      [['--json', 'notarize', folder, '--title', 'x', '--orcid', '1234'], 'INVALID_INPUT'],
      [['--json', 'notarize', folder, '--title', 'x', '--recipient', 'age1notarecipient'], 'INVALID_INPUT'],
      [['--json', 'notarize', folder, '--title', 'x', '--confirmations', '-3'], 'INVALID_INPUT'],
    ];
    for (const [args, code] of cases) {
      const r = run(args);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect((r.json()['error'] as { code: string }).code).toBe(code);
    }
    expect(await datasetCount()).toBe(before);
  });

  it('a bad second recipient is named --recipient #2, as people count and as the option is named (not zod\'s recipients.1)', () => {
    const good = 'age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq';
    const r = run(['notarize', folder, '--title', 'x', '--recipient', good, '--recipient', 'age1notarecipient']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/- --recipient #2: .*\[INVALID_INPUT\]/s);
    expect(r.stderr).not.toMatch(/recipients\.1/);
    // The API's field names stay in --json, with zod's path for programs.
    const j = run(['--json', 'notarize', folder, '--title', 'x', '--recipient', good, '--recipient', 'age1notarecipient']);
    expect(JSON.parse(j.stdout)).toMatchObject({ error: { code: 'INVALID_INPUT', details: { issues: [{ path: 'recipients.1', field: 'recipients #2' }] } } });
    // A bad --orcid is named --orcid, not authorOrcid.
    const o = run(['notarize', folder, '--title', 'x', '--orcid', '1234']);
    expect(o.status).toBe(2);
    expect(o.stderr).toMatch(/- --orcid: /);
    expect(o.stderr).not.toMatch(/authorOrcid/);
  });

  it('wrong passphrase: WRONG_PASSPHRASE, exit 2, no dataset and no IPFS blocks added', async () => {
    const before = await datasetCount();
    const blocksBefore = await readdir(path.join(dataDir, 'ipfs'), { recursive: true });
    const r = run(['--json', 'notarize', folder, '--title', 'x'], { NOTARIUM_PASSPHRASE: 'not the passphrase' });
    expect(r.status).toBe(2);
    expect((r.json()['error'] as { code: string }).code).toBe('WRONG_PASSPHRASE');
    expect(await datasetCount()).toBe(before);
    expect(await readdir(path.join(dataDir, 'ipfs'), { recursive: true })).toEqual(blocksBefore);
  });

  it('init twice: ACCOUNT_EXISTS and the keys are unchanged', async () => {
    const keystore = await readFile(path.join(dataDir, 'keys', 'ethereum.json'), 'utf8');
    const r = run(['--json', 'init']);
    expect(r.status).toBe(2);
    expect((r.json()['error'] as { code: string }).code).toBe('ACCOUNT_EXISTS');
    expect(await readFile(path.join(dataDir, 'keys', 'ethereum.json'), 'utf8')).toBe(keystore);
  });

  it('on a missing or empty data folder, commands fail with ACCOUNT_MISSING (or list nothing) and leave nothing behind; init then creates the layout', async () => {
    const missing = path.join(tmp.dir, 'no-such-data');
    const empty = path.join(tmp.dir, 'empty-data');
    await mkdir(empty);
    const fails: string[][] = [
      ['--json', 'notarize', folder, '--title', 'x'],
      ['--json', 'share', `0x${'ab'.repeat(32)}`, '--recipient', 'age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq'],
      ['--json', 'account'],
    ];
    for (const dir of [missing, empty]) {
      for (const args of fails) {
        const r = run(args, { NOTARIUM_DATA_DIR: dir });
        expect({ args, status: r.status, code: (r.json()['error'] as { code: string }).code }).toEqual({ args, status: 2, code: 'ACCOUNT_MISSING' });
      }
      // Looking a dataset up in a ledger that does not exist yet finds nothing and makes nothing.
      const root = `0x${'cd'.repeat(32)}`;
      for (const args of [['--json', 'retrieve', root, '--out', path.join(tmp.dir, 'never')], ['--json', 'receipt', root, '-o', path.join(tmp.dir, 'never.json')], ['--json', 'car', 'export', root, '-o', path.join(tmp.dir, 'never.car')], ['--json', 'rekey', root]]) {
        const r = run(args, { NOTARIUM_DATA_DIR: dir });
        expect({ args, status: r.status, code: (r.json()['error'] as { code: string }).code }).toEqual({ args, status: 2, code: 'NOT_FOUND' });
      }
      const list = run(['--json', 'datasets'], { NOTARIUM_DATA_DIR: dir });
      expect(list.status).toBe(0);
      expect(list.json()).toEqual([]);
      expect(run(['--json', 'pending'], { NOTARIUM_DATA_DIR: dir }).status).toBe(0);
    }
    expect(await readdir(missing).catch((e: NodeJS.ErrnoException) => e.code)).toBe('ENOENT');
    expect(await readdir(empty)).toEqual([]);
    expect((await readdir(tmp.dir)).filter((n) => n.startsWith('never'))).toEqual([]);

    const init = run(['--json', 'init'], { NOTARIUM_DATA_DIR: missing });
    expect(init.status).toBe(0);
    expect((await readdir(missing)).sort()).toEqual(expect.arrayContaining(['devnet', 'ipfs', 'keys', 'receipts']));
    expect(await readdir(path.join(missing, 'keys'))).toContain('account.json');
  });

  it('verify with a file that is not a receipt: RECEIPT_INVALID, exit 2', async () => {
    const bogus = path.join(tmp.dir, 'bogus.json');
    await writeFile(bogus, '{"format":"something-else"}');
    const r = run(['verify', folder, '--receipt', bogus]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not a Notarium receipt.*\[RECEIPT_INVALID\]/);
  });

  it('retrieve into a non-empty folder is refused before anything is written, and before the passphrase is asked for', async () => {
    const out = path.join(tmp.dir, 'r.json');
    const target = path.join(tmp.dir, 'busy');
    await mkdir(target);
    await writeFile(path.join(target, 'keep.txt'), 'mine');
    const r = run(['--json', 'retrieve', out, '--out', target]);
    expect(r.status).toBe(2);
    expect(r.json()['error']).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('is not empty') });
    expect(await readdir(target)).toEqual(['keep.txt']);
    // No passphrase at hand: the folder is still what is reported (checked first).
    const early = run(['--json', 'retrieve', out, '--out', target], { NOTARIUM_PASSPHRASE: '' });
    expect(early.json()['error']).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('is not empty') });
    // A file where the folder should be: refused the same way.
    const file = path.join(tmp.dir, 'a-file');
    await writeFile(file, 'x');
    expect(run(['--json', 'retrieve', out, '--out', file], { NOTARIUM_PASSPHRASE: '' }).json()['error']).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('is a file, not a folder') });
  });

  it('retrieve of a source that does not exist says so before asking for the passphrase', () => {
    const missing = path.join(tmp.dir, 'no-such-receipt.json');
    const r = run(['--json', 'retrieve', missing, '--out', path.join(tmp.dir, 'never-made')], { NOTARIUM_PASSPHRASE: '' });
    expect(r.status).toBe(2);
    expect(r.json()['error']).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(missing) });
  });

  it('a command without an account says how to create one', async () => {
    const r = run(['--json', 'account'], { NOTARIUM_DATA_DIR: path.join(tmp.dir, 'fresh') });
    expect(r.status).toBe(2);
    expect((r.json()['error'] as { code: string }).code).toBe('ACCOUNT_MISSING');
  });
});
