/**
 * The embedded Helia node on disk, in temp folders: known CIDs, DAG shape, hash-only
 * agreement, cat ranges, pin durability across restarts, offline failure, integrity
 * checks on read, isolation between nodes, and no networking.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unixfs } from '@helia/unixfs';
import * as dagPb from '@ipld/dag-pb';
import { NextToLast } from 'blockstore-fs/sharding';
import { UnixFS } from 'ipfs-unixfs';
import type { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { afterEach, describe, expect, it } from 'vitest';
import { cidOfStream, HeliaBackend, type HeliaNetworking } from '../../../main/core/ipfs/index.ts';
import { removeAll, tempFolder } from './temp-folder.ts';

const MIB = 1_048_576;
const HELLO_WORLD_CID = 'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e';

const open: HeliaBackend[] = [];
async function openNode(folder?: string): Promise<{ node: HeliaBackend; folder: string }> {
  const where = folder ?? (await tempFolder());
  const node = await HeliaBackend.open(where);
  open.push(node);
  return { node, folder: where };
}

afterEach(async () => {
  for (const node of open.splice(0)) await node.stop();
  await removeAll();
});

async function readAll(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}

async function block(node: HeliaBackend, cid: CID): Promise<Uint8Array> {
  return readAll(node.helia.blockstore.get(cid));
}

/** Where blockstore-fs's layout (next-to-last/2 of the base32 multihash) keeps `cid`. */
function blockFile(folder: string, cid: CID): string {
  const { dir, file } = new NextToLast().encode(cid);
  return join(folder, 'blocks', dir, file);
}

