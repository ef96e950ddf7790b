/**
 * bench/notarize: end-to-end notarization (hash + age + IPFS + anchor, on the embedded
 * defaults: Helia on disk, devnet) of a generated dataset, against the `age -e` CLI
 * encrypting the same files to disk in the same run (one `age` process per file, as a
 * user would run it; Debian package `age`).
 *
 *   node bench/notarize.ts [--case mixed|4gib|small] [--quick] [--files N] [--size BYTES]
 *                          [--keep DIR] [--profile DIR] [--devnet in-process|external]
 *                          [--skip-age] [--trace-mem FILE] [--node-flags="FLAGS"] [--v8-flags="FLAGS"]
 *                          [--cold-cache]
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
 *   {"bench":"notarize","case","devnet","files","bytes","seconds","cpuSeconds","mbPerSec",
 *    "ageSeconds","ageMbPerSec","ratio","ageSyncSeconds","ratioDurable","peakRssMiB","loadAvg1"}
 * cpuSeconds is the notarizing process's CPU time (user + system, all its threads; the whole
 * process life, start-up included), which a busy machine inflates far less than seconds.
 * MB/s are 10^6 bytes of plaintext per second; ratio = mbPerSec / ageMbPerSec (issue bars:
 * >= 0.4 small files, >= 0.6 on 4 GiB). age leaves its output in the page cache while a
 * notarization ends with its store flushed: ageSyncSeconds is what `sync -f` then takes to
 * make age's output durable, and ratioDurable = (ageSeconds + ageSyncSeconds) / seconds
 * compares the two at equal durability. peakRssMiB is the notarizing process's peak
 * resident memory (bar: <= 300 MiB);
 * loadAvg1 is the machine's 1-minute load average at the end (figures are only comparable
 * on a quiet machine).
 *
 * The measured process runs as `notarium` does: the launcher's heap flag and its module
 *   compile cache (main/cli/compile-cache.mjs), filled first (scripts/warm-compile-cache.ts)
 *   as `npm run setup` fills a user's; Node then does not type-strip our sources again
 *   (a faster start; ≈ 25 MiB less at start, the same peak for long jobs). --cold-cache:
 *   no compile cache, as the very first run on a machine (verify and retrieve take it too).
 * --devnet: where the chain runs. `in-process` (default, what `notarium notarize` does on the
 *   embedded defaults): the EDR devnet lives in the notarizing process and its memory counts
 *   in peakRssMiB. `external`: a separate process serves the same data folder's devnet over
 *   JSON-RPC (`notarium devnet`) and the notarizing process reaches it over HTTP, as it
 *   reaches a public chain's RPC node on a lab workstation; peakRssMiB then excludes the chain.
 * --skip-age: no `age -e` comparison (ageSeconds, ageMbPerSec and ratio are null); saves
 *   ~10 min on the small case when only memory or time is wanted.
 * --trace-mem FILE: the notarizing process samples process.memoryUsage() every 250 ms and
 *   writes the samples (ms, MiB: rss, heapUsed, heapTotal, external, arrayBuffers; progress
 *   phase — 'prepared' from the last file on: manifest, tree, ledger, chain, receipt — and
 *   files done) as JSON lines to FILE; a summary goes to stderr.
 * --v8-flags="FLAGS": V8 flags the notarizing process sets on itself at start
 *   (v8.setFlagsFromString), for GC flags that `new Worker()` refuses in execArgv, e.g.
 *   "--heap-growing-percent=25". For investigations.
 * --node-flags="FLAGS": extra Node/V8 flags for the notarizing process (with "=": e.g.
 *   "--max-old-space-size=160" or "--heapsnapshot-signal=SIGUSR2"), for investigations.
 *
 * --keep DIR: generate into DIR and keep the dataset, data folder and receipt there, so
 *   `node bench/verify.ts --reuse DIR` verifies them without notarizing again.
 * --profile DIR: run the notarizing process under `node --cpu-prof --cpu-prof-dir DIR`;
 *   open the .cpuprofile in Chrome DevTools (Performance tab) or VS Code to see where time goes.
 * Disk: the dataset, its IPFS blocks and age's output coexist briefly (≈ 3 × the dataset;
 * 12 GiB for 4gib). BENCH_DIR chooses where (default: the OS temp folder).
 * Time: the small case runs 100,000 `age` processes (≈ 5–10 ms each here) after notarizing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { cliEnv } from '../main/cli/launch-env.mjs';
import { mapLimit } from '../main/core/notary/map-limit.ts';

const KiB = 1 << 10;
const MiB = 1 << 20;
const GiB = 1 << 30;
const SELF = fileURLToPath(import.meta.url);
const WARM_SCRIPT = path.resolve(path.dirname(SELF), '../scripts/warm-compile-cache.ts');
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
  /** CPU seconds (user + system, all threads) the notarizing process used: comparable under load. */
  cpuSeconds: number;
  bytes: number;
  maxRssKiB: number;
  recipient: string;
  receiptPath: string;
}

