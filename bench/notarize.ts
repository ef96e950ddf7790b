/**
 * bench/notarize: notarize a 1 GiB dataset (1 × 512 MiB + 512 × 1 MiB, random bytes) on
 * the embedded defaults (Helia on disk, devnet), and compare with the `age -e` CLI
 * encrypting the same files to disk in the same run.
 *
 * Prints JSON lines {"name", "value", "unit"}:
 *   notarize_mb_per_s     end-to-end notarization throughput (hash + age + IPFS + anchor)
 *   age_cli_mb_per_s      `age -e -r <recipient> -o <file>` over the same files
 *   notarize_vs_age_cli   ratio of the two (issue bar: >= 0.4)
 *   notarize_peak_rss_mb  peak resident memory of the notarizing process (bar: <= 300 MB)
 *   notarize_big_file_* / age_cli_big_file_*: the 512 MiB file alone, both ways (no per-file costs)
 * Usage: node bench/notarize.ts [--small]   (--small: 64 MiB + 64 × 1 MiB, for a quick look)
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, writeFile, open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MiB = 1 << 20;
const here = path.dirname(fileURLToPath(import.meta.url));

function line(name: string, value: number, unit: string): void {
  process.stdout.write(`${JSON.stringify({ name, value: Number(value.toFixed(3)), unit })}\n`);
}

async function writeRandom(file: string, bytes: number): Promise<void> {
  const fh = await open(file, 'w');
  for (let done = 0; done < bytes; done += 8 * MiB) await fh.write(randomBytes(Math.min(8 * MiB, bytes - done)));
  await fh.close();
}

if (process.argv[2] === '--child') {
  // The measured process: open Notarium on a fresh data folder and notarize.
  const [, , , dataDir, dataset] = process.argv as [string, string, string, string, string];
  const { Notarium } = await import('../main/core/notarium.ts');
  const n = await Notarium.open({ dataDir, scryptN: 1024 });
  const acct = await n.init('bench passphrase');
  const t0 = performance.now();
  const r = await n.notarize({ inputs: [dataset], title: 'bench', confirmations: 1, receiptOut: path.join(dataDir, 'bench.receipt.json') }, { passphrase: 'bench passphrase' });
  const seconds = (performance.now() - t0) / 1000;
  await n.close();
  process.stdout.write(`${JSON.stringify({ seconds, bytes: r.totalBytes, maxRssKiB: process.resourceUsage().maxRSS, recipient: acct.recipient })}\n`);
  process.exit(0);
}

const small = process.argv.includes('--small');
const bigBytes = (small ? 64 : 512) * MiB;
const smallCount = small ? 64 : 512;
const work = await mkdtemp(path.join(process.env['BENCH_DIR'] ?? os.tmpdir(), 'notarium-bench-'));
try {
  const dataset = path.join(work, 'dataset');
  await mkdir(path.join(dataset, 'small'), { recursive: true });
  await writeRandom(path.join(dataset, 'big.bin'), bigBytes);
  for (let i = 0; i < smallCount; i++) await writeFile(path.join(dataset, 'small', `f${String(i).padStart(4, '0')}.bin`), randomBytes(MiB));
  const total = bigBytes + smallCount * MiB;

  const runChild = (data: string, input: string): { seconds: number; bytes: number; maxRssKiB: number; recipient: string } => {
    const child = spawnSync(process.execPath, ['--max-semi-space-size=1', fileURLToPath(import.meta.url), '--child', data, input], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    if (child.status !== 0) throw new Error(`notarize child failed (${child.status})`);
    return JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as { seconds: number; bytes: number; maxRssKiB: number; recipient: string };
  };
  const res = runChild(path.join(work, 'data'), dataset);

  // age CLI on the same files, writing ciphertext to the same disk: one `age -e` per file,
  // as a user encrypting these files with age would run it.
  const ageOut = path.join(work, 'age-out');
  await mkdir(ageOut);
  const files = [path.join(dataset, 'big.bin'), ...Array.from({ length: smallCount }, (_, i) => path.join(dataset, 'small', `f${String(i).padStart(4, '0')}.bin`))];
  const ageRun = (list: string[]): number => {
    const t0 = performance.now();
    list.forEach((f, i) => {
      const r = spawnSync('age', ['-e', '-r', res.recipient, '-o', path.join(ageOut, `${i}.age`), f]);
      if (r.status !== 0) throw new Error(`age -e failed: ${r.stderr.toString()}`);
    });
    return (performance.now() - t0) / 1000;
  };
  const ageSeconds = ageRun(files);

  // The large file alone, both ways: no per-file costs, the pipeline's raw speed.
  const bigOnly = path.join(work, 'big-only');
  await mkdir(bigOnly);
  await rename(path.join(dataset, 'big.bin'), path.join(bigOnly, 'big.bin'));
  const big = runChild(path.join(work, 'data-big'), bigOnly);
  const ageBigSeconds = ageRun([path.join(bigOnly, 'big.bin')]);

  const ours = total / 1e6 / res.seconds;
  const theirs = total / 1e6 / ageSeconds;
  line('dataset_bytes', total, 'bytes');
  line('notarize_mb_per_s', ours, 'MB/s');
  line('age_cli_mb_per_s', theirs, 'MB/s');
  line('notarize_vs_age_cli', ours / theirs, 'ratio');
  line('notarize_peak_rss_mb', res.maxRssKiB / 1024, 'MiB');
  line('notarize_big_file_mb_per_s', bigBytes / 1e6 / big.seconds, 'MB/s');
  line('age_cli_big_file_mb_per_s', bigBytes / 1e6 / ageBigSeconds, 'MB/s');
  line('notarize_vs_age_cli_big_file', ageBigSeconds / big.seconds, 'ratio');
  line('notarize_big_file_peak_rss_mb', big.maxRssKiB / 1024, 'MiB');
} finally {
  await rm(work, { recursive: true, force: true });
}
void here;
