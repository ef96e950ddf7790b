/**
 * bench/retrieve: `notarium retrieve` (the service's retrieve: receipt read, account unlock,
 * manifest fetched and decrypted, then every file read from the embedded IPFS node, age
 * decrypted, SHA-256 checked and written under a new folder) against the `age -d` CLI
 * decrypting the same age files to disk (one `age` process per file), same run.
 *
 *   node bench/retrieve.ts [--case mixed|4gib|small] [--quick] [--files N] [--size BYTES]
 *                          [--reuse DIR] [--rounds N] [--by receipt|root] [--skip-age]
 *                          [--profile DIR] [--node-flags="FLAGS"]
 *
 * Cases are bench/notarize's (see there); the dataset is generated and notarized on the
 * embedded devnet first, unless --reuse DIR names a folder left by
 * `node bench/notarize.ts --keep DIR` (then DIR is kept). Each round retrieves into a fresh
 * folder DIR/retrieved-<pid> in a fresh process (the same `Notarium.retrieve` the CLI calls,
 * same `--max-semi-space-size=1` as the CLI launcher), checks that the restored tree holds
 * exactly the dataset's paths with the same SHA-256 per file (computed here from both trees,
 * not taken from the manifest), then deletes it. The best of --rounds (default 1) is
 * reported. --by: what the retrieval starts from, as `notarium retrieve <source>`: the receipt
 * file (default) or the dataset's Merkle root, looked up in the data folder's ledger (the
 * receipt is then not read). The page cache is warm or cold as the machine left it (the
 * blocks were written by the notarization, maybe long before): note it when comparing.
 *
 * age comparison (not with --skip-age, and skipped above 1,000 files, where it would time
 * 100,000 process starts rather than decryption): each file's stored age header and payload
 * are copied from IPFS into one `.age` file (not timed), then `age -d -i <identity> -o <file>`
 * runs once per file, output on the same disk as ours. Disk: the kept dataset, then its
 * retrieved copy (deleted), then the age files and their plaintext (≈ 2 × the dataset more).
 *
 * Prints one JSON line (human notes go to stderr):
 *   {"bench":"retrieve","case","by","files","bytes","seconds","mbPerSec","ageSeconds",
 *    "ageMbPerSec","ratio","peakRssMiB","loadAvg1"}
 * seconds: the retrieve call alone (no process start); MB/s are 10^6 bytes of plaintext
 * written per second; ratio = mbPerSec / ageMbPerSec (null without the age run); peakRssMiB:
 * peak resident memory of the retrieving process (issue bar: <= 300 MB); loadAvg1: the
 * machine's 1-minute load average at the end. The retrieving process also samples
 * process.memoryUsage() every 250 ms; the peaks of rss, heapUsed, external and arrayBuffers
 * go to stderr (where the memory is, without a profiler).
 * --profile DIR: the retrieving process runs under `node --cpu-prof --cpu-prof-dir DIR`.
 * --node-flags="FLAGS": extra Node/V8 flags for the retrieving process (with "=": e.g.
 *   "--heap-prof --heap-prof-dir=/tmp/hp" for heap sampling), for investigations.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { CID } from 'multiformats/cid';
import type { IpfsBackend } from '../main/core/ipfs/index.ts';
import { mapLimit } from '../main/core/notary/map-limit.ts';
import { keptOrNotarized, parseCaseOptions, PASSPHRASE, printBenchRow, runBenchChild, type Dataset, type KeptRun } from './notarize.ts';

const SELF = fileURLToPath(import.meta.url);
/** Above this many files the age comparison is skipped (see the module comment). */
const AGE_MAX_FILES = 1000;

interface Timed {
  seconds: number;
  files: number;
  bytes: number;
  maxRssKiB: number;
  /** Peaks of process.memoryUsage() fields over the run, MiB. */
  memPeakMiB: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
}

/** The measured process: one `Notarium.retrieve` of the kept receipt into `out`. */
async function retrieveChild(dataDir: string, source: string, out: string): Promise<Timed> {
  const peak = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const sample = (): void => {
    const m = process.memoryUsage();
    for (const k of Object.keys(peak) as (keyof typeof peak)[]) peak[k] = Math.max(peak[k], Math.round(m[k] / (1 << 20)));
  };
  const timer = setInterval(sample, 250);
  const { Notarium } = await import('../main/core/notarium.ts');
  const n = await Notarium.open({ dataDir });
  try {
    const t0 = performance.now();
    const r = await n.retrieve({ source, out }, { passphrase: PASSPHRASE });
    const seconds = (performance.now() - t0) / 1000;
    sample();
    return { seconds, files: r.fileCount, bytes: r.totalBytes, maxRssKiB: process.resourceUsage().maxRSS, memPeakMiB: peak };
  } finally {
    clearInterval(timer);
    await n.close();
  }
}

