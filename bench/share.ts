/**
 * bench/share: share a 1 GiB dataset of 1,000 files (1 MiB each) with a new recipient.
 * Sharing re-wraps file keys only, so the time depends on the file count, not the size.
 * Prints JSON lines:
 *   share_seconds_per_1000_files       first share in this process (the IPFS node is open
 *                                      from notarizing; crypto and rewrap workers start cold)
 *   share_warm_seconds_per_1000_files  a second share, services warm: the steady per-file cost
 *   share_cpu_seconds_per_1000_files / share_warm_cpu_…  CPU time of those two shares, all
 *                                      threads: steadier than wall time on a loaded machine
 *   share_cli_seconds_per_1000_files   `notarium share` in a new process, as its service times it
 *   share_cli_process_seconds_per_1000_files  the same command's whole run (Node start,
 *                                      module loading, unlock, IPFS node start, share, exit)
 *   load_average_1m_start / _end       os.loadavg()[0]: these figures are wall times on a shared machine
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
  const { recipient } = await generateAgeIdentity();
  const [s, sCpu] = await cpuOf(() => n.share({ dataset: r.root, recipient, out: path.join(work, 'ticket.json') }, { passphrase: PASSPHRASE }));
  const second = await generateAgeIdentity();
  const [warm, warmCpu] = await cpuOf(() => n.share({ dataset: r.root, recipient: second.recipient, out: path.join(work, 'ticket2.json') }, { passphrase: PASSPHRASE }));
  await n.close();

  // What a user runs: the launcher, a fresh Node, nothing warm but the OS page cache.
  const third = await generateAgeIdentity();
  const started = performance.now();
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, '--data-dir', dataDir, '--json', 'share', r.root, '--recipient', third.recipient, '--out', path.join(work, 'ticket3.json')], {
    env: { ...process.env, NOTARIUM_PASSPHRASE: PASSPHRASE },
  });
  const processSeconds = (performance.now() - started) / 1000;
  const cli = JSON.parse(stdout) as { seconds: number };

  line('share_files', FILES, 'files');
  line('share_dataset_bytes', r.totalBytes, 'bytes');
  line('share_seconds_per_1000_files', perThousand(s.seconds), 's');
  line('share_warm_seconds_per_1000_files', perThousand(warm.seconds), 's');
  line('share_cpu_seconds_per_1000_files', perThousand(sCpu), 's');
  line('share_warm_cpu_seconds_per_1000_files', perThousand(warmCpu), 's');
  line('share_cli_seconds_per_1000_files', perThousand(cli.seconds), 's');
  line('share_cli_process_seconds_per_1000_files', perThousand(processSeconds), 's');
  line('load_average_1m_end', os.loadavg()[0] ?? 0, 'load');
} finally {
  await rm(work, { recursive: true, force: true });
}
