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
 * glibc's mmap threshold (bytes) when the user set none (mallopt M_MMAP_THRESHOLD). It starts
 * at 128 KiB but rises, up to 32 MiB, each time a mapped block is freed; from then on the
 * 1 MiB buffers of reads, leaves and streams come from the arenas, and what they free stays
 * with the process. Set, it stays at 128 KiB: such buffers are mapped and given back to the
 * system when freed. Notarizing 20,000 files: 209 → 191–194 MiB in the same time; 100,000
 * files: 272–280 → 254 MiB; a 2 GiB file: 188–195 → 170–173 MiB, ≈ 4 % slower; verifying
 * 100,000 files: no difference (docs/PERFORMANCE.md).
 */
const MALLOC_MMAP_THRESHOLD = '131072';

/**
 * `env` plus what the CLI process runs with: NODE_COMPILE_CACHE (compileCacheDir),
 * MALLOC_ARENA_MAX and MALLOC_MMAP_THRESHOLD_ (glibc's, each unless already set to a
 * value). Other platforms ignore the glibc variables.
 * @param {NodeJS.ProcessEnv} env
 * @returns {NodeJS.ProcessEnv}
 */
export function cliEnv(env = process.env) {
  return {
    ...env,
    NODE_COMPILE_CACHE: compileCacheDir(env),
    // `||`: an empty value would read as 0 (every allocation its own mapping, or one arena).
    MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX || MALLOC_ARENA_MAX,
    MALLOC_MMAP_THRESHOLD_: env.MALLOC_MMAP_THRESHOLD_ || MALLOC_MMAP_THRESHOLD,
  };
}
