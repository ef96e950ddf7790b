/**
 * Issue 7, "jobs that survive crashes": the real CLI is SIGKILLed at random moments of
 * multi-file notarizations and re-run with the same command until it succeeds.
 *
 * Real parts only: `notarium notarize` as a child process over real files, the embedded Helia
 * store and SQLite ledger of its data folder, and a chain that outlives every kill (`notarium
 * devnet` in its own process and data folder, reached through settings.json as a custom RPC).
 *
 * After every kill, at rest: the ledger passes PRAGMA integrity_check (and foreign_key_check);
 * every pinned DAG is whole (each block read and checked against its CID); every CID the ledger
 * names is pinned; on the chain, no dataset has more than one anchoring and the account has sent
 * at most one transaction per dataset started. After the run that exits 0: `notarium verify`
 * passes, the chain holds exactly one Anchored event for the root (the receipt's transaction) and
 * one per dataset title, the ledger has one anchored row for the title, and no work is pending.
 *
 * Kill delays are uniform in [0, T], T being an uninterrupted run of the same size measured here
 * first. The seed is printed; NOTARIUM_KILL_SEED=<seed> replays the same datasets and delays.
 * NOTARIUM_KILLS sets the number of kills (default 100), NOTARIUM_KILL_LANES the number of data
 * folders worked on in parallel (default 2, one per core). NOTARIUM_KILL_ADOPT_FINISHED=1 (for
 * diagnosis) stops re-running a dataset whose job had finished when the kill landed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { getAddress, parseEther } from 'ethers';
import { Notarium } from '../../main/core/notarium.ts';
import { decodeRegistryLogs, titleHash } from '../../main/core/chain/registry.ts';
import type { AnchoredEvent } from '../../main/core/chain/registry.ts';
import { runCli } from '../helpers/cli-process.ts';
import type { CliRun } from '../helpers/cli-process.ts';
import { startDevnetProcess, useDevnetServer } from '../helpers/devnet-process.ts';
import type { DevnetProcess } from '../helpers/devnet-process.ts';
import { newSeed, SeededRandom } from '../helpers/seeded-random.ts';
import { checkLedgerFile, checkPinnedDags } from '../helpers/store-checks.ts';
import type { VerifiedBlocks } from '../helpers/store-checks.ts';
import { tempDir, TEST_PASSPHRASE, TEST_SCRYPT_N } from '../helpers/tmp.ts';

const SEED = process.env['NOTARIUM_KILL_SEED'] ?? newSeed();
const TARGET_KILLS = Number(process.env['NOTARIUM_KILLS'] ?? 100);
const LANES = Number(process.env['NOTARIUM_KILL_LANES'] ?? 2);
/**
 * Diagnosis only: treat a kill that landed after the job finished and removed its journal as
 * success instead of re-running the command (which must then say ALREADY_EXISTS).
 */
const ADOPT_FINISHED = process.env['NOTARIUM_KILL_ADOPT_FINISHED'] === '1';
/** Re-runs of one dataset before the resume is declared stuck. */
const MAX_RUNS_PER_DATASET = 60;

/** One data folder (own account) notarizing datasets one after the other. */
interface Lane {
  id: number;
  dataDir: string;
  address: string;
  /** Source of the lane's file contents. */
  rng: SeededRandom;
  /** Durations of this lane's uninterrupted (calibration) runs, milliseconds; T is their recent mean. */
  fullRunsMs: number[];
  /** Datasets this lane has started. */
  started: number;
  /** Blocks of this lane's store read and verified so far (later checks only ask for their presence). */
  verified: VerifiedBlocks;
  /** The `notarium verify` of the lane's last finished dataset, running beside the next dataset. */
  verifying: Promise<void>;
  /** Why that verify failed, if it did: thrown at the lane's next run. */
  verifyError?: unknown;
}

/** Where a kill landed, judged from what it left behind. */
type Phase =
  | 'start-up'
  | 'storing'
  | 'ledger-written'
  | 'anchoring-before-send'
  | 'sent-awaiting-confirmations'
  | 'confirmed-writing-receipt'
  | 'finished-journal-kept'
  | 'finished-journal-removed';

