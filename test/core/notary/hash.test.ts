import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { READ_CHUNK_BYTES, sha256File, sha256Files } from '../../../main/core/notary/hash.ts';
import { tempDir } from '../../helpers/tmp.ts';

const hex = (b: Buffer): string => `0x${createHash('sha256').update(b).digest('hex')}`;

// Both paths: small files read directly (the default while reads are cache hits), and every file through the threadpool.
describe.each([{ direct: true }, { direct: false }])('sha256Files %o', ({ direct }) => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  // Sizes around the boundaries: empty, tiny, one chunk exactly, one byte past it, several chunks and a tail.
  const sizes = [0, 1, 16 * 1024, READ_CHUNK_BYTES - 1, READ_CHUNK_BYTES, READ_CHUNK_BYTES + 1, 3 * READ_CHUNK_BYTES + 12_345];
  const files: { absPath: string; size: number; data: Buffer }[] = [];

  beforeAll(async () => {
    tmp = await tempDir();
    for (const [i, size] of sizes.entries()) {
      const data = randomBytes(size);
      const absPath = path.join(tmp.dir, `f${i}.bin`);
      await writeFile(absPath, data);
      files.push({ absPath, size, data });
    }
  });

  afterAll(async () => {
    await tmp.cleanup();
  });

  it('gives each file the SHA-256 and size of its bytes, in input order, across chunk boundaries', async () => {
    const digests = await sha256Files(files, { direct });
    expect(digests).toEqual(files.map((f) => ({ sha256: hex(f.data), size: f.size })));
  });

  it('agrees with the streaming sha256File on every file', async () => {
    const many = await sha256Files(files, { direct });
    for (const [i, f] of files.entries()) expect(many[i]).toEqual(await sha256File(f.absPath));
  });

  it('keeps the order when hundreds of small files finish out of order', async () => {
    const dir = path.join(tmp.dir, `many-${direct}`);
    await mkdir(dir);
    const list: { absPath: string; size: number; data: Buffer }[] = [];
    for (let i = 0; i < 300; i++) {
      // Every tenth file is large, so small files overtake it.
      const data = randomBytes(i % 10 === 0 ? READ_CHUNK_BYTES + 7 : 100 + i);
      const absPath = path.join(dir, `m${i}`);
      await writeFile(absPath, data);
      list.push({ absPath, size: data.length, data });
    }
    const digests = await sha256Files(list, { concurrency: 8, direct });
    expect(digests.map((d) => d.sha256)).toEqual(list.map((f) => hex(f.data)));
  });

  it('goes on through the threadpool, in order and complete, when direct reads turn out slow', async () => {
    const dir = path.join(tmp.dir, `switch-${direct}`);
    await mkdir(dir);
    const list: { absPath: string; size: number; data: Buffer }[] = [];
    for (let i = 0; i < 100; i++) {
      const data = randomBytes(10 + i);
      const absPath = path.join(dir, `s${i}`);
      await writeFile(absPath, data);
      list.push({ absPath, size: data.length, data });
    }
    const done: number[] = [];
    // Every read counts as slow: after 12 files, the rest is read concurrently.
    const digests = await sha256Files(list, { direct, slowReadMs: -1, onFileDone: (i) => done.push(i) });
    expect(digests.map((d) => d.sha256)).toEqual(list.map((f) => hex(f.data)));
    expect([...done].sort((a, b) => a - b)).toEqual(list.map((_, i) => i));
  });

  it('reports every byte and every file once through onBytes and onFileDone', async () => {
    let bytes = 0;
    const done: number[] = [];
    await sha256Files(files, { onBytes: (n) => (bytes += n), onFileDone: (i) => done.push(i), direct });
    expect(bytes).toBe(sizes.reduce((s, n) => s + n, 0));
    expect([...done].sort((a, b) => a - b)).toEqual(sizes.map((_, i) => i));
  });

  it('hashes a file as it is now when it grew since it was listed', async () => {
    const absPath = path.join(tmp.dir, `grows-${direct}.bin`);
    const first = randomBytes(1000);
    const more = randomBytes(READ_CHUNK_BYTES);
    await writeFile(absPath, first);
    await appendFile(absPath, more);
    const [digest] = await sha256Files([{ absPath, size: first.length }], { direct });
    expect(digest).toEqual({ sha256: hex(Buffer.concat([first, more])), size: first.length + more.length });
  });

  it('hashes a file listed as empty that has since filled up', async () => {
    const absPath = path.join(tmp.dir, `was-empty-${direct}.bin`);
    const data = randomBytes(2 * READ_CHUNK_BYTES + 5);
    await writeFile(absPath, data);
    const [digest] = await sha256Files([{ absPath, size: 0 }], { direct });
    expect(digest).toEqual({ sha256: hex(data), size: data.length });
  });

  it('hashes a file listed larger than it now is (it shrank): its bytes as they are now', async () => {
    const absPath = path.join(tmp.dir, `shrank-${direct}.bin`);
    const data = randomBytes(500);
    await writeFile(absPath, data);
    const [digest] = await sha256Files([{ absPath, size: 4000 }], { direct });
    expect(digest).toEqual({ sha256: hex(data), size: 500 });
  });

  it('throws the fs error as is for a file that is gone', async () => {
    const gone = path.join(tmp.dir, 'gone.bin');
    await expect(sha256Files([...files, { absPath: gone, size: 10 }], { direct })).rejects.toMatchObject({ code: 'ENOENT', path: gone });
  });

  it('stops with CANCELLED once the signal is aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(sha256Files(files, { signal: ac.signal, direct })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('stops a large file between chunks when the signal is aborted meanwhile, not at its end', async () => {
    const size = 16 * READ_CHUNK_BYTES;
    const absPath = path.join(tmp.dir, 'large-abort.bin');
    await writeFile(absPath, Buffer.alloc(size, 7));
    const ac = new AbortController();
    let read = 0;
    const onBytes = (n: number): void => {
      read += n;
      if (read >= READ_CHUNK_BYTES) ac.abort();
    };
    await expect(sha256Files([{ absPath, size }], { signal: ac.signal, direct, onBytes })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(read).toBeLessThan(size);
  });
});
