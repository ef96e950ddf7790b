/**
 * bench/notarize: end-to-end notarization (hash + age + IPFS + anchor, on the embedded
 * defaults: Helia on disk, devnet) of a generated dataset, against the `age -e` CLI
 * encrypting the same files to disk in the same run (one `age` process per file, as a
 * user would run it; Debian package `age`).
 *
 *   node bench/notarize.ts [--case mixed|4gib|small] [--quick] [--files N] [--size BYTES]
 *                          [--keep DIR] [--profile DIR]
 *
 * Cases (--quick shrinks each one for a look in seconds):
 *   mixed (default)  1 × 512 MiB + 512 × 1 MiB, then the 512 MiB file alone   (quick: 64 MiB + 64 × 1 MiB)
 *   4gib             1 × 4 GiB                                                  (quick: 256 MiB)
 *   small            100,000 × 16 KiB in folders of 1,000                       (quick: 2,000 files)
 * --files / --size override the count and size of the 4gib or small case (e.g.
 * `--case small --files 2000`). The data is an AES-256-CTR keystream under a random key:
 * incompressible, and no two 1 MiB blocks are alike, so IPFS cannot deduplicate it.
 *
 * Prints one JSON line per measured dataset (human notes go to stderr):
 *   {"bench":"notarize","case","files","bytes","seconds","mbPerSec","ageSeconds",
 *    "ageMbPerSec","ratio","ageSyncSeconds","ratioDurable","peakRssMiB","loadAvg1"}
 * MB/s are 10^6 bytes of plaintext per second; ratio = mbPerSec / ageMbPerSec (issue bars:
 * >= 0.4 small files, >= 0.6 on 4 GiB). age leaves its output in the page cache while a
 * notarization ends with its store flushed: ageSyncSeconds is what `sync -f` then takes to
 * make age's output durable, and ratioDurable = (ageSeconds + ageSyncSeconds) / seconds
 * compares the two at equal durability. peakRssMiB is the notarizing process's peak resident memory (bar: <= 300 MiB);
 * loadAvg1 is the machine's 1-minute load average at the end (figures are only comparable
 * on a quiet machine).
 *
 * --keep DIR: generate into DIR and keep the dataset, data folder and receipt there, so
 *   `node bench/verify.ts --reuse DIR` verifies them without notarizing again.
 * --profile DIR: run the notarizing process under `node --cpu-prof --cpu-prof-dir DIR`;
 *   open the .cpuprofile in Chrome DevTools (Performance tab) or VS Code to see where time goes.
 * Disk: the dataset, its IPFS blocks and age's output coexist briefly (≈ 3 × the dataset;
 * 12 GiB for 4gib). BENCH_DIR chooses where (default: the OS temp folder).
 * Time: the small case runs 100,000 `age` processes (≈ 5–10 ms each here) after notarizing.
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mapLimit } from '../main/core/notary/map-limit.ts';

const KiB = 1 << 10;
const MiB = 1 << 20;
const GiB = 1 << 30;
const SELF = fileURLToPath(import.meta.url);
export const PASSPHRASE = 'bench passphrase';

/** A generated dataset: `root` holds `files` (POSIX paths relative to it, sizes in bytes). */
export interface Dataset {
  name: string;
  root: string;
  files: { path: string; size: number }[];
  bytes: number;
}

/** What bench/notarize leaves in a --keep folder (bench-meta.json) for bench/verify. */
export interface KeptRun {
  caseName: string;
  dataset: Dataset;
  dataDir: string;
  receiptPath: string;
  recipient: string;
}

export const CASES = ['mixed', '4gib', 'small'] as const;
export type CaseName = (typeof CASES)[number];

