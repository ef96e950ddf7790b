/** Types of launch-env.mjs (plain JavaScript, so that the launcher runs under any Node). */
/** glibc malloc arenas the CLI process runs with unless the user set MALLOC_ARENA_MAX. */
export const MALLOC_ARENA_MAX: string;
/** `env` plus NODE_COMPILE_CACHE (compileCacheDir) and MALLOC_ARENA_MAX (unless already set). */
export function cliEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