/** SHA-256 of a file, lowercase hex. */
async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}

/**
 * Checks that `out` holds exactly the files of `dataset` (same relative paths, no others,
 * no other entry kinds) and that each has the SHA-256 of its original under `dataset.root`.
 * @returns the number of files compared.
 * @throws Error naming the first difference (missing, extra, or differing file).
 */
export async function assertSameTree(dataset: Pick<Dataset, 'root' | 'files'>, out: string): Promise<number> {
  const entries = await readdir(out, { recursive: true, withFileTypes: true });
  const found = new Set<string>();
  for (const e of entries) {
    const rel = path.relative(out, path.join(e.parentPath, e.name)).split(path.sep).join('/');
    if (e.isFile()) found.add(rel);
    else if (!e.isDirectory()) throw new Error(`retrieved tree holds ${rel}, neither a file nor a folder`);
  }
  for (const f of dataset.files) if (!found.delete(f.path)) throw new Error(`retrieved tree lacks ${f.path}`);
  const extra = found.values().next();
  if (extra.done !== true) throw new Error(`retrieved tree holds ${extra.value}, not in the dataset`);
  await mapLimit(dataset.files, 8, async (f) => {
    const [want, got] = await Promise.all([sha256File(path.join(dataset.root, f.path)), sha256File(path.join(out, f.path))]);
    if (want !== got) throw new Error(`retrieved ${f.path} differs from the original (SHA-256 ${got}, expected ${want})`);
  });
  return dataset.files.length;
}

/** The IPFS objects `cids` read one after the other (an age file: header, then payload). */
async function* concat(ipfs: Pick<IpfsBackend, 'cat'>, cids: string[]): AsyncGenerator<Uint8Array> {
  for (const cid of cids) yield* ipfs.cat(CID.parse(cid));
}

/**
 * The comparison: every file of the kept dataset as one `.age` file (stored header then
 * payload, copied from the data folder's IPFS node, not timed), then `age -d` once per file.
 * @returns seconds of the `age -d` runs alone.
 */
