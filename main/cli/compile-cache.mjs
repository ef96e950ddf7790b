// Where the `notarium` CLI keeps Node's module compile cache (Node >= 22.1: V8 code and,
// for our TypeScript sources, the type-stripped output — https://nodejs.org/api/module.html#module-compile-cache).
// Plain JavaScript: the launcher imports it under any Node.
import os from 'node:os';
import path from 'node:path';

/**
 * The compile cache folder: NODE_COMPILE_CACHE when set, else per user under the XDG cache
 * folder (LOCALAPPDATA on Windows) — never a shared temp folder: cached code is executable.
 * @param {NodeJS.ProcessEnv} env
 * @returns {string} absolute path
 */
export function compileCacheDir(env = process.env) {
  if (env.NODE_COMPILE_CACHE) return env.NODE_COMPILE_CACHE;
  const cacheHome = env.XDG_CACHE_HOME || (process.platform === 'win32' ? env.LOCALAPPDATA : undefined) || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'notarium', 'node-compile-cache');
}
