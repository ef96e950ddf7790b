/**
 * bench/share: share a 1 GiB dataset of 1,000 files (1 MiB each) with a new recipient.
 * Sharing re-wraps file keys only, so the time depends on the file count, not the size.
 * Prints JSON lines:
 *   share_seconds_per_1000_files       first share in this process (the IPFS node is open
 *                                      from notarizing; crypto and rewrap workers start cold)
 *   share_warm_seconds_per_1000_files  later shares, services warm (the rewrap worker the
 *                                      first share parked is reused): the steady per-file cost
 *   share_cpu_seconds_per_1000_files / share_warm_cpu_…  CPU time of those shares, all
 *                                      threads: steadier than wall time on a loaded machine
 *   share_cli_seconds_per_1000_files   `notarium share` in a new process, as its service times it
 *   share_cli_process_seconds_per_1000_files  the same command's whole run (Node start,
 *                                      module loading, unlock, IPFS node start, share, exit)
 *   load_average_1m_start / _end       os.loadavg()[0]: these figures are wall times on a shared machine
 * Warm and CLI figures are medians of SHARE_BENCH_RUNS runs (default 3), for a loaded machine.
 * SHARE_BENCH_FILES sets the file count (default 1000).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Notarium } from '../main/core/notarium.ts';
import { generateAgeIdentity } from '../main/core/crypto/index.ts';

const FILES = Number(process.env['SHARE_BENCH_FILES'] ?? 1000);
const RUNS = Number(process.env['SHARE_BENCH_RUNS'] ?? 3);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const PASSPHRASE = 'bench passphrase';
const CLI = fileURLToPath(new URL('../main/cli/notarium.mjs', import.meta.url));
const line = (name: string, value: number, unit: string): void => {
  process.stdout.write(`${JSON.stringify({ name, value: Number(value.toFixed(4)), unit })}\n`);
};
const perThousand = (seconds: number): number => (seconds * 1000) / FILES;

line('load_average_1m_start', os.loadavg()[0] ?? 0, 'load');
const work = await mkdtemp(path.join(os.tmpdir(), 'notarium-share-bench-'));
try {
  const ds = path.join(work, 'ds');
  const dataDir = path.join(work, 'data');
  await mkdir(ds);
  for (let i = 0; i < FILES; i++) await writeFile(path.join(ds, `f${String(i).padStart(5, '0')}.bin`), randomBytes(1 << 20));
  const n = await Notarium.open({ dataDir, scryptN: 1024 });
  await n.init(PASSPHRASE);
  const r = await n.notarize({ inputs: [ds], title: 'share bench', receiptOut: path.join(work, 'r.json') }, { passphrase: PASSPHRASE });
  const cpuOf = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const before = process.cpuUsage();
    const result = await f();
    const used = process.cpuUsage(before);
    return [result, (used.user + used.system) / 1e6];
  };
  const shareOnce = async (i: number): Promise<[number, number]> => {
    const { recipient } = await generateAgeIdentity();
    const [result, cpu] = await cpuOf(() => n.share({ dataset: r.root, recipient, out: path.join(work, `ticket${i}.json`) }, { passphrase: PASSPHRASE }));
    return [result.seconds, cpu];
  };
  const [first, firstCpu] = await shareOnce(0);
  const warmRuns: [number, number][] = [];
  for (let i = 1; i <= RUNS; i++) warmRuns.push(await shareOnce(i));
  await n.close();

  // What a user runs: the launcher, a fresh Node, nothing warm but the OS page cache.
  const cliRuns: [number, number][] = [];
  for (let i = 0; i < RUNS; i++) {
    const { recipient } = await generateAgeIdentity();
    const started = performance.now();
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, '--data-dir', dataDir, '--json', 'share', r.root, '--recipient', recipient, '--out', path.join(work, `cli-ticket${i}.json`)], {
      env: { ...process.env, NOTARIUM_PASSPHRASE: PASSPHRASE },
    });
    cliRuns.push([(JSON.parse(stdout) as { seconds: number }).seconds, (performance.now() - started) / 1000]);
  }

  line('share_files', FILES, 'files');
  line('share_dataset_bytes', r.totalBytes, 'bytes');
  line('share_runs', RUNS, 'runs');
  line('share_seconds_per_1000_files', perThousand(first), 's');
  line('share_warm_seconds_per_1000_files', perThousand(median(warmRuns.map((x) => x[0]))), 's');
  line('share_cpu_seconds_per_1000_files', perThousand(firstCpu), 's');
  line('share_warm_cpu_seconds_per_1000_files', perThousand(median(warmRuns.map((x) => x[1]))), 's');
  line('share_cli_seconds_per_1000_files', perThousand(median(cliRuns.map((x) => x[0]))), 's');
  line('share_cli_process_seconds_per_1000_files', perThousand(median(cliRuns.map((x) => x[1]))), 's');
  line('load_average_1m_end', os.loadavg()[0] ?? 0, 'load');
} finally {
  await rm(work, { recursive: true, force: true });
}
