/**
 * CAR transfer between two embedded nodes with separate folders: a CARv1 file holding
 * the full DAGs of chosen roots, read back by @ipld/car; import verifies every block and
 * the completeness of every root's DAG, and a truncated, altered, incomplete or foreign
 * file is rejected with nothing stored.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CarReader } from '@ipld/car/reader';
import { CarWriter } from '@ipld/car/writer';
import * as dagPb from '@ipld/dag-pb';
import type { CID } from 'multiformats/cid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cidOfStream, exportCar, HeliaBackend } from '../../../main/core/ipfs/index.ts';
import { removeAll, tempFolder } from './temp-folder.ts';

const MIB = 1_048_576;

let a: HeliaBackend;
let b: HeliaBackend;
let bFolder: string;
let work: string;

beforeEach(async () => {
  a = await HeliaBackend.open(await tempFolder(), { durability: 'none' });
  bFolder = await tempFolder();
  b = await HeliaBackend.open(bFolder);
  work = await tempFolder();
});

afterEach(async () => {
  await a.stop();
  await b.stop();
  await removeAll();
});

async function readAll(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}

/** Every regular file under `folder` (the blockstore's block files, staging leftovers). */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Two files on A: a 2.5 MiB one (dag-pb root over three raw leaves) and a one-block one. */
async function twoFiles(): Promise<{ big: Buffer; small: Buffer; roots: CID[] }> {
  const big = randomBytes(2.5 * MIB);
  const small = Buffer.from('age-encryption.org/v1 header stand-in');
  const roots = [(await a.addBytes(big)).cid, (await a.addBytes(small)).cid];
  return { big, small, roots };
}

describe('CAR export', () => {
  it('writes a CARv1 with the roots in its header and every block of their DAGs once, in DAG order', async () => {
    const { small, roots } = await twoFiles();
    const file = join(work, 'dataset.car');
    const result = await exportCar(a, [...roots, roots[0] as CID], file);

    expect(result.roots.map(String)).toEqual(roots.map(String));
    expect(result.blocks).toBe(5); // big: root + 3 leaves; small: 1 raw block
    expect(result.fileBytes).toBe((await stat(file)).size);

    const reader = await CarReader.fromBytes(await readFile(file));
    expect(reader.version).toBe(1);
    expect((await reader.getRoots()).map(String)).toEqual(roots.map(String));
    const order: string[] = [];
    for await (const block of reader.blocks()) order.push(block.cid.toString());
    const links = dagPb.decode(await a.getBlock(roots[0] as CID)).Links.map((l) => l.Hash.toString());
    expect(order).toEqual([roots[0]?.toString(), ...links, roots[1]?.toString()]);
    expect(result.blockBytes).toBe((await a.getBlock(roots[0] as CID)).byteLength + 2.5 * MIB + small.length);
  });

  it('is deterministic: the same roots give the same bytes', async () => {
    const { roots } = await twoFiles();
    await exportCar(a, roots, join(work, '1.car'));
    await exportCar(a, roots, join(work, '2.car'));
    expect((await readFile(join(work, '1.car'))).equals(await readFile(join(work, '2.car')))).toBe(true);
  });

  it('fails with NOT_FOUND for a root the node lacks and leaves no file behind', async () => {
    const absent = await cidOfStream([randomBytes(64)]);
    await expect(exportCar(a, [absent.cid], join(work, 'x.car'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await readdir(work)).toEqual([]);
  });

  it('refuses an existing file with INVALID_INPUT naming it, leaving it untouched; replace: true replaces it', async () => {
    const { roots } = await twoFiles();
    const file = join(work, 'taken.car');
    await writeFile(file, 'not mine to overwrite');
    await expect(exportCar(a, roots, file)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining(file) as unknown, details: { path: file } });
    expect(await readFile(file, 'utf8')).toBe('not mine to overwrite');
    expect(await readdir(work)).toEqual(['taken.car']);

    const result = await exportCar(a, roots, file, { replace: true });
    expect((await stat(file)).size).toBe(result.fileBytes);
    expect((await (await CarReader.fromBytes(await readFile(file))).getRoots()).map(String)).toEqual(roots.map(String));
    expect(await readdir(work)).toEqual(['taken.car']);
  });

  it('refuses a folder at the output path, even with replace, and leaves nothing in it', async () => {
    const { roots } = await twoFiles();
    const folder = join(work, 'usb');
    await mkdir(folder);
    for (const replace of [false, true]) {
      await expect(exportCar(a, roots, folder, { replace })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('is a folder') as unknown, details: { path: folder } });
    }
    expect((await stat(folder)).isDirectory()).toBe(true);
    expect(await readdir(folder)).toEqual([]);
    expect(await readdir(work)).toEqual(['usb']);
  });
});

