import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Notarium } from '../../main/core/notarium.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../main/cli/bin.ts');

describe('notarium draft / sign / anchor', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  const run = (dataDir: string, args: string[]): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NOTARIUM_DATA_DIR: dataDir, NOTARIUM_PASSPHRASE: TEST_PASSPHRASE }, timeout: 120_000 });

  beforeAll(async () => {
    tmp = await tempDir();
    for (const who of ['lab', 'bob']) {
      const n = await Notarium.open({ dataDir: path.join(tmp.dir, who), scryptN: TEST_SCRYPT_N });
      await n.init(TEST_PASSPHRASE);
      await n.close();
    }
    await mkdir(path.join(tmp.dir, 'ds'));
    await writeFile(path.join(tmp.dir, 'ds', 'x.csv'), 'a,b\n1,2\n');
  });
  afterAll(async () => tmp.cleanup());

  it('runs the offline co-signing flow end to end and lists who is missing', async () => {
    const lab = path.join(tmp.dir, 'lab');
    const bob = path.join(tmp.dir, 'bob');
    const bobAddr = (JSON.parse(run(bob, ['--json', 'account']).stdout) as { address: string }).address;
    const labAddr = (JSON.parse(run(lab, ['--json', 'account']).stdout) as { address: string }).address;
    const draftPath = path.join(tmp.dir, 'd.notarium-draft.json');
    const d = run(lab, ['--json', 'draft', path.join(tmp.dir, 'ds'), '-t', 'Shared', '-a', `${labAddr}:Lab`, '-a', `${bobAddr}:Bob:0000-0002-1825-0097`, '-o', draftPath]);
    expect(d.status).toBe(0);
    const badOrcid = run(lab, ['--json', 'draft', path.join(tmp.dir, 'ds'), '-t', 'x', '-a', `${bobAddr}:Bob:0000-0002-1825-0098`]);
    expect(badOrcid.status).toBe(2);
    expect(badOrcid.stdout).toMatch(/check digit/);

    const missing = run(lab, ['anchor', draftPath]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/missing: Bob 0x/);

    const unsignedNoTty = run(bob, ['sign', draftPath]);
    expect(unsignedNoTty.status).toBe(2);
    const s = run(bob, ['--json', 'sign', draftPath, '--yes']);
    expect(s.status).toBe(0);
    const sigPath = (JSON.parse(s.stdout) as { signaturePath: string }).signaturePath;
    const a = run(lab, ['--json', 'anchor', draftPath, '--signatures', sigPath]);
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    const receiptPath = (JSON.parse(a.stdout) as { receiptPath: string }).receiptPath;
    const v = run(bob, ['verify', path.join(tmp.dir, 'ds'), '--receipt', receiptPath, '--offline']);
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/author Bob .*ORCID 0000-0002-1825-0097/);
  });

  it('rekey takes the receipt file; `datasets` then marks the old version superseded', async () => {
    const bob = path.join(tmp.dir, 'bob');
    await mkdir(path.join(tmp.dir, 'solo'));
    await writeFile(path.join(tmp.dir, 'solo', 'y.csv'), 'c\n3\n');
    const first = run(bob, ['--json', 'notarize', path.join(tmp.dir, 'solo'), '-t', 'Solo']);
    expect(first.status).toBe(0);
    const { receiptPath, root } = JSON.parse(first.stdout) as { receiptPath: string; root: string };
    const r = run(bob, ['--json', 'rekey', receiptPath, '-o', path.join(tmp.dir, 'solo-v2.notarium-receipt.json')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const listed = run(bob, ['datasets']).stdout;
    expect(listed).toMatch(/Solo {2}\[anchored, superseded\]/);
    expect(listed).toMatch(new RegExp(`root ${root}\n {2}superseded by the newer version 0x[0-9a-f]{64}`));
  });
});
