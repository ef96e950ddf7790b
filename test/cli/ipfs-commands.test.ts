/**
 * `notarium car export|import`, `notarium ipfs serve` and `notarium ipfs gc` as a user
 * runs them (child processes, two data folders): a CAR moves a pinned object from one
 * folder to the other, bad input exits 2 with a stable code, `ipfs serve` prints its
 * 127.0.0.1 address and stops cleanly on SIGINT, and `ipfs gc` removes only unpinned blocks.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeliaBackend } from '../../main/core/ipfs/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../main/cli/bin.ts');

describe('notarium car / ipfs commands', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let siteA: string;
  let siteB: string;
  let cid: string;

  function run(dataDir: string, args: string[]): { status: number | null; json: () => Record<string, unknown>; stderr: string } {
    const r = spawnSync(process.execPath, [bin, '--data-dir', dataDir, ...args], { encoding: 'utf8', env: { ...process.env, NOTARIUM_NO_REEXEC: '1' }, timeout: 60_000 });
    return { status: r.status, json: () => JSON.parse(r.stdout) as Record<string, unknown>, stderr: r.stderr };
  }

  beforeAll(async () => {
    tmp = await tempDir();
    siteA = path.join(tmp.dir, 'site-a');
    siteB = path.join(tmp.dir, 'site-b');
    const node = await HeliaBackend.open(path.join(siteA, 'ipfs'));
    try {
      cid = (await node.addBytes(randomBytes(1_200_000))).cid.toString();
      await node.pin((await node.addBytes(randomBytes(10))).cid);
    } finally {
      await node.stop();
    }
  });

  afterAll(async () => {
    await tmp.cleanup();
  });

  it('car export writes a CAR for a CID; car import at another site pins it', async () => {
    const car = path.join(tmp.dir, 'one.car');
    const exported = run(siteA, ['--json', 'car', 'export', cid, '-o', car]);
    expect(exported.status).toBe(0);
    expect(exported.json()).toMatchObject({ path: car, roots: [cid], blocks: 3 });

    const imported = run(siteB, ['--json', 'car', 'import', car]);
    expect(imported.status).toBe(0);
    expect(imported.json()).toMatchObject({ roots: [cid], blocks: 3 });
    const node = await HeliaBackend.open(path.join(siteB, 'ipfs'));
    try {
      const { CID } = await import('multiformats/cid');
      expect(await node.isPinned(CID.parse(cid))).toBe(true);
    } finally {
      await node.stop();
    }
  });

  it('exits 2 with INVALID_INPUT for a file that is not a CAR and NOT_FOUND for an unknown ref', async () => {
    const junk = path.join(tmp.dir, 'junk.car');
    await writeFile(junk, 'not a car at all');
    const bad = run(siteB, ['--json', 'car', 'import', junk]);
    expect(bad.status).toBe(2);
    expect(bad.json()).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    const unknown = run(siteA, ['--json', 'car', 'export', 'no-such-dataset', '-o', path.join(tmp.dir, 'x.car')]);
    expect(unknown.status).toBe(2);
    expect(unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('car export refuses an existing --out file (exit 2, INVALID_INPUT naming it, file untouched) and replaces it with --force', async () => {
    const taken = path.join(tmp.dir, 'taken.car');
    await writeFile(taken, 'precious');
    const before = await readdir(tmp.dir);
    const refused = run(siteA, ['--json', 'car', 'export', cid, '-o', taken]);
    expect(refused.status).toBe(2);
    expect(refused.json()).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringContaining(taken) as unknown } });
    expect(await readFile(taken, 'utf8')).toBe('precious');
    expect(await readdir(tmp.dir)).toEqual(before);

    const forced = run(siteA, ['--json', 'car', 'export', cid, '-o', taken, '--force']);
    expect(forced.status).toBe(0);
    expect(forced.json()).toMatchObject({ path: taken, roots: [cid], blocks: 3 });
    expect((await readFile(taken)).length).toBe(forced.json()['fileBytes']);
  });

  it('car import of a truncated and of an altered CAR both exit 1 (the data does not check out), importing nothing', async () => {
    const car = path.join(tmp.dir, 'good.car');
    expect(run(siteA, ['--json', 'car', 'export', cid, '-o', car]).status).toBe(0);
    const bytes = await readFile(car);
    const truncated = path.join(tmp.dir, 'truncated.car');
    await writeFile(truncated, bytes.subarray(0, bytes.length - 1000));
    const altered = path.join(tmp.dir, 'altered.car');
    const flipped = Buffer.from(bytes);
    const at = Math.floor(flipped.length / 2);
    flipped[at] = (flipped[at] as number) ^ 0x01;
    await writeFile(altered, flipped);

    const siteC = path.join(tmp.dir, 'site-c');
    const t = run(siteC, ['--json', 'car', 'import', truncated]);
    expect(t.status).toBe(1);
    expect(t.json()).toMatchObject({ error: { code: 'INVALID_INPUT', details: { integrity: 'truncated' } } });
    const a = run(siteC, ['--json', 'car', 'import', altered]);
    expect(a.status).toBe(1);
    expect(a.json()).toMatchObject({ error: { code: 'CID_MISMATCH', details: { integrity: 'altered' } } });
    const blocks = await readdir(path.join(siteC, 'ipfs', 'blocks'), { recursive: true, withFileTypes: true }).catch(() => []);
    expect(blocks.filter((e) => e.isFile())).toEqual([]);
  });

  it('ipfs serve prints its 127.0.0.1 multiaddr and exits 0 on SIGINT', async () => {
    const child = spawn(process.execPath, [bin, '--data-dir', siteA, '--json', 'ipfs', 'serve', '--listen', '/ip4/127.0.0.1/tcp/0'], { env: { ...process.env, NOTARIUM_NO_REEXEC: '1' } });
    let stdout = '';
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0] as string);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before printing: ${stdout}`)));
    });
    const { addresses } = JSON.parse(line) as { addresses: string[] };
    expect(addresses[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW/);
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
  });

  it('ipfs gc deletes unpinned blocks, keeps every pinned one, and exits 2 for a bad --grace', async () => {
    const { CID } = await import('multiformats/cid');
    let node = await HeliaBackend.open(path.join(siteA, 'ipfs'));
    let junk: string;
    try {
      await node.pin(CID.parse(cid));
      junk = (await node.addBytes(randomBytes(1_500_000))).cid.toString();
    } finally {
      await node.stop();
    }
    const bad = run(siteA, ['--json', 'ipfs', 'gc', '--grace', 'soon']);
    expect(bad.status).toBe(2);
    expect(bad.json()).toMatchObject({ error: { code: 'INVALID_INPUT' } });

    const kept = run(siteA, ['--json', 'ipfs', 'gc']);
    expect(kept.status).toBe(0);
    expect(kept.json()).toMatchObject({ removedBlocks: 0, keptBlocks: 3 });
    const gc = run(siteA, ['--json', 'ipfs', 'gc', '--grace', '0']);
    expect(gc.status).toBe(0);
    expect(gc.json()).toMatchObject({ removedBlocks: 3, pinnedBlocks: 4, keptBlocks: 0 });
    node = await HeliaBackend.open(path.join(siteA, 'ipfs'));
    try {
      expect(await node.has(CID.parse(junk))).toBe(false);
      const parts: Uint8Array[] = [];
      for await (const part of node.cat(CID.parse(cid))) parts.push(part);
      expect(Buffer.concat(parts).length).toBe(1_200_000);
    } finally {
      await node.stop();
    }
  });
});
