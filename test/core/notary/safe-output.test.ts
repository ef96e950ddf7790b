import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readdir, symlink, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createOutputFile, prepareOutputDir } from '../../../main/core/notary/safe-output.ts';
import { tempDir } from '../../helpers/tmp.ts';

describe('restoring files never escapes the output folder', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let out: string;
  beforeEach(async () => {
    tmp = await tempDir();
    out = await prepareOutputDir(path.join(tmp.dir, 'out'));
  });
  afterEach(async () => tmp.cleanup());

  it.each(['../escape.txt', '/etc/passwd', 'a/../../escape.txt', 'C:evil', 'a\\..\\b', ''])('refuses %j with UNSAFE_PATH and writes nothing', async (p) => {
    await expect(createOutputFile(out, p)).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    expect(await readdir(tmp.dir)).toEqual(['out']);
    expect(await readdir(out)).toEqual([]);
  });

  it('refuses to write through a symbolic link planted as a parent folder', async () => {
    const outside = path.join(tmp.dir, 'outside');
    await mkdir(outside);
    await symlink(outside, path.join(out, 'link'));
    await expect(createOutputFile(out, 'link/x.txt')).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses a path whose parent is a file written earlier (a and a/b in one manifest)', async () => {
    const a = await createOutputFile(out, 'a');
    await a.handle.write('x');
    await a.commit();
    await expect(createOutputFile(out, 'a/b')).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
  });

  it('refuses a duplicate path instead of overwriting', async () => {
    const first = await createOutputFile(out, 'd/x.csv');
    await first.handle.write('first');
    await first.commit();
    await expect(createOutputFile(out, 'd/x.csv')).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    expect(await readFile(path.join(out, 'd/x.csv'), 'utf8')).toBe('first');
  });

  it('a file appears under its name only after commit; abort leaves nothing', async () => {
    const f = await createOutputFile(out, 'sub/data.bin');
    await f.handle.write('partial');
    expect(await readdir(path.join(out, 'sub'))).not.toContain('data.bin');
    await f.abort();
    expect(await readdir(path.join(out, 'sub'))).toEqual([]);
  });

  it('an output folder that is not empty is refused', async () => {
    const busy = path.join(tmp.dir, 'busy');
    await mkdir(busy);
    await writeFile(path.join(busy, 'mine.txt'), 'x');
    await expect(prepareOutputDir(busy)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('an output that is a file, or under a file, is refused as a user error (not INTERNAL)', async () => {
    const file = path.join(tmp.dir, 'a.sum');
    await writeFile(file, 'x');
    await expect(prepareOutputDir(file)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/is a file, not a folder/) });
    await expect(prepareOutputDir(path.join(file, 'inside'))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