/** How the measured process runs (see the module comment). */
export interface ChildOptions {
  /** V8 CPU profile folder. */
  profileDir?: string;
  /** Memory samples file (JSON lines), see --trace-mem. */
  memTrace?: string;
  /** Extra Node/V8 flags. */
  nodeFlags?: string[];
  /** V8 flags the process sets on itself (v8.setFlagsFromString). */
  v8Flags?: string;
}

/**
 * Notarizes `input` in a fresh process on a fresh data folder (the measured process).
 * @param profileDir when set, the process writes a V8 CPU profile there.
 */
export function notarizeInChild(dataDir: string, input: string, profileDir?: string, options: Omit<ChildOptions, 'profileDir'> = {}): ChildResult {
  return runBenchChild<ChildResult>(SELF, ['--child', dataDir, input, options.memTrace ?? '', options.v8Flags ?? ''], [...(options.nodeFlags ?? []), ...(profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir])]);
}

/** Set by --cold-cache (parseCaseOptions): children run without the compile cache. */
let coldCache = false;
/** Scripts whose modules were loaded into the compile cache by this process. */
const warmed = new Set<string>();

/**
 * The environment of a measured child: the CLI launcher's (main/cli/launch-env.mjs: two
 * glibc malloc arenas, and the module compile cache, which spares every run but the first
 * the type stripping of our sources), the cache filled first for `script` and every module
 * it may load (scripts/warm-compile-cache.ts), as a user's cache is after `npm run setup`.
 * With --cold-cache: no compile cache at all, as the very first run on a machine.
 */
function childEnv(script: string): NodeJS.ProcessEnv {
  // NODE_DISABLE_COMPILE_CACHE wins over the NODE_COMPILE_CACHE cliEnv sets.
  if (coldCache) return { ...cliEnv(process.env), NODE_DISABLE_COMPILE_CACHE: '1' };
  const env = cliEnv(process.env);
  if (!warmed.has(script)) {
    const warm = spawnSync(process.execPath, [WARM_SCRIPT, script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env });
    if (warm.status !== 0) throw new Error(`warming the compile cache failed (${warm.status})`);
    warmed.add(script);
  }
  return env;
}

/**
 * Runs `script` with `args` in a child Node with the CLI launcher's heap flag
 * (--max-semi-space-size=1) and environment (childEnv) plus `nodeFlags`, and returns the
 * JSON of the child's last stdout line. Throws Error when the child exits non-zero.
 */
export function runBenchChild<T>(script: string, args: string[], nodeFlags: readonly string[] = []): T {
  const env = childEnv(script);
  const child = spawnSync(process.execPath, ['--max-semi-space-size=1', ...nodeFlags, script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24, env });
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
 * Serves `dataDir`'s devnet from its own process (`notarium devnet --port 0`): a notarizing
 * process on the same data folder then finds the devnet held and served, and reaches it over
 * JSON-RPC (main/core/chain/devnet-server.ts) instead of running EDR itself.
 * @returns a function stopping that process (SIGTERM, then waiting for its exit).
 * @throws Error when the server prints no URL within 60 s or exits first.
 */
export async function startExternalDevnet(dataDir: string): Promise<() => Promise<void>> {
  const bin = path.resolve(path.dirname(SELF), '../main/cli/bin.ts');
  const child = spawn(process.execPath, ['--max-semi-space-size=1', bin, '--data-dir', dataDir, '--json', 'devnet', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('notarium devnet printed no URL within 60 s')), 60_000);
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (!out.includes('\n')) return;
        clearTimeout(timer);
        process.stderr.write(`external devnet: ${out.trim()}\n`);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`notarium devnet exited (${code}) before serving`));
      });
    });
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
}

