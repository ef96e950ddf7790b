/**
 * Garbage collection never deletes a block of a pinned dataset — the regression test for
 * Helia's pitfall where `pins.add(cid)` returns a lazy generator that pins nothing unless
 * it is drained. Real Helia nodes on disk: files over 1 MiB (a dag-pb root over 1 MiB raw
 * leaves), unpinned garbage, a leaf shared by a pinned file and a garbage file; then GC,
 * then every block of every pinned DAG is walked. The same check run after an undrained
 * `pins.add` reports lost blocks, so it does catch the pitfall. Last, through the service:
 * notarize on the embedded devnet, gc, retrieve.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as dagPb from '@ipld/dag-pb';
import type { CID } from 'multiformats/cid';
import { afterEach, describe, expect, it } from 'vitest';
import { HeliaBackend, PinningServiceClient, RemotePinningBackend } from '../../../main/core/ipfs/index.ts';
import { KuboBackend } from '../../../main/core/ipfs/kubo-backend.ts';
import { Notarium } from '../../../main/core/notarium.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../../helpers/tmp.ts';
import { replayServer } from './rpc-replay.ts';
import { removeAll, tempFolder } from './temp-folder.ts';

const MiB = 1024 * 1024;

/** Every block CID of the DAG under `root` (walked from disk: fails if one is missing). */
async function dagBlocks(node: HeliaBackend, root: CID): Promise<CID[]> {
  const seen = new Map<string, CID>();
  const stack = [root];
  for (let cid = stack.pop(); cid !== undefined; cid = stack.pop()) {
    if (seen.has(cid.toString())) continue;
    seen.set(cid.toString(), cid);
    if (cid.code === dagPb.code) for (const link of dagPb.decode(await node.getBlock(cid)).Links) stack.push(link.Hash);
  }
  return [...seen.values()];
}

/** The blocks of `blocks` that are no longer stored, as strings (empty: the DAG is whole). */
async function lostBlocks(node: HeliaBackend, blocks: readonly CID[]): Promise<string[]> {
  const lost: string[] = [];
  for (const cid of blocks) if (!(await node.has(cid))) lost.push(cid.toString());
  return lost;
}

async function catAll(node: HeliaBackend, cid: CID): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of node.cat(cid)) parts.push(part);
  return Buffer.concat(parts);
}

