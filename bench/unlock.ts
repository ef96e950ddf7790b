/**
 * What opening the account costs every job that needs the keys (notarize, retrieve, share,
 * rekey): the two scrypt key derivations of the production parameters, each in a fresh
 * process started as the CLI starts (bench/notarize.ts runBenchChild: the launcher's heap
 * flag and environment). The other benchmarks create their accounts with a low scrypt N,
 * so this is the figure to add to theirs: a job's peak RSS is the higher of the two.
 *
 *   node bench/unlock.ts [--rounds N]
 *
 * Prints one JSON line: {"bench":"unlock","identityLogN","keystoreN","createSeconds",
 * "createPeakRssMiB","unlockSeconds","unlockPeakRssMiB","baseRssMiB","loadAvg1"}: the best
 * (lowest) time and the highest peak RSS over the rounds; baseRssMiB is the process with
 * the account store loaded, before it derives anything.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { printBenchRow, runBenchChild } from './notarize.ts';

const SELF = fileURLToPath(import.meta.url);
const PASSPHRASE = 'bench unlock passphrase';

interface ChildResult {
  seconds: number;
  baseRssMiB: number;
  peakRssMiB: number;
}

/** Rounds so far, folded: the best (lowest) time, the highest base and peak RSS. */
function foldRound(sofar: ChildResult | undefined, round: ChildResult): ChildResult {
  if (sofar === undefined) return round;
  return { seconds: Math.min(sofar.seconds, round.seconds), baseRssMiB: Math.max(sofar.baseRssMiB, round.baseRssMiB), peakRssMiB: Math.max(sofar.peakRssMiB, round.peakRssMiB) };
}

async function child(mode: string, keysDir: string): Promise<void> {
  const { AccountStore } = await import('../main/core/keys/account-store.ts');
  const store = new AccountStore(keysDir);
  const mib = (kib: number): number => kib / 1024;
  const baseRssMiB = mib(process.resourceUsage().maxRSS);
  const t0 = performance.now();
  if (mode === 'create') await store.create(PASSPHRASE);
  else await store.unlock(PASSPHRASE);
  const seconds = (performance.now() - t0) / 1000;
  const out: ChildResult = { seconds, baseRssMiB, peakRssMiB: mib(process.resourceUsage().maxRSS) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '2' } } });
  const rounds = Number(values.rounds);
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive whole number');
  const work = await mkdtemp(path.join(os.tmpdir(), 'notarium-unlock-bench-'));
  try {
    let create: ChildResult | undefined;
    let unlock: ChildResult | undefined;
    let keysDir = '';
    for (let i = 0; i < rounds; i++) {
      keysDir = path.join(work, `keys-${i}`);
      const c = runBenchChild<ChildResult>(SELF, ['--child', 'create', keysDir]);
      const u = runBenchChild<ChildResult>(SELF, ['--child', 'unlock', keysDir]);
      process.stderr.write(`round ${i + 1}: create ${c.seconds.toFixed(2)} s (peak ${c.peakRssMiB.toFixed(0)} MiB), unlock ${u.seconds.toFixed(2)} s (peak ${u.peakRssMiB.toFixed(0)} MiB)\n`);
      create = foldRound(create, c);
      unlock = foldRound(unlock, u);
    }
    if (create === undefined || unlock === undefined) throw new Error('no round ran');
    // The parameters actually written: the keystore's N and the age header's scrypt log N.
    const keystore = JSON.parse(await readFile(path.join(keysDir, 'ethereum.json'), 'utf8')) as { Crypto: { kdfparams: { n: number } } };
    const header = (await readFile(path.join(keysDir, 'age-identity.age'))).subarray(0, 200).toString('latin1');
    const logN = /\n-> scrypt \S+ (\d+)\n/.exec(header)?.[1];
    printBenchRow({
      bench: 'unlock',
      identityLogN: logN === undefined ? null : Number(logN),
      keystoreN: keystore.Crypto.kdfparams.n,
      createSeconds: create.seconds,
      createPeakRssMiB: create.peakRssMiB,
      unlockSeconds: unlock.seconds,
      unlockPeakRssMiB: unlock.peakRssMiB,
      baseRssMiB: unlock.baseRssMiB,
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  if (process.argv[2] === '--child') await child(process.argv[3] as string, process.argv[4] as string);
  else await main();
}