const FINISHED: ReadonlySet<Phase> = new Set<Phase>(['finished-journal-kept', 'finished-journal-removed']);
/** Phases where the dataset is recorded but not finished: `pending` must list the work. */
const AFTER_STORING: ReadonlySet<Phase> = new Set<Phase>(['ledger-written', 'anchoring-before-send', 'sent-awaiting-confirmations', 'confirmed-writing-receipt']);

interface Observed {
  phase: Phase;
  root: string | null;
}

interface Totals {
  kills: number;
  datasets: number;
  resumes: number;
  /** Kill timers that fired after the run had already exited 0. */
  finishedFirst: number;
  /** Wall time, milliseconds (summed over lanes): runs that were killed, runs that finished, verify runs, checks. */
  ms: { killedRuns: number; finishedRuns: number; verify: number; checks: number };
  phases: Record<string, number>;
}

/**
 * Every CALIBRATE_EVERY-th dataset of a lane (the first included) runs uninterrupted and
 * re-measures T: the machine's load changes during the test (other test files run beside it).
 */
const CALIBRATE_EVERY = 6;

/** T of a lane: the mean of its last two uninterrupted runs, milliseconds. */
function fullRunMs(lane: Lane): number {
  const recent = lane.fullRunsMs.slice(-2);
  return recent.reduce((a, b) => a + b, 0) / recent.length;
}