/** Backdates every block file under `folder` by two hours: beyond the default grace period. */
async function ageBlocks(folder: string): Promise<void> {
  const old = new Date(Date.now() - 2 * 3600 * 1000);
  for (const entry of await readdir(path.join(folder, 'blocks'), { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.data')) await utimes(path.join(entry.parentPath, entry.name), old, old);
  }
}

describe('IPFS garbage collection (HeliaBackend.gc)', () => {
  afterEach(removeAll);

  it('keeps every block of every pinned DAG, a leaf shared with garbage included, and deletes the unpinned rest', async () => {
    const folder = await tempFolder();
    let node = await HeliaBackend.open(folder, { durability: 'none' });
    try {
      const a = randomBytes(3.5 * MiB);
      const b = randomBytes(2 * MiB + 1);
      const small = randomBytes(100_000);
      // Garbage: one file starting with `a`'s first 1 MiB chunk (so it shares that leaf), one unrelated, one small.
      const sharing = Buffer.concat([a.subarray(0, MiB), randomBytes(MiB / 2)]);
      const pinned = await Promise.all([a, b, small].map(async (bytes) => (await node.addBytes(bytes)).cid));
      const garbage = await Promise.all([sharing, randomBytes(2.5 * MiB), randomBytes(5_000)].map(async (bytes) => (await node.addBytes(bytes)).cid));
      for (const cid of pinned) await node.pin(cid);
      // A new process: the garbage is no add of its own awaiting a pin (an abandoned job).
      await node.stop();
      node = await HeliaBackend.open(folder, { durability: 'none' });

      const pinnedBlocks = (await Promise.all(pinned.map((cid) => dagBlocks(node, cid)))).flat();
      const garbageBlocks = (await Promise.all(garbage.map((cid) => dagBlocks(node, cid)))).flat();
      const pinnedKeys = new Set(pinnedBlocks.map(String));
      const garbageOnly = garbageBlocks.filter((cid) => !pinnedKeys.has(cid.toString()));
      expect(pinnedBlocks).toHaveLength(5 + 4 + 1);
      expect(garbageOnly).toHaveLength(garbageBlocks.length - 1);
      const garbageBytes = (await Promise.all(garbageOnly.map(async (cid) => (await node.getBlock(cid)).length))).reduce((x, y) => x + y, 0);

      await ageBlocks(folder);
      const result = await node.gc();

      expect(result).toEqual({ removedBlocks: garbageOnly.length, removedBytes: garbageBytes, pinnedBlocks: pinnedBlocks.length, keptBlocks: 0 });
      expect(await lostBlocks(node, pinnedBlocks)).toEqual([]);
      expect(await lostBlocks(node, garbageOnly)).toHaveLength(garbageOnly.length);
      expect((await catAll(node, pinned[0] as CID)).equals(a)).toBe(true);

      // Still whole after a restart, and a second collection finds nothing more.
      await node.stop();
      node = await HeliaBackend.open(folder, { durability: 'none' });
      for (const cid of pinned) expect(await node.isPinned(cid)).toBe(true);
      expect((await catAll(node, pinned[1] as CID)).equals(b)).toBe(true);
      expect((await catAll(node, pinned[2] as CID)).equals(small)).toBe(true);
      expect(await node.gc({ graceSeconds: 0 })).toMatchObject({ removedBlocks: 0, pinnedBlocks: pinnedBlocks.length });
    } finally {
      await node.stop();
    }
  });

  it('the pitfall: after an undrained (or half-drained) pins.add, GC loses blocks and the DAG check reports them', async () => {
    const folder = await tempFolder();
    let node = await HeliaBackend.open(folder, { durability: 'none' });
    try {
      const undrained = (await node.addBytes(randomBytes(3.5 * MiB))).cid;
      const half = (await node.addBytes(randomBytes(2.5 * MiB))).cid;
      const drained = (await node.addBytes(randomBytes(3.5 * MiB))).cid;
      // Pinned by a later process, so only the pins can protect these blocks.
      await node.stop();
      node = await HeliaBackend.open(folder, { durability: 'none' });
      const [blocks, halfBlocks, drainedBlocks] = await Promise.all([undrained, half, drained].map((cid) => dagBlocks(node, cid)));
      if (blocks === undefined || halfBlocks === undefined || drainedBlocks === undefined) throw new Error('unreachable');
      // Nothing is recorded: the generator never runs.
      void node.helia.pins.add(undrained);
      // Half-drained: the walk stops after the first block it yields.
      await node.helia.pins.add(half)[Symbol.asyncIterator]().next();
      // The control: HeliaBackend.pin, which drains it.
      await node.pin(drained);

      await ageBlocks(folder);
      await node.gc();

      expect(await lostBlocks(node, drainedBlocks)).toEqual([]);
      expect(await lostBlocks(node, blocks)).toHaveLength(blocks.length);
      const halfLost = await lostBlocks(node, halfBlocks);
      expect(halfLost.length).toBeGreaterThan(0);
      expect(halfLost.length).toBeLessThan(halfBlocks.length);
      expect(await node.isPinned(undrained)).toBe(false);
      await expect(catAll(node, undrained)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await node.stop();
    }
  });

  it('keeps the DAG of an add not pinned yet, even of content stored long ago, until its pin; then only pins protect it', async () => {
    const folder = await tempFolder();
    let node = await HeliaBackend.open(folder, { durability: 'none' });
    try {
      const content = randomBytes(1.5 * MiB);
      const cid = (await node.addBytes(content)).cid;
      const blocks = await dagBlocks(node, cid);
      // Helia skips writing blocks it has, so the old files keep their old times: only
      // the record of the add protects them (a resumed job re-adding the same bytes).
      await ageBlocks(folder);
      await node.addBytes(content);
      expect(await node.gc({ graceSeconds: 0 })).toMatchObject({ removedBlocks: 0, keptBlocks: blocks.length });
      expect(await lostBlocks(node, blocks)).toEqual([]);
      await node.pin(cid);
      expect(await node.gc({ graceSeconds: 0 })).toMatchObject({ removedBlocks: 0, pinnedBlocks: blocks.length, keptBlocks: 0 });

      // Another process's add (here: before a restart) is unknown: the grace period keeps it while recent.
      const other = (await node.addBytes(randomBytes(1.5 * MiB))).cid;
      const otherBlocks = await dagBlocks(node, other);
      await node.stop();
      node = await HeliaBackend.open(folder, { durability: 'none' });
      expect(await node.gc()).toMatchObject({ removedBlocks: 0, keptBlocks: otherBlocks.length });
      await ageBlocks(folder);
      expect(await node.gc()).toMatchObject({ removedBlocks: otherBlocks.length, keptBlocks: 0 });
      expect(await lostBlocks(node, otherBlocks)).toHaveLength(otherBlocks.length);
      expect(await lostBlocks(node, blocks)).toEqual([]);
    } finally {
      await node.stop();
    }
  });

  it('waits for an add in flight and keeps what it stored', async () => {
    const folder = await tempFolder();
    const node = await HeliaBackend.open(folder, { durability: 'none' });
    try {
      const content = randomBytes(2.5 * MiB);
      let release = (): void => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      async function* slowSource(): AsyncGenerator<Uint8Array> {
        yield content.subarray(0, 1.5 * MiB);
        await gate;
        yield content.subarray(1.5 * MiB);
      }
      const adding = node.addStream(slowSource());
      await new Promise((resolve) => setTimeout(resolve, 50));
      let collected = false;
      const collecting = node.gc({ graceSeconds: 0 }).then((r) => {
        collected = true;
        return r;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(collected).toBe(false);
      release();
      const { cid } = await adding;
      expect(await collecting).toMatchObject({ removedBlocks: 0 });
      expect((await catAll(node, cid)).equals(content)).toBe(true);
    } finally {
      await node.stop();
    }
  });

  it('refuses a negative or non-finite grace period (INVALID_INPUT) and stops when aborted (CANCELLED)', async () => {
    const folder = await tempFolder();
    const node = await HeliaBackend.open(folder, { durability: 'none' });
    try {
      const cid = (await node.addBytes(randomBytes(10_000))).cid;
      await expect(node.gc({ graceSeconds: -1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(node.gc({ graceSeconds: Number.NaN })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(node.gc({ graceSeconds: 0, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(await node.has(cid)).toBe(true);
    } finally {
      await node.stop();
    }
  });

  it('a pinning-service backend collects its local node and never calls the service', async () => {
    const folder = await tempFolder();
    const local = await HeliaBackend.open(folder, { durability: 'none' });
    const calls: string[] = [];
    const service = new PinningServiceClient({
      endpoint: 'http://127.0.0.1:9/psa',
      token: async () => 'token',
      fetch: async (input) => {
        calls.push(String(input));
        throw new Error('no service in this test');
      },
    });
    const backend = new RemotePinningBackend(local, service);
    try {
      const junk = (await local.addBytes(randomBytes(1.5 * MiB))).cid;
      const blocks = await dagBlocks(local, junk);
      await local.stop();
      const reopened = await HeliaBackend.open(folder, { durability: 'none' });
      const again = new RemotePinningBackend(reopened, service);
      try {
        expect(await again.gc({ graceSeconds: 0 })).toMatchObject({ removedBlocks: blocks.length });
        expect(calls).toEqual([]);
      } finally {
        await again.stop();
      }
    } finally {
      await backend.stop();
    }
  });

  it('a Kubo backend refuses (INVALID_INPUT, naming `ipfs repo gc`) without sending anything to the daemon', async () => {
    const server = await replayServer([
      {
        name: 'version',
        request: { path: '/api/v0/version', query: {} },
        response: { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Version: '0.36.0', Commit: '37b8411', Repo: '16', System: 'amd64/linux', Golang: 'go1.24.4' }) },
      },
    ]);
    const kubo = await KuboBackend.connect(server.url);
    try {
      await expect(kubo.gc({ graceSeconds: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('ipfs repo gc') });
      expect(server.seen.map((r) => r.path)).toEqual(['/api/v0/version']);
      expect(server.problems()).toEqual([]);
    } finally {
      await kubo.stop();
      await server.close();
    }
  });

  it('through the service: a notarized dataset survives `ipfsGc` with no grace period and retrieves byte for byte', async () => {
    const tmp = await tempDir();
    let n: Notarium | undefined;
    try {
      const dataset = path.join(tmp.dir, 'ds');
      await mkdir(dataset);
      const big = randomBytes(2.5 * MiB);
      await writeFile(path.join(dataset, 'scan.bin'), big);
      await writeFile(path.join(dataset, 'cohort.csv'), 'subject,age\nS1,42\n');
      const dataDir = path.join(tmp.dir, 'data');
      n = await Notarium.open({ dataDir, scryptN: TEST_SCRYPT_N });
      await n.init(TEST_PASSPHRASE);
      const notarized = await n.notarize({ inputs: [dataset], title: 'GC survivor', receiptOut: path.join(tmp.dir, 'r.json') }, { passphrase: TEST_PASSPHRASE });
      await n.close();
      n = undefined;

      // Garbage in the same node: a file added but never pinned (e.g. an abandoned job).
      const ipfsDir = path.join(dataDir, 'ipfs');
      const node = await HeliaBackend.open(ipfsDir);
      const junk = (await node.addBytes(randomBytes(1.5 * MiB))).cid;
      const junkBlocks = await dagBlocks(node, junk);
      await node.stop();

      n = await Notarium.open({ dataDir, scryptN: TEST_SCRYPT_N });
      const result = await n.ipfsGc({ graceSeconds: 0 });
      expect(result.removedBlocks).toBe(junkBlocks.length);
      expect(result.pinnedBlocks).toBeGreaterThan(0);

      const out = path.join(tmp.dir, 'back');
      const restored = await n.retrieve({ source: notarized.receiptPath, out }, { passphrase: TEST_PASSPHRASE });
      expect(restored.fileCount).toBe(2);
      expect((await readFile(path.join(out, 'scan.bin'))).equals(big)).toBe(true);
      expect(await readFile(path.join(out, 'cohort.csv'), 'utf8')).toBe('subject,age\nS1,42\n');
    } finally {
      await n?.close();
      await tmp.cleanup();
    }
  });
});