/** One --trace-mem sample: ms since start; MiB. */
interface MemSample {
  ms: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  phase: string;
  filesDone: number;
}

function summarizeMemTrace(file: string, text: string): void {
  const samples = text.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as MemSample);
  if (samples.length === 0) return;
  const peak = samples.reduce((a, b) => (b.rss > a.rss ? b : a));
  const at = (pred: (s: MemSample) => boolean): MemSample | undefined => samples.find(pred);
  const fmt = (s: MemSample | undefined): string => (s === undefined ? '-' : `${(s.ms / 1000).toFixed(1)} s rss ${s.rss} heap ${s.heapUsed}/${s.heapTotal} ext ${s.external} ab ${s.arrayBuffers} (${s.phase} ${s.filesDone})`);
  process.stderr.write(`mem trace (${samples.length} samples, ${file}):\n  first:        ${fmt(samples[0])}\n  encrypting:   ${fmt(at((s) => s.phase === 'encrypting'))}\n  after files:  ${fmt(at((s) => s.phase === 'prepared'))}\n  peak rss:     ${fmt(peak)}\n  last:         ${fmt(samples.at(-1))}\n`);
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

function report(caseName: string, devnet: string, ds: { files: number; bytes: number }, ours: ChildResult, age: { seconds: number; syncSeconds: number } | null): void {
  const mbPerSec = ds.bytes / 1e6 / ours.seconds;
  const ageSeconds = age === null ? null : age.seconds;
  const ageMbPerSec = ageSeconds === null ? null : ds.bytes / 1e6 / ageSeconds;
  printBenchRow({
    bench: 'notarize',
    case: caseName,
    devnet,
    files: ds.files,
    bytes: ds.bytes,
    seconds: ours.seconds,
    cpuSeconds: ours.cpuSeconds,
    mbPerSec,
    ageSeconds,
    ageMbPerSec,
    ratio: ageMbPerSec === null ? null : mbPerSec / ageMbPerSec,
    // age's output made durable too (sync -f after it): the like-for-like comparison.
    ageSyncSeconds: age === null ? null : age.syncSeconds,
    ratioDurable: age === null ? null : (age.seconds + age.syncSeconds) / ours.seconds,
    peakRssMiB: ours.maxRssKiB / 1024,
  });
}

/**
 * Prints `row` as one JSON line on stdout, numbers rounded to 3 decimals, with the machine's
 * 1-minute load average (`loadAvg1`) appended: the figures of every bench/ script.
 */
export function printBenchRow(row: Record<string, string | number | null>): void {
  const r3 = (x: number): number => Number(x.toFixed(3));
  const rounded = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'number' ? r3(v) : v]));
  process.stdout.write(`${JSON.stringify({ ...rounded, loadAvg1: r3(os.loadavg()[0] ?? 0) })}\n`);
}

