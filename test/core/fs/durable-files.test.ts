/**
 * Crash-safe file helpers: atomic replace, private modes, no temp files left, folders
 * created and marked for fsync, and flushes that report (and keep) failures.
 */
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirtyFolders, makeFolder, writeFileAtomic } from '../../../main/core/fs/durable-files.ts';
import { removeAll, tempFolder } from '../ipfs/temp-folder.ts';

afterEach(removeAll);

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('writeFileAtomic', () => {
  it('creates or replaces the file whole, mode 0600, leaving no temp file', async () => {
    const folder = await tempFolder();
    const file = join(folder, 'a.data');
    await writeFileAtomic(file, text('first'), 'fsync');
    await writeFileAtomic(file, text('second'), 'none');
    expect(await readFile(file, 'utf8')).toBe('second');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(folder)).toEqual(['a.data']);
  });

  it('removes its temp file when the final rename fails', async () => {
    const folder = await tempFolder();
    const target = join(folder, 'taken');
    await mkdir(join(target, 'child'), { recursive: true });
    await expect(writeFileAtomic(target, text('x'), 'fsync')).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    expect(await readdir(folder)).toEqual(['taken']);
  });

  it('writes nothing when the signal is already aborted', async () => {
    const folder = await tempFolder();
    const controller = new AbortController();
    controller.abort();
    await expect(writeFileAtomic(join(folder, 'a'), text('x'), 'fsync', controller.signal)).rejects.toThrow();
    expect(await readdir(folder)).toEqual([]);
  });
});

describe('makeFolder and DirtyFolders', () => {
  it('creates nested folders (0700) and marks each new entry’s parent for the next flush', async () => {
    const root = await tempFolder();
    const dirty = new DirtyFolders('fsync');
    await makeFolder(join(root, 'a', 'b', 'c'), dirty);
    expect((await stat(join(root, 'a', 'b', 'c'))).mode & 0o777).toBe(0o700);
    await expect(dirty.flush()).resolves.toBeUndefined();

    await makeFolder(join(root, 'x', 'y'), dirty);
    // root/x was marked (it gained y): once it is gone the flush must fail...
    await rm(join(root, 'x'), { recursive: true });
    await expect(dirty.flush()).rejects.toMatchObject({ code: 'ENOENT' });
    // ...and keep failing until the folder can be synced again.
    await expect(dirty.flush()).rejects.toMatchObject({ code: 'ENOENT' });
    await mkdir(join(root, 'x'));
    await expect(dirty.flush()).resolves.toBeUndefined();
  });

  it('marks nothing for a folder that already exists, and nothing at all without fsync', async () => {
    const root = await tempFolder();
    await mkdir(join(root, 'old'));
    const dirty = new DirtyFolders('fsync');
    await makeFolder(join(root, 'old'), dirty);
    await rm(join(root, 'old'), { recursive: true });
    await expect(dirty.flush()).resolves.toBeUndefined();

    const lax = new DirtyFolders('none');
    await makeFolder(join(root, 'p', 'q'), lax);
    lax.mark(join(root, 'nowhere'));
    await expect(lax.flush()).resolves.toBeUndefined();
  });

  it('chains concurrent flushes: all resolve once synced, and a failed folder fails every flush until it syncs', async () => {
    const root = await tempFolder();
    const dirty = new DirtyFolders('fsync');
    const folders = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const folder = join(root, `f${i}`);
        await mkdir(folder);
        await writeFile(join(folder, 'x'), 'x');
        return folder;
      }),
    );
    for (const folder of folders) dirty.mark(folder);
    await expect(Promise.all([dirty.flush(), dirty.flush(), dirty.flush()])).resolves.toHaveLength(3);

    dirty.mark(join(root, 'gone'));
    const results = await Promise.allSettled([dirty.flush(), dirty.flush()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await mkdir(join(root, 'gone'));
    await expect(dirty.flush()).resolves.toBeUndefined();
  });
});