async function* sliced(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('HeliaBackend add', () => {
  it('stores "hello world" under the CID Kubo gives it', async () => {
    const { node } = await openNode();
    const { cid, size } = await node.addBytes(new TextEncoder().encode('hello world'));
    expect(cid.toString()).toBe(HELLO_WORLD_CID);
    expect(size).toBe(11);
    expect(await node.has(cid)).toBe(true);
  });

  it('stores 1 MiB + 1 byte as a dag-pb root over two raw leaves of at most 1 MiB', async () => {
    const { node } = await openNode();
    const input = randomBytes(MIB + 1);
    const { cid, size } = await node.addStream(sliced(input, 65_552));
    expect(size).toBe(MIB + 1);
    expect(cid.code).toBe(dagPb.code);

    const root = dagPb.decode(await block(node, cid));
    expect(root.Links).toHaveLength(2);
    const unixfs = UnixFS.unmarshal(root.Data ?? new Uint8Array());
    expect(unixfs.type).toBe('file');
    expect(unixfs.fileSize()).toBe(BigInt(MIB + 1));
    const leaves = await Promise.all(root.Links.map((link) => block(node, link.Hash)));
    expect(root.Links.map((link) => link.Hash.code)).toEqual([raw.code, raw.code]);
    expect(leaves.map((leaf) => leaf.length)).toEqual([MIB, 1]);
    expect(leaves.every((leaf) => leaf.length <= MIB)).toBe(true);
    expect(Buffer.concat(leaves).equals(input)).toBe(true);
  });

  it('stores under the same CID that the hash-only path computes', async () => {
    const { node } = await openNode();
    const input = randomBytes(3 * MIB + 4321);
    const stored = await node.addStream(sliced(input, 65_552));
    const hashed = await cidOfStream(sliced(input, 1_000_000));
    expect(stored.cid.equals(hashed.cid)).toBe(true);
    expect(stored.size).toBe(hashed.size);
  });

  it('writes private files (0600) in private folders (0700) and leaves no temp files', async () => {
    const { node, folder } = await openNode();
    const { cid } = await node.addBytes(randomBytes(2 * MIB));
    const file = blockFile(folder, cid);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(file, '..'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(folder, 'blocks'))).mode & 0o777).toBe(0o700);
    const names = await readdir(join(folder, 'blocks'), { recursive: true });
    expect(names.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(names.filter((name) => name.endsWith('.data'))).toHaveLength(3);
  });

  it('rejects chunks that are not bytes with INVALID_INPUT', async () => {
    const { node } = await openNode();
    await expect(node.addStream(['text'] as unknown as AsyncIterable<Uint8Array>)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('stops with CANCELLED when the signal aborts mid-stream', async () => {
    const { node } = await openNode();
    const controller = new AbortController();
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; ; i++) {
        if (i === 5) controller.abort();
        yield randomBytes(65_536);
      }
    }
    await expect(node.addStream(source(), { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('HeliaBackend cat', () => {
  it('returns the bytes that were added, for a single-block and a multi-block file', async () => {
    const { node } = await openNode();
    const small = new TextEncoder().encode('hello world');
    const large = randomBytes(2 * MIB + 99);
    const a = await node.addBytes(small);
    const b = await node.addStream(sliced(large, 65_552));
    expect((await readAll(node.cat(a.cid))).equals(small)).toBe(true);
    expect((await readAll(node.cat(b.cid))).equals(large)).toBe(true);
  });

  it('returns byte ranges given by offset and length, across leaf boundaries', async () => {
    const { node } = await openNode();
    const data = randomBytes(2 * MIB + 99);
    const { cid } = await node.addBytes(data);
    const range = async (offset?: number, length?: number) => readAll(node.cat(cid, { offset, length }));
    expect((await range(MIB - 10, 20)).equals(data.subarray(MIB - 10, MIB + 10))).toBe(true);
    expect((await range(2 * MIB)).equals(data.subarray(2 * MIB))).toBe(true);
    expect((await range(undefined, 5)).equals(data.subarray(0, 5))).toBe(true);
    expect((await range(5, 10 * MIB)).equals(data.subarray(5))).toBe(true);
    expect(await range(data.length)).toHaveLength(0);

    const small = await node.addBytes(new TextEncoder().encode('hello world'));
    expect((await readAll(node.cat(small.cid, { offset: 6, length: 3 }))).toString()).toBe('wor');
  });

  it('reads only a window ahead of a slow consumer, so memory stays bounded', async () => {
    const folder = await tempFolder();
    const node = await HeliaBackend.open(folder, { blockReadConcurrency: 2 });
    open.push(node);
    const data = randomBytes(8 * MIB);
    const { cid } = await node.addBytes(data);
    const leaves = dagPb.decode(await block(node, cid)).Links.map((link) => link.Hash);
    const last = leaves.at(-1);
    if (last === undefined) throw new Error('expected leaves');

    const reader = node.cat(cid)[Symbol.asyncIterator]();
    const first = await reader.next();
    expect(first.done).toBe(false);
    // An eager reader would have fetched all 8 leaves by now. Ours has not reached the
    // last one, so removing it must surface when the consumer gets there.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await node.helia.blockstore.delete(last);
    const drainRest = async (): Promise<void> => {
      for (let step = await reader.next(); step.done !== true; step = await reader.next()) {
        // consume
      }
    };
    await expect(drainRest()).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses with INVALID_INPUT to cat a CID that is not a file (a directory)', async () => {
    const { node } = await openNode();
    const dir = await unixfs(node.helia).addDirectory();
    await expect(readAll(node.cat(dir))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('rejects an offset past the end or a negative offset with INVALID_INPUT', async () => {
    const { node } = await openNode();
    const { cid } = await node.addBytes(randomBytes(100));
    await expect(readAll(node.cat(cid, { offset: 101 }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(readAll(node.cat(cid, { offset: -1 }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(readAll(node.cat(cid, { length: 1.5 }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('fails fast with NOT_FOUND for a CID it does not have', async () => {
    const { node } = await openNode();
    const { cid } = await cidOfStream([randomBytes(3 * MIB)]);
    const started = performance.now();
    await expect(readAll(node.cat(cid))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await node.has(cid)).toBe(false);
  });

  it('fails with NOT_FOUND when a leaf of a stored file is missing', async () => {
    const { node } = await openNode();
    const { cid } = await node.addBytes(randomBytes(2 * MIB));
    const leaf = dagPb.decode(await block(node, cid)).Links[1]?.Hash;
    if (leaf === undefined) throw new Error('expected a second leaf');
    await node.helia.blockstore.delete(leaf);
    await expect(readAll(node.cat(cid, { offset: MIB + 1 }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('fails with CID_MISMATCH when a block file on disk was altered or truncated', async () => {
    const { node, folder } = await openNode();
    const data = randomBytes(2 * MIB);
    const { cid } = await node.addBytes(data);
    const leaf = dagPb.decode(await block(node, cid)).Links[0]?.Hash;
    if (leaf === undefined) throw new Error('expected a leaf');
    const file = blockFile(folder, leaf);
    const bytes = await readFile(file);
    bytes[12_345] = (bytes[12_345] ?? 0) ^ 1;
    await writeFile(file, bytes);
    await expect(readAll(node.cat(cid))).rejects.toMatchObject({ code: 'CID_MISMATCH' });
    await writeFile(file, bytes.subarray(0, 100));
    await expect(readAll(node.cat(cid, { length: 10 }))).rejects.toMatchObject({ code: 'CID_MISMATCH' });
  });
});

describe('HeliaBackend pin', () => {
  it('pins (draining Helia pins.add), is idempotent, and survives a restart with the data readable', async () => {
    const { node, folder } = await openNode();
    const data = randomBytes(3 * MIB + 1);
    const { cid } = await node.addBytes(data);
    expect(await node.isPinned(cid)).toBe(false);
    await node.pin(cid);
    expect(await node.isPinned(cid)).toBe(true);
    await node.pin(cid);
    expect(await node.isPinned(cid)).toBe(true);
    await node.stop();

    const { node: reopened } = await openNode(folder);
    expect(await reopened.isPinned(cid)).toBe(true);
    expect(await reopened.has(cid)).toBe(true);
    expect((await readAll(reopened.cat(cid))).equals(data)).toBe(true);
  });

  it('refuses with NOT_FOUND to pin a DAG with a missing block, and records no pin', async () => {
    const { node } = await openNode();
    const absent = await cidOfStream([randomBytes(100)]);
    await expect(node.pin(absent.cid)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await node.isPinned(absent.cid)).toBe(false);

    const { cid } = await node.addBytes(randomBytes(2 * MIB));
    const leaf = dagPb.decode(await block(node, cid)).Links[1]?.Hash;
    if (leaf === undefined) throw new Error('expected a second leaf');
    await node.helia.blockstore.delete(leaf);
    await expect(node.pin(cid)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await node.isPinned(cid)).toBe(false);
  });

  it('pins concurrently requested CIDs, including the same one twice', async () => {
    const { node } = await openNode();
    const a = await node.addBytes(randomBytes(MIB + 5));
    const b = await node.addBytes(randomBytes(10));
    await Promise.all([node.pin(a.cid), node.pin(a.cid), node.pin(b.cid)]);
    expect(await node.isPinned(a.cid)).toBe(true);
    expect(await node.isPinned(b.cid)).toBe(true);
  });
});

describe('HeliaBackend nodes', () => {
  it('keeps two nodes in two folders independent', async () => {
    const [{ node: first }, { node: second }] = await Promise.all([openNode(), openNode()]);
    const one = await first.addBytes(randomBytes(1000));
    const two = await second.addBytes(randomBytes(1000));
    await first.pin(one.cid);
    expect(await first.has(one.cid)).toBe(true);
    expect(await second.has(one.cid)).toBe(false);
    expect(await first.has(two.cid)).toBe(false);
    expect(await second.isPinned(one.cid)).toBe(false);
    await expect(readAll(second.cat(one.cid))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('opens quickly, fails cleanly once stopped, and stops idempotently', async () => {
    const folder = await tempFolder();
    const started = performance.now();
    const node = await HeliaBackend.open(folder);
    const openMs = performance.now() - started;
    expect(openMs).toBeLessThan(2000);
    await node.stop();
    await node.stop();
    await expect(node.addBytes(new Uint8Array(1))).rejects.toMatchObject({ code: 'IPFS_FAILED' });
    await expect(node.isPinned((await cidOfStream([])).cid)).rejects.toMatchObject({ code: 'IPFS_FAILED' });
  });

  it('refuses an unknown networking mode and invalid concurrency, with INVALID_INPUT', async () => {
    const folder = await tempFolder();
    await expect(HeliaBackend.open(folder, { networking: { mode: 'public' } as unknown as HeliaNetworking })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(HeliaBackend.open(folder, { blockReadConcurrency: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
