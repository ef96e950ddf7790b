/**
 * The CLI's module compile cache: where it lives, and scripts/warm-compile-cache.ts filling
 * it (run by `npm run setup` and the benchmarks) without running anything but loading.
 */
import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileCacheDir } from '../../main/cli/compile-cache.mjs';
import { cliEnv } from '../../main/cli/launch-env.mjs';
import { tempDir } from '../helpers/tmp.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('compile cache', () => {
  it('is NODE_COMPILE_CACHE when set, else per user under the XDG cache folder, never the temp folder', () => {
    expect(compileCacheDir({ NODE_COMPILE_CACHE: '/x/cache' })).toBe('/x/cache');
    expect(compileCacheDir({ XDG_CACHE_HOME: '/home/u/.cache-elsewhere' })).toBe(path.join('/home/u/.cache-elsewhere', 'notarium', 'node-compile-cache'));
    expect(compileCacheDir({})).toMatch(/\.cache[/\\]notarium[/\\]node-compile-cache$/);
  });

  it("is in the CLI process's environment (cliEnv), with two glibc malloc arenas and a fixed 128 KiB mmap threshold unless the user set values", () => {
    const env = cliEnv({ PATH: '/bin', XDG_CACHE_HOME: '/c' });
    expect(env).toEqual({ PATH: '/bin', XDG_CACHE_HOME: '/c', NODE_COMPILE_CACHE: path.join('/c', 'notarium', 'node-compile-cache'), MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' });
    expect(cliEnv({ MALLOC_ARENA_MAX: '8' })['MALLOC_ARENA_MAX']).toBe('8');
    expect(cliEnv({ MALLOC_MMAP_THRESHOLD_: '4194304' })['MALLOC_MMAP_THRESHOLD_']).toBe('4194304');
    // An empty value reads as 0 to glibc: replaced, not kept.
    expect(cliEnv({ MALLOC_MMAP_THRESHOLD_: '', MALLOC_ARENA_MAX: '' })).toMatchObject({ MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_ARENA_MAX: '2' });
  });

  it('is filled by scripts/warm-compile-cache.ts with every module of shared, main/core and main/cli', async () => {
    const tmp = await tempDir();
    try {
      const dir = path.join(tmp.dir, 'cc');
      const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/warm-compile-cache.ts')], { encoding: 'utf8', env: { ...process.env, NODE_COMPILE_CACHE: dir } });
      expect(r.status, r.stderr).toBe(0);
      const count = Number(/: (\d+) modules/.exec(r.stdout)?.[1]);
      expect(count).toBeGreaterThan(100);
      const entries = await readdir(dir, { recursive: true });
      // One cache file per module at least (V8 code; the type-stripped text for .ts).
      expect(entries.length).toBeGreaterThan(count);
    } finally {
      await tmp.cleanup();
    }
  }, 60_000);
});