async function child(dataDir: string, dataset: string, memTrace: string, v8Flags: string): Promise<void> {
  if (v8Flags !== '') setFlagsFromString(v8Flags);
  const t00 = performance.now();
  const progress = { phase: 'start', filesDone: 0, filesTotal: -1 };
  const samples: string[] = [];
  const sample = (): void => {
    const m = process.memoryUsage();
    const mib = (x: number): number => Math.round(x / (1 << 20));
    samples.push(JSON.stringify({ ms: Math.round(performance.now() - t00), rss: mib(m.rss), heapUsed: mib(m.heapUsed), heapTotal: mib(m.heapTotal), external: mib(m.external), arrayBuffers: mib(m.arrayBuffers), phase: progress.phase, filesDone: progress.filesDone }));
  };
  const timer = memTrace === '' ? undefined : setInterval(sample, 250);
  const { Notarium } = await import('../main/core/notarium.ts');
  const n = await Notarium.open({ dataDir, scryptN: 1024 });
  const acct = await n.init(PASSPHRASE);
  const receiptPath = path.join(dataDir, 'bench.receipt.json');
  const t0 = performance.now();
  const r = await n.notarize(
    { inputs: [dataset], title: 'bench', confirmations: 1, receiptOut: receiptPath },
    {
      passphrase: PASSPHRASE,
      onProgress: (p) => {
        // After the last file: manifest, tree, ledger, chain, receipt.
        Object.assign(progress, p.filesDone === p.filesTotal && p.phase === 'encrypting' ? { phase: 'prepared', filesDone: p.filesDone } : { phase: p.phase, filesDone: p.filesDone });
      },
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  await n.close();
  if (timer !== undefined) {
    clearInterval(timer);
    sample();
    await writeFile(memTrace, `${samples.join('\n')}\n`);
  }
  const usage = process.resourceUsage();
  const out: ChildResult = { seconds, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, bytes: r.totalBytes, maxRssKiB: usage.maxRSS, recipient: acct.recipient, receiptPath: r.receiptPath };
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
    options: { case: { type: 'string', default: 'mixed' }, quick: { type: 'boolean', default: false }, small: { type: 'boolean', default: false }, files: { type: 'string' }, size: { type: 'string' }, 'cold-cache': { type: 'boolean', default: false }, ...extra },
  });
  coldCache = values['cold-cache'] === true;
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
  const o = parseCaseOptions(process.argv.slice(2), {
    keep: { type: 'string' },
    profile: { type: 'string' },
    devnet: { type: 'string' },
    'skip-age': { type: 'boolean' },
    'trace-mem': { type: 'string' },
    'node-flags': { type: 'string' },
    'v8-flags': { type: 'string' },
  });
  const keep = o.values['keep'] as string | undefined;
  const profile = o.values['profile'] as string | undefined;
  const devnet = (o.values['devnet'] as string | undefined) ?? 'in-process';
  if (devnet !== 'in-process' && devnet !== 'external') throw new Error('--devnet must be in-process or external');
  const skipAge = o.values['skip-age'] === true;
  const nodeFlags = ((o.values['node-flags'] as string | undefined) ?? '').split(' ').filter((f) => f !== '');
  const v8Flags = o.values['v8-flags'] as string | undefined;
  if (profile !== undefined) await mkdir(path.resolve(profile), { recursive: true });
  const work = keep === undefined ? await mkdtemp(path.join(process.env['BENCH_DIR'] ?? os.tmpdir(), 'notarium-bench-')) : path.resolve(keep);
  if (keep !== undefined) await mkdir(work, { recursive: true });
  try {
    process.stderr.write(`generating the ${o.caseName} dataset in ${work}…\n`);
    const ds = await generateDataset(o.caseName, path.join(work, 'dataset'), caseFiles(o.caseName, o));
    process.stderr.write(`${ds.files.length} files, ${(ds.bytes / MiB).toFixed(0)} MiB; notarizing…\n`);
    const dataDir = path.join(work, 'data');
    const memTrace = o.values['trace-mem'] === undefined ? undefined : path.resolve(o.values['trace-mem'] as string);
    const run = async (dir: string, input: string): Promise<ChildResult> => {
      const stopDevnet = devnet === 'external' ? await startExternalDevnet(dir) : undefined;
      try {
        return notarizeInChild(dir, input, profile === undefined ? undefined : path.resolve(profile), { nodeFlags, ...(memTrace === undefined ? {} : { memTrace }), ...(v8Flags === undefined ? {} : { v8Flags }) });
      } finally {
        await stopDevnet?.();
        if (memTrace !== undefined) summarizeMemTrace(memTrace, await readFile(memTrace, 'utf8').catch(() => ''));
      }
    };
    const ours = await run(dataDir, ds.root);
    process.stderr.write(`notarized in ${ours.seconds.toFixed(2)} s${skipAge ? '' : '; age -e per file…'}\n`);
    const age = skipAge ? null : await ageEncryptFiles(ours.recipient, ds.files.map((f) => path.join(ds.root, f.path)), path.join(work, 'age-out'));
    report(o.caseName, devnet, { files: ds.files.length, bytes: ds.bytes }, ours, age);

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
      const oursBig = await run(path.join(work, 'data-big'), bigOnly);
      const ageBig = skipAge ? null : await ageEncryptFiles(oursBig.recipient, [path.join(bigOnly, big.path)], path.join(work, 'age-out'));
      report('mixed-big-file', devnet, { files: 1, bytes: big.size }, oursBig, ageBig);
    }
  } finally {
    if (keep === undefined) await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  if (process.argv[2] === '--child') await child(process.argv[3] as string, process.argv[4] as string, process.argv[5] ?? '', process.argv[6] ?? '');
  else await main();
}
