/**
 * bench/verify: `notarium verify` (the service's verify: re-hash every local file, check
 * the receipt offline, then the anchor on the chain) against Node's own SHA-256 of the same
 * files (createHash over a createReadStream per file, one file after the other), same run.
 *
 *   node bench/verify.ts [--case mixed|4gib|small] [--quick] [--files N] [--size BYTES]
 *                        [--reuse DIR] [--rounds N] [--profile DIR]
 *
 * Cases are bench/notarize's (see there); the dataset is generated and notarized on the
 * embedded devnet first, unless --reuse DIR names a folder left by
 * `node bench/notarize.ts --keep DIR` (then DIR is kept). Each round runs Node's SHA-256,
 * then our verify, then our verify --offline, each in a fresh process, on a warm page cache (the files were just
 * written or read); the best of --rounds (default 2) is reported.
 *
 * Prints one JSON line (human notes go to stderr):
 *   {"bench":"verify","case","files","bytes","seconds","mbPerSec","nodeSha256Seconds",
 *    "nodeSha256MbPerSec","ratio","offlineSeconds","offlineRatio","cpuSeconds","nodeSha256CpuSeconds",
 *    "cliSeconds","peakRssMiB","peakRssMiBAllRounds","loadAvg1"}
 * seconds: the verify call alone (receipt read, hashing, offline checks, chain check on the
 * embedded devnet); offlineSeconds: the same with --offline (no chain: the local work alone);
 * cliSeconds: `notarium verify` as a user runs it, process start and devnet start included.
 * ratio = mbPerSec / nodeSha256MbPerSec (issue bar: >= 0.8); offlineRatio the same for --offline.
 * cpuSeconds / nodeSha256CpuSeconds: CPU time (user + system, all threads) of the same runs:
 * on a busy machine wall times follow the load, CPU times much less.
 * peakRssMiB: peak resident memory of the (online) verifying process, in the round reported;
 * peakRssMiBAllRounds: the highest of every round's (runs of the same code spread by ±10 MiB or more).
 * --profile DIR: the verifying process runs under `node --cpu-prof --cpu-prof-dir DIR`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { keptOrNotarized, parseCaseOptions, printBenchRow, runBenchChild, type KeptRun } from './notarize.ts';

const SELF = fileURLToPath(import.meta.url);
const CLI = path.resolve(path.dirname(SELF), '../main/cli/notarium.mjs');

interface Timed {
  seconds: number;
  /** Bytes hashed (baseline) or files that passed (verify). */
  count: number;
  maxRssKiB: number;
  /** CPU time of the measured part, all threads, user + system, seconds. */
  cpuSeconds: number;
}

/** CPU seconds (user + system, every thread of the process) since `from`. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

/** The baseline: every regular file under `root`, one after the other, as a plain Node script would. */
async function nodeSha256Child(root: string): Promise<Timed> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let bytes = 0;
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    if (!e.isFile()) continue;
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path.join(e.parentPath, e.name)) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    hash.digest();
  }
  return { seconds: (performance.now() - t0) / 1000, count: bytes, maxRssKiB: process.resourceUsage().maxRSS, cpuSeconds: cpuSince(c0) };
}

async function verifyChild(dataDir: string, root: string, receiptPath: string, offline: boolean): Promise<Timed> {
  const { Notarium } = await import('../main/core/notarium.ts');
  const n = await Notarium.open({ dataDir });
  try {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const report = await n.verify({ inputs: [root], receipt: receiptPath, offline });
    const seconds = (performance.now() - t0) / 1000;
    const cpuSeconds = cpuSince(c0);
    if (!report.ok) throw new Error(`verify failed: ${report.summary}`);
    return { seconds, count: report.files.filter((f) => f.status === 'pass').length, maxRssKiB: process.resourceUsage().maxRSS, cpuSeconds };
  } finally {
    await n.close();
  }
}

