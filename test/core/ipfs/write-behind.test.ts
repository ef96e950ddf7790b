/**
 * WriteBehind over the real on-disk blockstore: every queued block is on disk after
 * drain, writes in flight stay under the cap, a failed write fails the drain and every
 * later put, and a block's registered release runs only once it is stored.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { afterEach, describe, expect, it } from 'vitest';
import { VerifiedFsBlockstore } from '../../../main/core/ipfs/verified-blockstore.ts';
import { releaseWhenStored, WriteBehind } from '../../../main/core/ipfs/write-behind.ts';
import { removeAll, tempFolder } from './temp-folder.ts';

afterEach(removeAll);

async function blocks(count: number, size: number): Promise<Array<{ cid: CID; bytes: Uint8Array }>> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const bytes = randomBytes(size);
      return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes };
    }),
  );
}

/** The real store, counting the writes it is doing at once. */
function countingStore(store: VerifiedFsBlockstore): { sink: { put: (cid: CID, bytes: Uint8Array) => Promise<CID> }; peak: () => number } {
  let active = 0;
  let peak = 0;
  return {
    sink: {
      put: async (cid, bytes) => {
        peak = Math.max(peak, ++active);
        try {
          return await store.put(cid, bytes);
        } finally {
          active--;
        }
      },
    },
    peak: () => peak,
  };
}

describe('WriteBehind', () => {
  it('has every block on disk once drained, with writes in flight capped', async () => {
    const store = new VerifiedFsBlockstore(await tempFolder());
    await store.open();
    const { sink, peak } = countingStore(store);
    const writer = new WriteBehind(sink, 4 * 1000);
    const all = await blocks(40, 1000);
    // As the importer does: a batch of puts at once, awaited together.
    for (let i = 0; i < all.length; i += 10) await Promise.all(all.slice(i, i + 10).map((b) => writer.put(b.cid, b.bytes)));
    await writer.drain();
    for (const b of all) expect(await store.has(b.cid)).toBe(true);
    expect(peak()).toBeGreaterThan(1);
    expect(peak()).toBeLessThanOrEqual(4);
  });

  it('runs the release registered for a block once the store has it, not before, and not when the write failed', async () => {
    const store = new VerifiedFsBlockstore(await tempFolder());
    await store.open();
    const [stored, failed, unregistered] = await blocks(3, 1000);
    if (stored === undefined || failed === undefined || unregistered === undefined) throw new Error('no blocks');
    const events: string[] = [];
    let finishWrite!: () => void;
    const gate = new Promise<void>((resolve) => (finishWrite = resolve));
    const sink = {
      put: async (cid: CID, bytes: Uint8Array): Promise<CID> => {
        await gate;
        if (bytes === failed.bytes) throw new Error('disk gone');
        const done = await store.put(cid, bytes);
        events.push(`written ${cid.toString() === stored.cid.toString() ? 'stored' : 'other'}`);
        return done;
      },
    };
    releaseWhenStored(stored.bytes, () => events.push(`released ${String(stored.bytes.length)} bytes, on disk: ${String(events.includes('written stored'))}`));
    releaseWhenStored(failed.bytes, () => events.push('released the failed block'));
    // A release that throws does not fail the import: the block is stored either way.
    releaseWhenStored(unregistered.bytes, () => {
      throw new Error('worker gone');
    });
    const writer = new WriteBehind(sink, 1 << 20);
    await writer.put(stored.cid, stored.bytes);
    await writer.put(unregistered.cid, unregistered.bytes);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual([]);
    finishWrite();
    await writer.drain();
    // The two writes run at once: only the stored block's own order is fixed.
    expect(events.filter((e) => e !== 'written other')).toEqual(['written stored', 'released 1000 bytes, on disk: true']);
    expect(events).toContain('written other');
    expect(await store.has(stored.cid)).toBe(true);

    const failing = new WriteBehind(sink, 1 << 20);
    await failing.put(failed.cid, failed.bytes);
    await expect(failing.drain()).rejects.toThrow('disk gone');
    expect(events).not.toContain('released the failed block');
  });

  it('accepts a block larger than the cap when nothing else is in flight', async () => {
    const store = new VerifiedFsBlockstore(await tempFolder());
    await store.open();
    const writer = new WriteBehind(store, 10);
    const [big] = await blocks(1, 5000);
    if (big === undefined) throw new Error('no block');
    await writer.put(big.cid, big.bytes);
    await writer.drain();
    expect(await store.has(big.cid)).toBe(true);
  });

  it('fails the drain and later puts with the first write error', async () => {
    const folder = await tempFolder();
    const store = new VerifiedFsBlockstore(folder);
    await store.open();
    const [first, second, third] = await blocks(3, 100);
    if (first === undefined || second === undefined || third === undefined) throw new Error('no blocks');
    // Written once so the store caches its shard folder; then the store disappears.
    await store.put(first.cid, first.bytes);
    await rm(folder, { recursive: true, force: true });
    const writer = new WriteBehind(store, 1 << 20);
    await writer.put(first.cid, first.bytes);
    await expect(writer.drain()).rejects.toMatchObject({ code: 'IPFS_FAILED' });
    await expect(writer.put(second.cid, second.bytes)).rejects.toMatchObject({ code: 'IPFS_FAILED' });
    await expect(writer.drain()).rejects.toMatchObject({ code: 'IPFS_FAILED' });
  });
});
