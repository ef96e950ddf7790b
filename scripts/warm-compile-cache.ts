/**
 * Fills the `notarium` CLI's module compile cache (main/cli/compile-cache.mjs) by loading
 * every module the CLI and its workers may load: main/cli (but the entry points), main/core
 * and shared. Node then keeps their type-stripped output and V8 code on disk
 * (https://nodejs.org/api/module.html#module-compile-cache), so even the first `notarium`
 * command starts without type-stripping our sources: a faster start, and less memory at
 * start (measured: Notarium imported 133 → 103 MiB, with a cipher worker 157 → 122 MiB).
 * A long job's peak does not change: Node frees the type stripper's memory once the
 * modules are loaded (100,000 files: loop at 219–243 MiB either way).
 *
 * Run by `npm run setup`, and by the benchmarks before they measure a child process (the
 * CLI's steady state; `--cold-cache` measures without). Loading only: a worker entry point
 * throws when loaded outside a worker thread, after it was compiled; nothing is written but
 * the cache. Prints one line: the folder and the number of modules loaded.
 *
 *   node scripts/warm-compile-cache.ts [MODULE…]
 *
 * MODULE: more files to load (paths from the project folder), e.g. a benchmark script whose
 * main part runs only `if (import.meta.main)`.
 */
import module from 'node:module';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileCacheDir } from '../main/cli/compile-cache.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Entry points that run something when loaded. */
const ENTRY_POINTS = new Set(['main/cli/bin.ts']);

/** Every .ts module under `dir` (relative to the project), sorted. */
async function modulesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(ROOT, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((p) => !ENTRY_POINTS.has(p))
    .sort();
}

const dir = compileCacheDir(process.env);
const enabled = module.enableCompileCache(dir);
if (enabled.status === module.constants.compileCacheStatus.FAILED || enabled.status === module.constants.compileCacheStatus.DISABLED) {
  process.stderr.write(`warm-compile-cache: the compile cache is not available here (${enabled.message ?? 'disabled'}); nothing to do.\n`);
  process.exit(0);
}
let loaded = 0;
for (const dirName of ['shared', 'main/core', 'main/cli']) {
  for (const file of await modulesUnder(dirName)) {
    // Worker entry points throw outside a worker thread once compiled: compiled is all we need.
    await import(pathToFileURL(path.join(ROOT, file)).href).catch(() => undefined);
    loaded += 1;
  }
}
for (const file of process.argv.slice(2)) {
  await import(pathToFileURL(path.resolve(ROOT, file)).href);
  loaded += 1;
}
module.flushCompileCache();
process.stdout.write(`compile cache ${enabled.directory ?? dir}: ${loaded} modules\n`);
process.exit(0);
