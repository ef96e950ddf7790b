/**
 * DurableFsDatastore: datastore-fs compatible, atomic puts, and commit keys that flush
 * every earlier put before they are written.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FsDatastore } from 'datastore-fs';
import { Key } from 'interface-datastore';
import { afterEach, describe, expect, it } from 'vitest';
import { DurableFsDatastore } from '../../../main/core/ipfs/durable-datastore.ts';
import { removeAll, tempFolder } from './temp-folder.ts';

afterEach(removeAll);

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('DurableFsDatastore', () => {
  it('stores values that datastore-fs reads back, replacing old values, without temp files', async () => {
    const folder = await tempFolder();
    const store = new DurableFsDatastore(folder);
    await store.open();
    await store.put(new Key('/pinned-block/abc'), bytes('one'));
    await store.put(new Key('/pinned-block/abc'), bytes('two'));
    await store.put(new Key('/version'), bytes('3'));

    const stock = new FsDatastore(folder);
    await stock.open();
    expect(new TextDecoder().decode(await stock.get(new Key('/pinned-block/abc')))).toBe('two');
    expect(new TextDecoder().decode(await stock.get(new Key('/version')))).toBe('3');
    const names = await readdir(folder, { recursive: true });
    expect(names.filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('flushes earlier puts before writing a commit key, and writes nothing if that fails', async () => {
    const folder = await tempFolder();
    const store = new DurableFsDatastore(folder, { commitPrefixes: ['/pin/'] });
    await store.open();
    await store.put(new Key('/pinned-block/abc'), bytes('1'));
    // Make the pending folder impossible to fsync: the commit must not be written.
    await rm(join(folder, 'pinned-block'), { recursive: true });
    await expect(store.put(new Key('/pin/root'), bytes('pin'))).rejects.toMatchObject({ code: 'IPFS_FAILED' });
    expect(await store.has(new Key('/pin/root'))).toBe(false);
    // Keys outside the commit prefixes do not wait for earlier puts.
    await expect(store.put(new Key('/other/x'), bytes('x'))).resolves.toBeDefined();
  });
});