async function ageDecryptSeconds(kept: KeptRun, work: string): Promise<number> {
  const { Ledger } = await import('../main/core/ledger/index.ts');
  const { HeliaBackend } = await import('../main/core/ipfs/index.ts');
  const { AccountStore } = await import('../main/core/keys/index.ts');
  const { parseReceipt } = await import('../shared/receipt/parse.ts');
  const root = parseReceipt(await readFile(kept.receiptPath, 'utf8')).root;
  const ledger = Ledger.open(path.join(kept.dataDir, 'ledger.sqlite'));
  const ds = ledger.getDataset(root);
  const files = ds === undefined ? [] : ledger.getFiles(ds.id);
  ledger.close();
  if (files.length !== kept.dataset.files.length) throw new Error(`the ledger lists ${files.length} files for ${root}, expected ${kept.dataset.files.length}`);
  const inDir = path.join(work, 'age-in');
  const outDir = path.join(work, 'age-out');
  await mkdir(inDir, { recursive: true });
  await mkdir(outDir, { recursive: true });
  try {
    const { identity } = await new AccountStore(path.join(kept.dataDir, 'keys')).unlock(PASSPHRASE);
    const idFile = path.join(inDir, 'identity.txt');
    await writeFile(idFile, `${identity}\n`, { mode: 0o600 });
    const ipfs = await HeliaBackend.open(path.join(kept.dataDir, 'ipfs'));
    try {
      for (const [i, f] of files.entries()) await pipeline(Readable.from(concat(ipfs, [f.headerCid, f.payloadCid])), createWriteStream(path.join(inDir, `${i}.age`)));
    } finally {
      await ipfs.stop();
    }
    const t0 = performance.now();
    for (const i of files.keys()) {
      const r = spawnSync('age', ['-d', '-i', idFile, '-o', path.join(outDir, `${i}.bin`), path.join(inDir, `${i}.age`)]);
      if (r.error !== undefined) throw new Error(`age -d could not run (${r.error.message}); install the Debian package "age"`);
      if (r.status !== 0) throw new Error(`age -d failed: ${r.stderr.toString()}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    // The comparison only counts if age produced the notarized plaintext.
    await mapLimit([...files.entries()], 4, async ([i, f]) => {
      if (`0x${await sha256File(path.join(outDir, `${i}.bin`))}` !== f.sha256) throw new Error(`age -d output of ${f.path} does not match its SHA-256`);
    });
    return seconds;
  } finally {
    await rm(inDir, { recursive: true, force: true });
    await rm(outDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const o = parseCaseOptions(process.argv.slice(2), {
    reuse: { type: 'string' },
    rounds: { type: 'string' },
    profile: { type: 'string' },
    by: { type: 'string' },
    'skip-age': { type: 'boolean' },
    'node-flags': { type: 'string' },
  });
  const by = o.values['by'] ?? 'receipt';
  if (by !== 'receipt' && by !== 'root') throw new Error('--by must be receipt or root');
  const reuse = o.values['reuse'] as string | undefined;
  const rounds = Number(o.values['rounds'] ?? 1);
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive whole number');
  const profile = o.values['profile'] as string | undefined;
  const nodeFlags = [
    ...((o.values['node-flags'] as string | undefined) ?? '').split(' ').filter((f) => f !== ''),
    ...(profile === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', path.resolve(profile)]),
  ];
  if (profile !== undefined) await mkdir(path.resolve(profile), { recursive: true });
  const work = reuse === undefined ? await mkdtemp(path.join(process.env['BENCH_DIR'] ?? os.tmpdir(), 'notarium-bench-')) : path.resolve(reuse);
  try {
    const kept = await keptOrNotarized(work, reuse !== undefined, o);
    const { dataset } = kept;
    const { parseReceipt } = await import('../shared/receipt/parse.ts');
    const source = by === 'receipt' ? kept.receiptPath : parseReceipt(await readFile(kept.receiptPath, 'utf8')).root;
    const out = path.join(work, `retrieved-${process.pid}`);
    let best: Timed | undefined;
    for (let i = 0; i < rounds; i++) {
      await rm(out, { recursive: true, force: true });
      try {
        const r = runBenchChild<Timed>(SELF, ['--retrieve', kept.dataDir, source, out], nodeFlags);
        if (r.files !== dataset.files.length || r.bytes !== dataset.bytes) throw new Error(`retrieved ${r.files} files, ${r.bytes} bytes; expected ${dataset.files.length}, ${dataset.bytes}`);
        const t0 = performance.now();
        await assertSameTree(dataset, out);
        const m = r.memPeakMiB;
        process.stderr.write(
          `round ${i + 1}: retrieve ${r.seconds.toFixed(2)} s, peak RSS ${(r.maxRssKiB / 1024).toFixed(0)} MiB (sampled peaks: rss ${m.rss}, heapUsed ${m.heapUsed}, external ${m.external}, arrayBuffers ${m.arrayBuffers} MiB); output identical (checked in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
        );
        if (best === undefined || r.seconds < best.seconds) best = r;
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    }
    if (best === undefined) throw new Error('no round ran');
    const skipAge = o.values['skip-age'] === true || dataset.files.length > AGE_MAX_FILES;
    if (skipAge && o.values['skip-age'] !== true) process.stderr.write(`age -d comparison skipped: more than ${AGE_MAX_FILES} files\n`);
    const ageSeconds = skipAge ? null : await ageDecryptSeconds(kept, work);
    if (ageSeconds !== null) process.stderr.write(`age -d ${ageSeconds.toFixed(2)} s\n`);
    const mbPerSec = dataset.bytes / 1e6 / best.seconds;
    const ageMbPerSec = ageSeconds === null ? null : dataset.bytes / 1e6 / ageSeconds;
    printBenchRow({
      bench: 'retrieve',
      case: kept.caseName,
      by,
      files: dataset.files.length,
      bytes: dataset.bytes,
      seconds: best.seconds,
      mbPerSec,
      ageSeconds,
      ageMbPerSec,
      ratio: ageMbPerSec === null ? null : mbPerSec / ageMbPerSec,
      peakRssMiB: best.maxRssKiB / 1024,
    });
  } finally {
    if (reuse === undefined) await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === '--retrieve') process.stdout.write(`${JSON.stringify(await retrieveChild(args[0] as string, args[1] as string, args[2] as string))}\n`);
  else await main();
}
