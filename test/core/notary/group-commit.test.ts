import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { readdir } from 'node:fs/promises';
import { Key } from 'interface-datastore';
import { FsDatastore } from 'datastore-fs';
import { GroupCommitter } from '../../../main/core/notary/group-commit.ts';
import { DurableFsDatastore } from '../../../main/core/ipfs/durable-datastore.ts';
import { HeliaBackend } from '../../../main/core/ipfs/helia-backend.ts';
import { tempDir } from '../../helpers/tmp.ts';

describe('group commit', () => {
  it('records a group only after the storage commit that covers it, in order, and reports a failed commit', async () => {
    const events: string[] = [];
    let fail = false;
    const storage = {
      commit: async (): Promise<void> => {
        events.push('commit');
        if (fail) throw new Error('ENOSPC');
      },
    };
    const g = new GroupCommitter<string>(storage, async (items) => void events.push(`record ${items.join(',')}`), { files: 2, delayMs: 10_000 });
    g.add('a', 1);
    g.add('b', 1); // the file limit starts a commit
    g.add('c', 1);
    await g.finish();
    expect(events).toEqual(['commit', 'record a,b', 'commit', 'record c']);
    fail = true;
    g.add('d', 1);
    await expect(g.finish()).rejects.toThrow('ENOSPC');
    expect(events.at(-1)).toBe('commit');
    expect(() => g.add('e', 1)).toThrow('ENOSPC');
  });

  it('ready() holds a producer back while more than two commits are unfinished, and lets it go as they finish', async () => {
    const gates: Array<() => void> = [];
    const storage = { commit: () => new Promise<void>((resolve) => gates.push(resolve)) };
    const recorded: string[] = [];
    const g = new GroupCommitter<string>(storage, async (items) => void recorded.push(...items), { files: 1, delayMs: 10_000 });
    g.add('a', 1);
    g.add('b', 1);
    await g.ready(); // two commits queued: not more than two
    g.add('c', 1);
    let released = false;
    const waiting = g.ready().then(() => {
      released = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(released).toBe(false);
    expect(gates).toHaveLength(1); // one commit at a time
    gates.shift()?.();
    await waiting;
    expect(released).toBe(true);
    expect(recorded).toEqual(['a']);
    let finished = false;
    const finishing = g.finish().then(() => {
      finished = true;
    });
    while (!finished) {
      gates.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    }
    await finishing;
    expect(recorded).toEqual(['a', 'b', 'c']);
  });

  it('holds pin records back until the datastore flush: this store reads them at once, another reader (or a restart) only after it', async () => {
    const tmp = await tempDir();
    try {
      const folder = path.join(tmp.dir, 'ds');
      const store = new DurableFsDatastore(folder, { durability: 'batched', commitPrefixes: ['/pin/', '/pinned-block/'] });
      await store.open();
      const other = new FsDatastore(folder);
      await other.open();
      await store.put(new Key('/pinned-block/abc'), new Uint8Array([1]));
      await store.put(new Key('/pin/root'), new Uint8Array([2]));
      await store.put(new Key('/pin/root'), new Uint8Array([3]));
      await store.put(new Key('/other/x'), new Uint8Array([4]));
      expect([...(await store.get(new Key('/pin/root')))]).toEqual([3]);
      expect(await store.has(new Key('/pinned-block/abc'))).toBe(true);
      expect(await other.has(new Key('/pin/root'))).toBe(false);
      expect(await other.has(new Key('/pinned-block/abc'))).toBe(false);
      expect(await other.has(new Key('/other/x'))).toBe(true);
      // A held record deleted before the flush never appears.
      await store.put(new Key('/pin/gone'), new Uint8Array([5]));
      await store.delete(new Key('/pin/gone'));
      expect(await store.has(new Key('/pin/gone'))).toBe(false);
      await store.flush();
      expect([...(await other.get(new Key('/pin/root')))]).toEqual([3]);
      expect(await other.has(new Key('/pinned-block/abc'))).toBe(true);
      expect(await other.has(new Key('/pin/gone'))).toBe(false);
      expect((await readdir(folder, { recursive: true })).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      await store.close();
    } finally {
      await tmp.cleanup();
    }
  });

  it('makes adds and pins made with commit: false durable and visible at commit()', async () => {
    const tmp = await tempDir();
    const node = await HeliaBackend.open(path.join(tmp.dir, 'ipfs'));
    try {
      const bytes = randomBytes(3 * 1024 * 1024);
      const { cid } = await node.addBytes(bytes, { commit: false });
      await node.pin(cid, { commit: false });
      const pinFiles = async (): Promise<string[]> => (await readdir(path.join(tmp.dir, 'ipfs', 'datastore'), { recursive: true })).filter((n) => n.endsWith('.data') && (n.startsWith('pin') || n.includes('pinned-block')));
      // Written but not in place: a crash now would leave nothing marked pinned.
      expect(await pinFiles()).toEqual([]);
      await node.commit();
      expect(await node.isPinned(cid)).toBe(true);
      expect((await pinFiles()).length).toBeGreaterThan(1);
      const parts: Uint8Array[] = [];
      for await (const p of node.cat(cid)) parts.push(p);
      expect(Buffer.concat(parts).equals(bytes)).toBe(true);
    } finally {
      await node.stop();
      await tmp.cleanup();
    }
  });
});
