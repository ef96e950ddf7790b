#!/usr/bin/env node
/**
 * `notarium` launcher. The pipeline streams gigabytes through short-lived 1 MiB buffers;
 * with V8's default young generation (semi-spaces of up to 32 MiB) the garbage between
 * scavenges alone adds ~100 MiB of resident memory. A 1 MiB semi-space keeps the peak RSS
 * of a 1 GiB notarization under 300 MB at the same speed, and V8 reads the flag only at
 * start-up, so the launcher re-executes itself once with it.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FLAG = '--max-semi-space-size=1';

// `npm run notarium -- …` runs in the package folder: resolve the user's paths from where they typed it.
if (process.env['npm_lifecycle_event'] === 'notarium' && process.env['INIT_CWD'] !== undefined) process.chdir(process.env['INIT_CWD']);

if (process.execArgv.some((a) => a.startsWith('--max-semi-space-size')) || process.env['NOTARIUM_NO_REEXEC'] === '1') {
  const { buildProgram } = await import('./program.ts');
  await buildProgram().parseAsync(process.argv);
} else {
  const child = spawn(process.execPath, [FLAG, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal !== null) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