describe('notarize survives SIGKILL at random points (issue 7)', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let devnet: DevnetProcess;
  let sizes: number[];
  /** Set when a lane fails: the others stop at their next run, so nothing outlives the test. */
  let laneFailed = false;

  beforeAll(async () => {
    tmp = await tempDir('notarium-kill-');
    devnet = await startDevnetProcess(path.join(tmp.dir, 'chain'));
    // One size list for every dataset, so T measured on one applies to all: 16 files, 2 KiB to
    // 1 MiB (log-uniform) plus two of several 1 MiB chunks (dag-pb roots, a short last leaf);
    // about 7 MB in all, so that about a quarter of the kills land while files are stored.
    const sizer = new SeededRandom(`${SEED}/sizes`);
    sizes = Array.from({ length: 16 }, () => Math.round(2 ** (11 + sizer.next() * 9)));
    sizes[0] = (3 << 20) + 4321;
    sizes[1] = (3 << 19) + 300_000;
  });

  afterAll(async () => {
    await devnet?.close();
    await tmp?.cleanup();
  });

  it(`resumes every dataset after >= ${TARGET_KILLS} kills: verifies, one anchor per root, ledger intact, pinned DAGs whole`, async () => {
    console.log(`kill-resume seed ${SEED} (replay: NOTARIUM_KILL_SEED=${SEED}), ${TARGET_KILLS} kills, ${LANES} lane(s), dataset ${sizes.length} files / ${sizes.reduce((a, b) => a + b, 0)} bytes`);
    const totals: Totals = { kills: 0, datasets: 0, resumes: 0, finishedFirst: 0, ms: { killedRuns: 0, finishedRuns: 0, verify: 0, checks: 0 }, phases: {} };
    const started = performance.now();
    const lanes = await Promise.all(Array.from({ length: LANES }, (_, id) => openLane(id)));
    const outcomes = await Promise.allSettled(
      lanes.map(async (lane) => {
        try {
          do {
            // An uninterrupted run measures T (and the first one proves the set-up).
            const calibrate = lane.started % CALIBRATE_EVERY === 0;
            const { lastRunMs } = await notarizeUntilDone(lane, totals, !calibrate);
            if (calibrate) lane.fullRunsMs.push(lastRunMs);
          } while (totals.kills < TARGET_KILLS);
          await lane.verifying;
          if (lane.verifyError !== undefined) throw lane.verifyError;
        } catch (e) {
          laneFailed = true;
          throw e;
        }
      }),
    );
    // No child process may outlive the test: let background verifies finish (they never reject).
    await Promise.all(lanes.map((l) => l.verifying));
    const failure = outcomes.find((o) => o.status === 'rejected' && !(o.reason instanceof LaneStopped));
    if (failure?.status === 'rejected') throw failure.reason;
    for (const lane of lanes) {
      const pending = await runCli(['--json', 'pending'], { dataDir: lane.dataDir });
      expect(pending.code, pending.stderr).toBe(0);
      expect(unfinishedEntries(JSON.parse(pending.stdout)), `lane ${lane.id}: notarium pending`).toEqual([]);
      // Every block of every pin read and checked against its CID once more, at the end.
      await checkAtRest(lane, `seed ${SEED}, lane ${lane.id}, final check`, true);
    }
    const seconds = (ms: number): number => Math.round(ms / 100) / 10;
    console.log(JSON.stringify({
      kills: totals.kills,
      datasets: totals.datasets,
      resumes: totals.resumes,
      finishedBeforeKill: totals.finishedFirst,
      phases: totals.phases,
      fullRunMs: lanes.map((l) => l.fullRunsMs.map(Math.round)),
      laneSeconds: Object.fromEntries(Object.entries(totals.ms).map(([k, v]) => [k, seconds(v)])),
      seconds: seconds(performance.now() - started),
      seed: SEED,
    }));
    expect(totals.kills).toBeGreaterThanOrEqual(TARGET_KILLS);
  }, 900_000);

  async function openLane(id: number): Promise<Lane> {
    const dataDir = path.join(tmp.dir, `lane${id}`, 'data');
    const n = await Notarium.open({ dataDir, scryptN: TEST_SCRYPT_N });
    let address: string;
    try {
      address = (await n.init(TEST_PASSPHRASE)).address;
    } finally {
      await n.close();
    }
    await devnet.fund(address, parseEther('100'));
    await useDevnetServer(dataDir, devnet);
    await mkdir(path.join(tmp.dir, `lane${id}`, 'receipts'));
    return { id, dataDir, address, rng: new SeededRandom(`${SEED}/lane${id}`), fullRunsMs: [], started: 0, verified: new Map(), verifying: Promise.resolve() };
  }

  async function writeDataset(lane: Lane, index: number): Promise<string> {
    const dir = path.join(tmp.dir, `lane${lane.id}`, `dataset${index}`);
    await mkdir(path.join(dir, 'raw'), { recursive: true });
    await Promise.all(
      sizes.map((size, i) => {
        const name = i % 3 === 0 ? `raw/scan-${String(i).padStart(2, '0')}.bin` : `table-${String(i).padStart(2, '0')}.csv`;
        return writeFile(path.join(dir, name), lane.rng.bytes(`lane${lane.id}/ds${index}/${name}`, size));
      }),
    );
    return dir;
  }

  /**
   * Notarizes a new dataset in `lane`, killing each run after a delay uniform in [0, T] when
   * `kill` is set, checking the folder after every kill and re-running the same command until a
   * run exits 0; then checks the finished dataset. Returns the duration of the last run.
   */
  async function notarizeUntilDone(lane: Lane, totals: Totals, kill: boolean): Promise<{ lastRunMs: number }> {
    const index = lane.started++;
    const title = `Kill test lane ${lane.id} dataset ${index}`;
    const folder = await writeDataset(lane, index);
    const receiptOut = path.join(tmp.dir, `lane${lane.id}`, 'receipts', `dataset${index}.json`);
    const args = ['--json', 'notarize', folder, '--title', title, '-o', receiptOut];
    const blocksBefore = await countFiles(path.join(lane.dataDir, 'ipfs', 'blocks'));
    const runs: { delayMs: number | null; ms: number; phase?: Phase; code: number | null }[] = [];
    const context = (): string => `seed ${SEED}, lane ${lane.id}, dataset ${index} ("${title}"), runs so far ${JSON.stringify(runs)}`;
    let done: CliRun | undefined;
    let adoptedRoot: string | null = null;
    while (done === undefined) {
      if (laneFailed) throw new LaneStopped();
      if (lane.verifyError !== undefined) throw lane.verifyError;
      expect(runs.length, `resume never completes: ${context()}`).toBeLessThan(MAX_RUNS_PER_DATASET);
      // Drawn per (lane, dataset, run), so a replay gives each run the same fraction of T
      // whatever the runs before it did.
      const delayMs = kill ? new SeededRandom(`${SEED}/lane${lane.id}/dataset${index}/run${runs.length}`).next() * fullRunMs(lane) : null;
      const run = await runCli(args, { dataDir: lane.dataDir, ...(delayMs === null ? {} : { killAfterMs: delayMs }) });
      const entry: (typeof runs)[number] = { delayMs: delayMs === null ? null : Math.round(delayMs), ms: Math.round(run.ms), code: run.code };
      runs.push(entry);
      if (runs.length > 1) totals.resumes++;
      totals.ms[run.killed ? 'killedRuns' : 'finishedRuns'] += run.ms;
      if (run.killed) {
        totals.kills++;
        const observed = observe(lane, title, receiptOut, blocksBefore, await countFiles(path.join(lane.dataDir, 'ipfs', 'blocks')));
        entry.phase = observed.phase;
        totals.phases[observed.phase] = (totals.phases[observed.phase] ?? 0) + 1;
        const checking = performance.now();
        await checkAtRest(lane, context());
        await checkChainMidway(lane, title, context());
        if (AFTER_STORING.has(observed.phase)) await checkListedAsPending(lane, context());
        totals.ms.checks += performance.now() - checking;
        if (ADOPT_FINISHED && observed.phase === 'finished-journal-removed') {
          adoptedRoot = observed.root;
          break;
        }
        continue;
      }
      if (run.code === 0) {
        if (delayMs !== null) totals.finishedFirst++;
        done = run;
        break;
      }
      // A kill after the job finished but before the process exited: the contract is that
      // re-running then says ALREADY_EXISTS (or, while the journal is kept, returns the result).
      const error = parseError(run.stdout);
      const previous = runs.at(-2)?.phase;
      if (error?.code === 'ALREADY_EXISTS' && previous !== undefined && FINISHED.has(previous)) {
        adoptedRoot = observe(lane, title, receiptOut, blocksBefore, blocksBefore).root;
        break;
      }
      expect.fail(`notarize exited ${run.code} (${run.signal ?? 'no signal'}): ${run.stdout}${run.stderr}\n${context()}`);
    }
    totals.datasets++;
    const { root, receiptPath, txHash } = done === undefined ? finishedFromLedger(lane, title, adoptedRoot, context()) : resultOf(done, context());
    await checkFinished(lane, totals, { title, folder, root, receiptPath, txHash, index }, context());
    return { lastRunMs: runs.at(-1)?.ms ?? 0 };
  }

  /** What a killed run left behind, from the most advanced trace back to the least. */
  function observe(lane: Lane, title: string, receiptOut: string, blocksBefore: number, blocksNow: number): Observed {
    const ledgerFile = path.join(lane.dataDir, 'ledger.sqlite');
    let row: { root: string; status: string } | undefined;
    let anchor: { status: string } | undefined;
    if (existsSync(ledgerFile)) {
      const db = new Database(ledgerFile, { readonly: true, fileMustExist: true });
      try {
        const hasTables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('datasets', 'anchors')").get() as { n: number };
        if (hasTables.n === 2) {
          row = db.prepare('SELECT root, status FROM datasets WHERE title = ? ORDER BY created_at DESC').get(title) as typeof row;
          if (row !== undefined) anchor = db.prepare('SELECT status FROM anchors WHERE root = ?').get(row.root) as typeof anchor;
        }
      } finally {
        db.close();
      }
    }
    const root = row?.root ?? null;
    const journals = countJournalsSync(path.join(lane.dataDir, 'jobs'));
    const jobFile = root !== null && existsSync(path.join(lane.dataDir, 'anchoring', `${root}.json`));
    const keptReceipt = root !== null && existsSync(path.join(lane.dataDir, 'receipts', `${root}.json`));
    let phase: Phase;
    if (row?.status === 'anchored') phase = journals > 0 ? 'finished-journal-kept' : 'finished-journal-removed';
    else if (keptReceipt || existsSync(receiptOut) || anchor?.status === 'confirmed') phase = 'confirmed-writing-receipt';
    else if (anchor !== undefined) phase = 'sent-awaiting-confirmations';
    else if (jobFile || row?.status === 'pending') phase = 'anchoring-before-send';
    else if (row !== undefined) phase = 'ledger-written';
    else if (blocksNow > blocksBefore || journals > 0) phase = 'storing';
    else phase = 'start-up';
    return { phase, root };
  }

  /**
   * The data folder at rest: ledger sound, pinned DAGs whole, every CID the ledger names pinned.
   * Blocks read by an earlier check are only checked for presence (the blockstore writes a block
   * by rename, so a kill cannot tear one that was whole); `full` reads every block again.
   */
  async function checkAtRest(lane: Lane, context: string, full = false): Promise<void> {
    const ledgerFile = path.join(lane.dataDir, 'ledger.sqlite');
    const ledger = checkLedgerFile(ledgerFile);
    expect(ledger.problems, `ledger ${ledgerFile}: ${context}`).toEqual([]);
    if (full) lane.verified = new Map();
    const pins = await checkPinnedDags(path.join(lane.dataDir, 'ipfs'), lane.verified);
    expect(pins.problems, `pinned DAGs: ${context}`).toEqual([]);
    if (!ledger.exists) return;
    const db = new Database(ledgerFile, { readonly: true, fileMustExist: true });
    let named: string[];
    try {
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('datasets', 'dataset_files')").get() as { n: number };
      named = tables.n < 2
        ? []
        : (db.prepare(`SELECT manifest_header_cid AS cid FROM datasets UNION SELECT manifest_payload_cid FROM datasets
                       UNION SELECT header_cid FROM dataset_files UNION SELECT payload_cid FROM dataset_files`).all() as { cid: string }[]).map((r) => r.cid);
    } finally {
      db.close();
    }
    const pinned = new Set(pins.pins);
    expect(named.filter((cid) => !pinned.has(cid)), `CIDs named by the ledger but not pinned: ${context}`).toEqual([]);
  }

  async function anchoredEvents(): Promise<AnchoredEvent[]> {
    const logs = await devnet.provider.getLogs({ address: devnet.registry, fromBlock: 0, toBlock: 'latest' });
    return decodeRegistryLogs(logs, devnet.registry).anchored;
  }

  /** Mid-way: at most one anchoring of this title, at most one transaction per dataset started. */
  async function checkChainMidway(lane: Lane, title: string, context: string): Promise<void> {
    const events = (await anchoredEvents()).filter((e) => e.titleHash === titleHash(title));
    expect(events.length, `the dataset is anchored more than once (roots/txs ${JSON.stringify(events.map((e) => [e.root, e.txHash]))}): ${context}`).toBeLessThanOrEqual(1);
    const nonce = await devnet.provider.getTransactionCount(lane.address, 'latest');
    expect(nonce, `transactions sent by ${lane.address}, ${lane.started} dataset(s) started: ${context}`).toBeLessThanOrEqual(lane.started);
  }

  /** What `notarium pending` lists (jobs and anchorings), read in-process: the CLI is dead. */
  async function checkListedAsPending(lane: Lane, context: string): Promise<void> {
    const n = await Notarium.open({ dataDir: lane.dataDir });
    try {
      const [jobs, anchorings] = await Promise.all([n.pendingJobs(), n.pendingAnchors()]);
      expect(jobs.length + anchorings.length, `unfinished work not listed by pending: ${context}`).toBeGreaterThan(0);
    } finally {
      await n.close();
    }
  }

  /**
   * `notarium verify` of a finished dataset, as a third party would run it: a fresh data folder,
   * the files, the receipt and an RPC endpoint. It runs beside the lane's next dataset (it reads
   * nothing of the lane's data folder); the lane awaits it before starting the next one.
   */
  async function verifyFinished(lane: Lane, totals: Totals, d: { folder: string; receiptPath: string }, context: string): Promise<void> {
    const verified = await runCli(['--json', '--rpc', devnet.url, 'verify', d.folder, '--receipt', d.receiptPath], { dataDir: path.join(tmp.dir, `lane${lane.id}`, 'verifier') });
    totals.ms.verify += verified.ms;
    expect(verified.code, `notarium verify: ${verified.stdout}${verified.stderr}\n${context}`).toBe(0);
    expect(JSON.parse(verified.stdout), context).toMatchObject({ ok: true, offline: false, checks: { chain: { status: 'pass' } } });
  }

  async function checkFinished(lane: Lane, totals: Totals, d: { title: string; folder: string; root: string; receiptPath: string; txHash: string; index: number }, context: string): Promise<void> {
    await lane.verifying;
    lane.verifying = verifyFinished(lane, totals, d, context).catch((e: unknown) => {
      lane.verifyError = e;
    });
    const checking = performance.now();

    const events = await anchoredEvents();
    const forRoot = events.filter((e) => e.root === d.root);
    expect(forRoot.map((e) => e.txHash), `Anchored events for root ${d.root}: ${context}`).toEqual([d.txHash]);
    expect(forRoot[0]?.authors, context).toEqual([getAddress(lane.address)]);
    expect(events.filter((e) => e.titleHash === titleHash(d.title)).map((e) => e.root), `Anchored events for title: ${context}`).toEqual([d.root]);
    // One transaction per finished dataset: a resume never sent a second one, even a reverted one.
    expect(await devnet.provider.getTransactionCount(lane.address, 'latest'), `transactions sent by ${lane.address} after ${d.index + 1} dataset(s): ${context}`).toBe(d.index + 1);

    await checkAtRest(lane, context);
    const db = new Database(path.join(lane.dataDir, 'ledger.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT root, status FROM datasets WHERE title = ?').all(d.title);
      expect(rows, `ledger rows for the title: ${context}`).toEqual([{ root: d.root, status: 'anchored' }]);
      expect(db.prepare('SELECT status FROM anchors WHERE root = ?').all(d.root), context).toEqual([{ status: 'confirmed' }]);
    } finally {
      db.close();
    }
    expect(existsSync(path.join(lane.dataDir, 'anchoring', `${d.root}.json`)), `anchoring record left behind: ${context}`).toBe(false);
    expect(countJournalsSync(path.join(lane.dataDir, 'jobs')), `job journal left behind: ${context}`).toBe(0);
    totals.ms.checks += performance.now() - checking;
  }

  function finishedFromLedger(lane: Lane, title: string, root: string | null, context: string): { root: string; receiptPath: string; txHash: string } {
    expect(root, `no root for a dataset reported ALREADY_EXISTS: ${context}`).not.toBeNull();
    const db = new Database(path.join(lane.dataDir, 'ledger.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const r = db.prepare(`SELECT r.path AS receiptPath, a.tx_hash AS txHash FROM datasets d JOIN receipts r ON r.dataset_id = d.id
                            JOIN anchors a ON a.root = d.root WHERE d.root = ? AND d.title = ? ORDER BY r.id DESC`).get(root, title) as { receiptPath: string; txHash: string } | undefined;
      expect(r, `finished dataset without receipt or anchor in the ledger: ${context}`).toBeDefined();
      return { root: root as string, ...(r as { receiptPath: string; txHash: string }) };
    } finally {
      db.close();
    }
  }
});

/** Thrown in a lane stopped because another lane failed. */
class LaneStopped extends Error {}

function resultOf(run: CliRun, context: string): { root: string; receiptPath: string; txHash: string } {
  let parsed: { root?: unknown; receiptPath?: unknown; txHash?: unknown };
  try {
    parsed = JSON.parse(run.stdout) as typeof parsed;
  } catch {
    throw new Error(`notarize exited 0 without a JSON result: ${run.stdout}${run.stderr}\n${context}`);
  }
  expect(parsed, context).toMatchObject({ root: expect.stringMatching(/^0x[0-9a-f]{64}$/), receiptPath: expect.any(String), txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
  return parsed as { root: string; receiptPath: string; txHash: string };
}

function parseError(stdout: string): { code: string; message: string } | undefined {
  try {
    return (JSON.parse(stdout) as { error?: { code: string; message: string } }).error;
  } catch {
    return undefined;
  }
}

/** The entries of `notarium pending --json`, whatever its shape (a list, or lists by kind). */
function unfinishedEntries(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap((v) => (Array.isArray(v) ? v : []));
  return [value];
}

/** Unfinished job journals (`<id>.journal`; a finished job leaves only a small `<id>.done`). */
function countJournalsSync(dir: string): number {
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.journal')).length : 0;
}


async function countFiles(dir: string): Promise<number> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
}
