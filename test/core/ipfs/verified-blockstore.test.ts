/**
 * VerifiedFsBlockstore: blockstore-fs compatible on disk in both directions, verified
 * reads (corrupt, truncated, swapped files are refused), clear errors, durable flush.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { FsBlockstore } from 'blockstore-fs';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { identity } from 'multiformats/hashes/identity';
import { sha256 } from 'multiformats/hashes/sha2';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyBlock } from '../../../main/core/ipfs/index.ts';
import { VerifiedFsBlockstore } from '../../../main/core/ipfs/verified-blockstore.ts';
import { removeAll, tempFolder } from './temp-folder.ts';

afterEach(removeAll);

async function rawBlock(bytes: Uint8Array): Promise<{ cid: CID; bytes: Uint8Array }> {
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes };
}

async function readAll(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}

describe('verifyBlock', () => {
  it('accepts bytes that hash to the CID and refuses others with CID_MISMATCH', async () => {
    const { cid, bytes } = await rawBlock(randomBytes(100));
    await expect(verifyBlock(cid, bytes)).resolves.toBeUndefined();
    await expect(verifyBlock(cid, randomBytes(100))).rejects.toMatchObject({ code: 'CID_MISMATCH' });
  });

  it('refuses a multihash it cannot check with IPFS_FAILED rather than passing it', async () => {
    const cid = CID.createV1(raw.code, identity.digest(new Uint8Array([1, 2, 3])));
    await expect(verifyBlock(cid, new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'IPFS_FAILED' });
  });
});

describe('VerifiedFsBlockstore', () => {
  it('reads what it wrote, and shares its on-disk layout with blockstore-fs both ways', async () => {
    const folder = await tempFolder();
    const ours = new VerifiedFsBlockstore(folder);
    await ours.open();
    const stock = new FsBlockstore(folder);
    await stock.open();

    const a = await rawBlock(randomBytes(5000));
    await ours.put(a.cid, a.bytes);
    await ours.flush();
    expect((await readAll(ours.get(a.cid))).equals(a.bytes)).toBe(true);
    expect((await readAll(stock.get(a.cid))).equals(a.bytes)).toBe(true);

    const b = await rawBlock(randomBytes(5000));
    await stock.put(b.cid, b.bytes);
    expect(await ours.has(b.cid)).toBe(true);
    expect((await readAll(ours.get(b.cid))).equals(b.bytes)).toBe(true);
  });

  it('accepts block bytes given as a stream of chunks', async () => {
    const store = new VerifiedFsBlockstore(await tempFolder());
    await store.open();
    const { cid, bytes } = await rawBlock(randomBytes(3000));
    await store.put(cid, [bytes.subarray(0, 1000), bytes.subarray(1000)]);
    expect((await readAll(store.get(cid))).equals(bytes)).toBe(true);
  });

  it('refuses with CID_MISMATCH a block file that is corrupt, truncated or another block', async () => {
    const store = new VerifiedFsBlockstore(await tempFolder());
    await store.open();
    const a = await rawBlock(randomBytes(4096));
    const b = await rawBlock(randomBytes(4096));
    await store.put(a.cid, a.bytes);
    await store.put(b.cid, b.bytes);
    const file = store.blockPath(a.cid);

    const flipped = Buffer.from(await readFile(file));
    flipped[0] = (flipped[0] ?? 0) ^ 0x80;
    await writeFile(file, flipped);
    await expect(readAll(store.get(a.cid))).rejects.toMatchObject({ code: 'CID_MISMATCH' });
    await writeFile(file, a.bytes.subarray(0, 4095));
    await expect(readAll(store.get(a.cid))).rejects.toMatchObject({ code: 'CID_MISMATCH' });
    await copyFile(store.blockPath(b.cid), file);
    await expect(readAll(store.get(a.cid))).rejects.toMatchObject({ code: 'CID_MISMATCH' });
  });

  it('verifies blocks listed by getAll too (listed by multihash, as blockstore-fs does)', async () => {
    const store = new VerifiedFsBlockstore(await tempFolder());
    await store.open();
    const a = await rawBlock(randomBytes(64));
    await store.put(a.cid, a.bytes);
    const listed: string[] = [];
    for await (const pair of store.getAll()) {
      listed.push(Buffer.from(pair.cid.multihash.bytes).toString('hex'));
      expect((await readAll(pair.bytes)).equals(a.bytes)).toBe(true);
    }
    expect(listed).toEqual([Buffer.from(a.cid.multihash.bytes).toString('hex')]);
    await writeFile(store.blockPath(a.cid), randomBytes(64));
    for await (const pair of store.getAll()) await expect(readAll(pair.bytes)).rejects.toMatchObject({ code: 'CID_MISMATCH' });
  });

  it('reports a missing block as NOT_FOUND and a failed write as IPFS_FAILED', async () => {
    const folder = await tempFolder();
    const store = new VerifiedFsBlockstore(folder);
    await store.open();
    const a = await rawBlock(randomBytes(10));
    await expect(readAll(store.get(a.cid))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The shard folder is cached as existing; removing the store makes the write fail.
    await store.put(a.cid, a.bytes);
    await rm(folder, { recursive: true, force: true });
    await expect(store.put(a.cid, a.bytes)).rejects.toMatchObject({ code: 'IPFS_FAILED' });
  });

  it('flush fails with IPFS_FAILED when a touched folder cannot be synced, and succeeds once it can', async () => {
    const folder = await tempFolder();
    const store = new VerifiedFsBlockstore(folder);
    await store.open();
    const a = await rawBlock(randomBytes(10));
    await store.put(a.cid, a.bytes);
    await rm(folder, { recursive: true, force: true });
    await expect(store.flush()).rejects.toMatchObject({ code: 'IPFS_FAILED' });
    // The folders stay marked: the next flush retries them.
    await expect(store.flush()).rejects.toMatchObject({ code: 'IPFS_FAILED' });
    const reopened = new VerifiedFsBlockstore(folder);
    await reopened.open();
    await reopened.put(a.cid, a.bytes);
    await expect(reopened.flush()).resolves.toBeUndefined();
  });

  it("with durability 'none' marks nothing, so flush has nothing to fail on", async () => {
    const folder = await tempFolder();
    const store = new VerifiedFsBlockstore(folder, 'none');
    await store.open();
    const a = await rawBlock(randomBytes(10));
    await store.put(a.cid, a.bytes);
    await rm(folder, { recursive: true, force: true });
    await expect(store.flush()).resolves.toBeUndefined();
  });
});