/** Layout of a case: file paths and sizes in bytes. */
export function caseFiles(caseName: CaseName, o: { quick: boolean; files?: number; size?: number }): { path: string; size: number }[] {
  if (caseName === 'mixed') {
    const n = o.quick ? 64 : 512;
    return [{ path: 'big.bin', size: (o.quick ? 64 : 512) * MiB }, ...Array.from({ length: n }, (_, i) => ({ path: `small/f${String(i).padStart(4, '0')}.bin`, size: MiB }))];
  }
  if (caseName === '4gib') {
    const n = o.files ?? 1;
    const size = o.size ?? (o.quick ? 256 * MiB : 4 * GiB);
    return Array.from({ length: n }, (_, i) => ({ path: n === 1 ? 'big.bin' : `big${i}.bin`, size }));
  }
  const n = o.files ?? (o.quick ? 2000 : 100_000);
  const size = o.size ?? 16 * KiB;
  return Array.from({ length: n }, (_, i) => ({ path: `d${String(Math.floor(i / 1000)).padStart(3, '0')}/f${String(i).padStart(6, '0')}.bin`, size }));
}

/**
 * Keystream of AES-256-CTR under a random key: ~GB/s, incompressible, never repeats within
 * 2^128 blocks, so every 1 MiB block of the dataset differs.
 */
class Keystream {
  readonly #cipher = createCipheriv('aes-256-ctr', randomBytes(32), randomBytes(16));
  readonly #zeros = Buffer.alloc(8 * MiB);
  #pool = Buffer.alloc(0);

