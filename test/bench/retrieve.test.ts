import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertSameTree } from '../../bench/retrieve.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('bench/retrieve assertSameTree', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let dataset: { root: string; files: { path: string; size: number }[] };
  let out: string;

  const write = async (root: string, rel: string, text: string): Promise<void> => {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  };

  beforeEach(async () => {
    tmp = await tempDir();
    dataset = { root: path.join(tmp.dir, 'dataset'), files: [{ path: 'a.bin', size: 3 }, { path: 'd/b.bin', size: 5 }] };
    out = path.join(tmp.dir, 'out');
    for (const root of [dataset.root, out]) {
      await write(root, 'a.bin', 'abc');
      await write(root, 'd/b.bin', 'hello');
    }
  });
  afterEach(() => tmp.cleanup());

  it('accepts a byte-identical copy and counts its files', async () => {
    await expect(assertSameTree(dataset, out)).resolves.toBe(2);
  });

  it('rejects a file whose bytes differ, even at the same size', async () => {
    await writeFile(path.join(out, 'd/b.bin'), 'hellp');
    await expect(assertSameTree(dataset, out)).rejects.toThrow(/d\/b\.bin differs/);
  });

  it('rejects a missing file and an extra file', async () => {
    await rm(path.join(out, 'a.bin'));
    await expect(assertSameTree(dataset, out)).rejects.toThrow(/lacks a\.bin/);
    await write(out, 'a.bin', 'abc');
    await write(out, 'd/extra.bin', 'x');
    await expect(assertSameTree(dataset, out)).rejects.toThrow(/d\/extra\.bin, not in the dataset/);
  });
});
