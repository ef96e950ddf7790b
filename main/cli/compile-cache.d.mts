/** Types of compile-cache.mjs (plain JavaScript, so that the launcher runs under any Node). */
/**
 * The `notarium` CLI's module compile cache folder: NODE_COMPILE_CACHE when set, else per
 * user under the XDG cache folder (LOCALAPPDATA on Windows). Absolute path.
 */
export function compileCacheDir(env?: NodeJS.ProcessEnv): string;
