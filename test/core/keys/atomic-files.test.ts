import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createFilesAtomically } from '../../../main/core/keys/atomic-files.ts';

describe('createFilesAtomically', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'notarium-atomic-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates every file with its content and leaves no temporary file', async () => {
    await createFilesAtomically(dir, [{ name: 'a', data: 'A' }, { name: 'b', data: new Uint8Array([1, 2]) }], 0o600);
    expect((await readdir(dir)).sort()).toEqual(['a', 'b']);
    expect(await readFile(path.join(dir, 'a'), 'utf8')).toBe('A');
    expect([...(await readFile(path.join(dir, 'b')))]).toEqual([1, 2]);
  });

  it('fails with EEXIST without overwriting, and removes the files it had already published', async () => {
    await writeFile(path.join(dir, 'marker'), 'existing');
    await expect(
      createFilesAtomically(dir, [{ name: 'a', data: 'A' }, { name: 'b', data: 'B' }, { name: 'marker', data: 'new' }], 0o600),
    ).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readdir(dir)).toEqual(['marker']);
    expect(await readFile(path.join(dir, 'marker'), 'utf8')).toBe('existing');
  });
});