  /** `n` fresh bytes (a new buffer, safe to hand to an async write). */
  take(n: number): Buffer {
    if (n >= this.#zeros.length) return this.#cipher.update(n === this.#zeros.length ? this.#zeros : Buffer.alloc(n));
    if (this.#pool.length < n) this.#pool = this.#cipher.update(this.#zeros);
    const out = this.#pool.subarray(0, n);
    this.#pool = this.#pool.subarray(n);
    return out;
  }
}

/** Writes the dataset's files under `root` (created). */
export async function generateDataset(name: string, root: string, files: { path: string; size: number }[]): Promise<Dataset> {
  const ks = new Keystream();
  const dirs = new Set(files.map((f) => path.dirname(path.join(root, f.path))));
  for (const d of dirs) await mkdir(d, { recursive: true });
  // Small files: a few writes in flight hide the per-file open/close latency.
  await mapLimit(files, 16, async (f) => {
    const file = path.join(root, f.path);
    if (f.size <= 8 * MiB) return writeFile(file, ks.take(f.size));
    const fh = await open(file, 'w');
    try {
      for (let done = 0; done < f.size; done += 8 * MiB) await fh.write(ks.take(Math.min(8 * MiB, f.size - done)));
    } finally {
      await fh.close();
    }
  });
  return { name, root, files, bytes: files.reduce((s, f) => s + f.size, 0) };
}

export interface ChildResult {
  seconds: number;
  bytes: number;
  maxRssKiB: number;
  recipient: string;
  receiptPath: string;
}

/**
 * Notarizes `input` in a fresh process on a fresh data folder (the measured process).
 * @param profileDir when set, the process writes a V8 CPU profile there.
 */
export function notarizeInChild(dataDir: string, input: string, profileDir?: string): ChildResult {
  return runBenchChild<ChildResult>(SELF, ['--child', dataDir, input], profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir]);
}

/**
 * Runs `script` with `args` in a child Node with the CLI launcher's heap flag
 * (--max-semi-space-size=1) plus `nodeFlags`, and returns the JSON of the child's last
 * stdout line. Throws Error when the child exits non-zero.
 */
export function runBenchChild<T>(script: string, args: string[], nodeFlags: readonly string[] = []): T {
  const child = spawnSync(process.execPath, ['--max-semi-space-size=1', ...nodeFlags, script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`${args[0] ?? script} child failed (${child.status})`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) as string) as T;
}

/**
 * The dataset a follow-up benchmark (verify, retrieve) measures: with `reuse`, the one kept
 * in `work` by `bench/notarize.ts --keep` (its bench-meta.json); else the case in `o`,
 * generated and notarized in `work` now.
 */
export async function keptOrNotarized(work: string, reuse: boolean, o: ReturnType<typeof parseCaseOptions>): Promise<KeptRun> {
  if (reuse) return JSON.parse(await readFile(path.join(work, 'bench-meta.json'), 'utf8')) as KeptRun;
  process.stderr.write(`generating the ${o.caseName} dataset in ${work}…\n`);
  const dataset = await generateDataset(o.caseName, path.join(work, 'dataset'), caseFiles(o.caseName, o));
  process.stderr.write(`${dataset.files.length} files; notarizing…\n`);
  const dataDir = path.join(work, 'data');
  const r = notarizeInChild(dataDir, dataset.root);
  return { caseName: o.caseName, dataset, dataDir, receiptPath: r.receiptPath, recipient: r.recipient };
}

/**
 * Seconds for `age -e -r recipient -o … file`, one process per file, output written under
 * `outDir` then deleted; and `syncSeconds`, the seconds `sync -f` then takes to make that
 * output durable (age leaves it in the page cache; a notarization ends with its store flushed).
 */
export async function ageEncryptFiles(recipient: string, files: string[], outDir: string): Promise<{ seconds: number; syncSeconds: number }> {
  await mkdir(outDir, { recursive: true });
  try {
    const t0 = performance.now();
    files.forEach((f, i) => {
      const r = spawnSync('age', ['-e', '-r', recipient, '-o', path.join(outDir, `${i}.age`), f]);
      if (r.error !== undefined) throw new Error(`age -e could not run (${r.error.message}); install the Debian package "age"`);
      if (r.status !== 0) throw new Error(`age -e failed: ${r.stderr.toString()}`);
    });
    const t1 = performance.now();
    const synced = spawnSync('sync', ['-f', outDir]);
    if (synced.status !== 0) throw new Error(`sync -f failed: ${synced.stderr.toString()}`);
    return { seconds: (t1 - t0) / 1000, syncSeconds: (performance.now() - t1) / 1000 };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

function report(caseName: string, ds: { files: number; bytes: number }, ours: ChildResult, age: { seconds: number; syncSeconds: number }): void {
  const mbPerSec = ds.bytes / 1e6 / ours.seconds;
  const ageSeconds = age.seconds;
  const ageMbPerSec = ds.bytes / 1e6 / ageSeconds;
  const r3 = (x: number): number => Number(x.toFixed(3));
  const row = {
    bench: 'notarize',
    case: caseName,
    files: ds.files,
    bytes: ds.bytes,
    seconds: r3(ours.seconds),
    mbPerSec: r3(mbPerSec),
    ageSeconds: r3(ageSeconds),
    ageMbPerSec: r3(ageMbPerSec),
    ratio: r3(mbPerSec / ageMbPerSec),
    // age's output made durable too (sync -f after it): the like-for-like comparison.
    ageSyncSeconds: r3(age.syncSeconds),
    ratioDurable: r3((ageSeconds + age.syncSeconds) / ours.seconds),
    peakRssMiB: r3(ours.maxRssKiB / 1024),
    loadAvg1: r3(os.loadavg()[0] ?? 0),
  };
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

async function child(dataDir: string, dataset: string): Promise<void> {
  const { Notarium } = await import('../main/core/notarium.ts');
  const n = await Notarium.open({ dataDir, scryptN: 1024 });
  const acct = await n.init(PASSPHRASE);
  const receiptPath = path.join(dataDir, 'bench.receipt.json');
  const t0 = performance.now();
  const r = await n.notarize({ inputs: [dataset], title: 'bench', confirmations: 1, receiptOut: receiptPath }, { passphrase: PASSPHRASE });
  const seconds = (performance.now() - t0) / 1000;
  await n.close();
  const out: ChildResult = { seconds, bytes: r.totalBytes, maxRssKiB: process.resourceUsage().maxRSS, recipient: acct.recipient, receiptPath: r.receiptPath };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** Parses the shared options of bench/notarize and bench/verify. */
export function parseCaseOptions(argv: string[], extra: Record<string, { type: 'string' | 'boolean' }> = {}): {
  caseName: CaseName;
  quick: boolean;
  files?: number;
  size?: number;
  values: Record<string, string | boolean | undefined>;
} {
  const { values } = parseArgs({
    args: argv,
    options: { case: { type: 'string', default: 'mixed' }, quick: { type: 'boolean', default: false }, small: { type: 'boolean', default: false }, files: { type: 'string' }, size: { type: 'string' }, ...extra },
  });
  const caseName = values.case as CaseName;
  if (!CASES.includes(caseName)) throw new Error(`--case must be one of ${CASES.join(', ')}`);
  const num = (v: unknown, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
    return n;
  };
  const files = num(values.files, 'files');
  const size = num(values.size, 'size');
  if ((files !== undefined || size !== undefined) && caseName === 'mixed') throw new Error('--files/--size apply to --case 4gib or small');
  // --small: the former name of --quick on the mixed case.
  return { caseName, quick: values.quick === true || values.small === true, ...(files === undefined ? {} : { files }), ...(size === undefined ? {} : { size }), values };
}

async function main(): Promise<void> {
  const o = parseCaseOptions(process.argv.slice(2), { keep: { type: 'string' }, profile: { type: 'string' } });
  const keep = o.values['keep'] as string | undefined;
  const profile = o.values['profile'] as string | undefined;
  if (profile !== undefined) await mkdir(path.resolve(profile), { recursive: true });
  const work = keep === undefined ? await mkdtemp(path.join(process.env['BENCH_DIR'] ?? os.tmpdir(), 'notarium-bench-')) : path.resolve(keep);
  if (keep !== undefined) await mkdir(work, { recursive: true });
  try {
    process.stderr.write(`generating the ${o.caseName} dataset in ${work}…\n`);
    const ds = await generateDataset(o.caseName, path.join(work, 'dataset'), caseFiles(o.caseName, o));
    process.stderr.write(`${ds.files.length} files, ${(ds.bytes / MiB).toFixed(0)} MiB; notarizing…\n`);
    const dataDir = path.join(work, 'data');
    const ours = notarizeInChild(dataDir, ds.root, profile === undefined ? undefined : path.resolve(profile));
    process.stderr.write(`notarized in ${ours.seconds.toFixed(2)} s; age -e per file…\n`);
    const age = await ageEncryptFiles(ours.recipient, ds.files.map((f) => path.join(ds.root, f.path)), path.join(work, 'age-out'));
    report(o.caseName, { files: ds.files.length, bytes: ds.bytes }, ours, age);

    if (keep !== undefined) {
      const kept: KeptRun = { caseName: o.caseName, dataset: ds, dataDir, receiptPath: ours.receiptPath, recipient: ours.recipient };
      await writeFile(path.join(work, 'bench-meta.json'), JSON.stringify(kept));
      process.stderr.write(`kept in ${work}: node bench/verify.ts --reuse ${work}\n`);
    }

    if (o.caseName === 'mixed' && keep === undefined) {
      // The large file alone, both ways: no per-file costs, the pipeline's raw speed.
      const bigOnly = path.join(work, 'big-only');
      await mkdir(bigOnly);
      const big = ds.files[0] as { path: string; size: number };
      await rename(path.join(ds.root, big.path), path.join(bigOnly, big.path));
      await rm(ds.root, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
      const oursBig = notarizeInChild(path.join(work, 'data-big'), bigOnly, profile === undefined ? undefined : path.resolve(profile));
      const ageBig = await ageEncryptFiles(oursBig.recipient, [path.join(bigOnly, big.path)], path.join(work, 'age-out'));
      report('mixed-big-file', { files: 1, bytes: big.size }, oursBig, ageBig);
    }
  } finally {
    if (keep === undefined) await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  if (process.argv[2] === '--child') await child(process.argv[3] as string, process.argv[4] as string);
  else await main();
}
