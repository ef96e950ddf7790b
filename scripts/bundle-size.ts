/**
 * Prints the size of the three bundles after `electron-vite build`, and the renderer's
 * JavaScript gzipped (goal: at most 600 KB). Exits 1 when the goal is exceeded.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const GOAL_GZIP_BYTES = 600 * 1000;
const out = path.resolve(import.meta.dirname, '../out');

async function files(dir: string): Promise<string[]> {
  const list: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) list.push(...(await files(p)));
    else list.push(p);
  }
  return list;
}

let rendererGzip = 0;
for (const bundle of ['main', 'preload', 'renderer']) {
  let raw = 0;
  let gz = 0;
  for (const f of await files(path.join(out, bundle))) {
    const bytes = await readFile(f);
    raw += bytes.length;
    const g = gzipSync(bytes).length;
    gz += g;
    if (bundle === 'renderer' && f.endsWith('.js')) rendererGzip += g;
  }
  console.log(`${bundle.padEnd(9)} ${(raw / 1000).toFixed(1).padStart(8)} KB  (${(gz / 1000).toFixed(1)} KB gzipped)`);
}
console.log(`renderer JavaScript gzipped: ${(rendererGzip / 1000).toFixed(1)} KB (goal <= ${GOAL_GZIP_BYTES / 1000} KB)`);
if (rendererGzip > GOAL_GZIP_BYTES) process.exitCode = 1;
