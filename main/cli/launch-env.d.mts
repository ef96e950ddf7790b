/** Types of launch-env.mjs (plain JavaScript, so that the launcher runs under any Node). */
/** `env` plus NODE_COMPILE_CACHE (compileCacheDir), MALLOC_ARENA_MAX and MALLOC_MMAP_THRESHOLD_ (each unless already set). */
export function cliEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