function cliSeconds(kept: KeptRun): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, '--data-dir', kept.dataDir, 'verify', kept.dataset.root, '--receipt', kept.receiptPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`notarium verify exited ${r.status}: ${r.stderr.toString()}`);
  return seconds;
}

async function main(): Promise<void> {
  const o = parseCaseOptions(process.argv.slice(2), { reuse: { type: 'string' }, rounds: { type: 'string' }, profile: { type: 'string' } });
  const reuse = o.values['reuse'] as string | undefined;
  const rounds = Number(o.values['rounds'] ?? 2);
  const profile = o.values['profile'] as string | undefined;
  if (profile !== undefined) await mkdir(path.resolve(profile), { recursive: true });
  const work = reuse === undefined ? await mkdtemp(path.join(process.env['BENCH_DIR'] ?? os.tmpdir(), 'notarium-bench-')) : path.resolve(reuse);
  try {
    const kept = await keptOrNotarized(work, reuse !== undefined, o);
    const { dataset } = kept;
    let node: Timed | undefined;
    let ours: Timed | undefined;
    let offline: Timed | undefined;
    let maxRssKiB = 0;
    for (let i = 0; i < rounds; i++) {
      const n = runBenchChild<Timed>(SELF, ['--node-sha256', dataset.root]);
      if (n.count !== dataset.bytes) throw new Error(`baseline hashed ${n.count} bytes, expected ${dataset.bytes}`);
      const v = runBenchChild<Timed>(SELF, ['--verify', kept.dataDir, dataset.root, kept.receiptPath], profile === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', path.resolve(profile)]);
      if (v.count !== dataset.files.length) throw new Error(`verify passed ${v.count} files, expected ${dataset.files.length}`);
      maxRssKiB = Math.max(maxRssKiB, v.maxRssKiB);
      const off = runBenchChild<Timed>(SELF, ['--verify', kept.dataDir, dataset.root, kept.receiptPath, 'offline']);
      process.stderr.write(`round ${i + 1}: node sha256 ${n.seconds.toFixed(2)} s, verify ${v.seconds.toFixed(2)} s (peak RSS ${(v.maxRssKiB / 1024).toFixed(1)} MiB), verify --offline ${off.seconds.toFixed(2)} s\n`);
      if (node === undefined || n.seconds < node.seconds) node = n;
      if (ours === undefined || v.seconds < ours.seconds) ours = v;
      if (offline === undefined || off.seconds < offline.seconds) offline = off;
    }
    if (node === undefined || ours === undefined || offline === undefined) throw new Error('--rounds must be at least 1');
    const cli = cliSeconds(kept);
    const mbPerSec = dataset.bytes / 1e6 / ours.seconds;
    const nodeMbPerSec = dataset.bytes / 1e6 / node.seconds;
    printBenchRow({
      bench: 'verify',
      case: kept.caseName,
      files: dataset.files.length,
      bytes: dataset.bytes,
      seconds: ours.seconds,
      mbPerSec,
      nodeSha256Seconds: node.seconds,
      nodeSha256MbPerSec: nodeMbPerSec,
      ratio: mbPerSec / nodeMbPerSec,
      offlineSeconds: offline.seconds,
      offlineRatio: node.seconds / offline.seconds,
      cpuSeconds: ours.cpuSeconds,
      nodeSha256CpuSeconds: node.cpuSeconds,
      cliSeconds: cli,
      peakRssMiB: ours.maxRssKiB / 1024,
      peakRssMiBAllRounds: maxRssKiB / 1024,
    });
  } finally {
    if (reuse === undefined) await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const [mode, ...args] = process.argv.slice(2);
  let out: Timed | undefined;
  if (mode === '--node-sha256') out = await nodeSha256Child(args[0] as string);
  else if (mode === '--verify') out = await verifyChild(args[0] as string, args[1] as string, args[2] as string, args[3] === 'offline');
  else await main();
  if (out !== undefined) process.stdout.write(`${JSON.stringify(out)}\n`);
}