describe('CAR import', () => {
  it('moves two files from node A to node B: roots pinned, content byte-identical', async () => {
    const { big, small, roots } = await twoFiles();
    const file = join(work, 'dataset.car');
    await exportCar(a, roots, file);

    const result = await b.importCar(file);
    expect(result.roots.map(String)).toEqual(roots.map(String));
    expect(result.blocks).toBe(5);
    for (const root of roots) expect(await b.isPinned(root)).toBe(true);
    expect((await readAll(b.cat(roots[0] as CID))).equals(big)).toBe(true);
    expect((await readAll(b.cat(roots[1] as CID))).equals(small)).toBe(true);
    expect(await filesUnder(join(bFolder, 'staging'))).toEqual([]);
  });

  it('rejects a truncated CAR with INVALID_INPUT and stores nothing', async () => {
    const { roots } = await twoFiles();
    const file = join(work, 'dataset.car');
    await exportCar(a, roots, file);
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 1000));

    await expect(b.importCar(file)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('nothing was imported') as unknown, details: { integrity: 'truncated' } });
    expect(await filesUnder(join(bFolder, 'blocks'))).toEqual([]);
    expect(await filesUnder(join(bFolder, 'staging'))).toEqual([]);
    for (const root of roots) expect(await b.isPinned(root)).toBe(false);
  });

  it('rejects a CAR with one altered byte with CID_MISMATCH and stores nothing', async () => {
    const { roots } = await twoFiles();
    const file = join(work, 'dataset.car');
    await exportCar(a, roots, file);
    const bytes = await readFile(file);
    // A byte in the middle of the second leaf: far from the header and block prefixes.
    const at = Math.floor(bytes.length / 2);
    bytes[at] = (bytes[at] as number) ^ 0x01;
    await writeFile(file, bytes);

    await expect(b.importCar(file)).rejects.toMatchObject({ code: 'CID_MISMATCH', details: { integrity: 'altered' } });
    expect(await filesUnder(join(bFolder, 'blocks'))).toEqual([]);
    for (const root of roots) expect(await b.isPinned(root)).toBe(false);
  });

  it('rejects a CAR that lacks a block of a root DAG, unless the receiving node already has that block', async () => {
    const big = randomBytes(2 * MIB + 10);
    const { cid: root } = await a.addBytes(big);
    const [firstLeaf, ...otherLeaves] = dagPb.decode(await a.getBlock(root)).Links.map((l) => l.Hash);
    const file = join(work, 'incomplete.car');
    const { writer, out } = CarWriter.create([root]);
    const collected = readAll(out);
    await writer.put({ cid: root, bytes: await a.getBlock(root) });
    for (const leaf of otherLeaves) await writer.put({ cid: leaf, bytes: await a.getBlock(leaf) });
    await writer.close();
    await writeFile(file, await collected);

    await expect(b.importCar(file)).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { cid: firstLeaf?.toString(), integrity: 'incomplete' } });
    expect(await filesUnder(join(bFolder, 'blocks'))).toEqual([]);

    // The receiving site got the missing leaf earlier (another CAR, another dataset).
    await b.addBytes(big.subarray(0, MIB));
    await b.importCar(file);
    expect(await b.isPinned(root)).toBe(true);
    expect((await readAll(b.cat(root))).equals(big)).toBe(true);
  });

  it('rejects a file that is not a CAR with INVALID_INPUT and a missing file with NOT_FOUND', async () => {
    const junk = join(work, 'junk.car');
    await writeFile(junk, randomBytes(4096));
    await expect(b.importCar(junk)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(b.importCar(join(work, 'absent.car'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await filesUnder(join(bFolder, 'blocks'))).toEqual([]);
  });

  it('rejects a CAR whose header names no root', async () => {
    const { cid } = await a.addBytes(Buffer.from('x'));
    const { writer, out } = CarWriter.create([]);
    const collected = readAll(out);
    await writer.put({ cid, bytes: await a.getBlock(cid) });
    await writer.close();
    const file = join(work, 'rootless.car');
    await writeFile(file, await collected);
    await expect(b.importCar(file)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('no root') as unknown });
  });
});
