// The environment the `notarium` launcher (notarium.mjs) gives the CLI's Node process, and
// the benchmarks give the processes they measure. Plain JavaScript: the launcher imports it under any Node.
import { compileCacheDir } from './compile-cache.mjs';

/**
 * glibc malloc arenas when the user set none (https://man7.org/linux/man-pages/man3/mallopt.3.html,
 * M_ARENA_MAX). By default glibc gives each thread that allocates its own arena, up to 8 per
 * core, and keeps what is freed in each: the cipher worker, libuv's threads and the embedded
 * devnet's (EDR) threads each grow their own. Two arenas: a notarization of 20,000 files
 * peaked at 208 MiB instead of 219–220, in the same time (bench/notarize, docs/PERFORMANCE.md).
 * Read by glibc when the process starts, so it must be in the environment it starts with.
 */
const MALLOC_ARENA_MAX = '2';

/**
 * `env` plus what the CLI process runs with: NODE_COMPILE_CACHE (compileCacheDir) and
 * MALLOC_ARENA_MAX (unless already set). Other platforms ignore the glibc variable.
 * @param {NodeJS.ProcessEnv} env
 * @returns {NodeJS.ProcessEnv}
 */
export function cliEnv(env = process.env) {
  return { ...env, NODE_COMPILE_CACHE: compileCacheDir(env), MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX || MALLOC_ARENA_MAX };
}
