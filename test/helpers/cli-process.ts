/**
 * The real `notarium` CLI as a child process that a test can SIGKILL at a chosen moment.
 *
 * The child is Node 24 running main/cli/bin.ts with `--max-semi-space-size=1` already set,
 * so bin.ts does not re-execute itself: the pid we kill is the process doing the work (a
 * launcher in between would die alone and leave its child running).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_PASSPHRASE } from './tmp.ts';

export const CLI_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../main/cli/bin.ts');

/** How a CLI run ended. */
export interface CliRun {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it (e.g. 'SIGKILL'), or null. */
  signal: NodeJS.Signals | null;
  /** True when this helper's SIGKILL ended the process (it had not exited on its own). */
  killed: boolean;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, milliseconds. */
  ms: number;
}

export interface CliRunOptions {
  /** Sent as NOTARIUM_DATA_DIR. */
  dataDir: string;
  /** SIGKILL the process this many milliseconds after spawn, unless it exited before. */
  killAfterMs?: number;
  /** Extra environment; NOTARIUM_PASSPHRASE is the test passphrase unless given here. */
  env?: NodeJS.ProcessEnv;
  /** Give up (SIGKILL, and reject) after this many milliseconds; default 120,000. */
  timeoutMs?: number;
}

/**
 * Runs `notarium <args>` without a terminal (stdin ignored).
 * @throws Error when the run outlives `timeoutMs` (the process is killed first).
 */
export function runCli(args: readonly string[], options: CliRunOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--max-semi-space-size=1', CLI_BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NOTARIUM_DATA_DIR: options.dataDir, NOTARIUM_PASSPHRASE: TEST_PASSPHRASE, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const killTimer = options.killAfterMs === undefined ? undefined : setTimeout(() => {
      // exitCode is set once the process has exited: a kill then would hit nothing.
      if (child.exitCode === null && child.signalCode === null) killed = child.kill('SIGKILL');
    }, options.killAfterMs);
    const timeout = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killTimer);
      clearTimeout(timeout);
      if (timedOut) {
        reject(new Error(`notarium ${args.join(' ')} did not finish within ${options.timeoutMs ?? 120_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
        return;
      }
      resolve({ code, signal, killed: killed && signal === 'SIGKILL', stdout, stderr, ms: performance.now() - started });
    });
  });
}
