/** Types of launch-env.mjs (plain JavaScript, so that the launcher runs under any Node). */
/** `env` plus NODE_COMPILE_CACHE (compileCacheDir) and MALLOC_ARENA_MAX (unless already set). */
export function cliEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
