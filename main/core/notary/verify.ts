/**
 * Verification of files against a receipt (docs/RECEIPT.md §3): reads the receipt as a
 * stream and runs the pure offline checks from shared/receipt on it (in a worker thread for
 * a large receipt) while this thread hashes the files and asks the chain.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  judgeReceipt,
  ReceiptChecker,
  ReceiptStreamReader,
  type AuthorVerdict,
  type Check,
  type CheckedReceipt,
  type FileVerdict,
  type ObservedFile,
  type OfflineVerdict,
} from '../../../shared/receipt/index.ts';
import type { ReceiptStatement } from '../../../shared/receipt/schema.ts';
import { isNotariumError, NotariumError, type ErrorCode } from '../../../shared/errors.ts';
import { workerExecArgv } from '../crypto/cipher-pool.ts';
import { collectGarbage, FRUGAL_HEAP_MIN_FILES } from '../heap.ts';
import { collectInputs } from './inputs.ts';
import { ManifestReader, openedManifest, openManifestPacked } from './manifest-reader.ts';
import { sha256Files, type FileDigest } from './hash.ts';
import { ProgressMeter, type Progress } from './progress.ts';
import { agree, formatCount } from '../../../shared/format.ts';

/** Result of the on-chain part of verification. */
export interface ChainCheck {
  check: Check;
  /** Root of a newer version that supersedes this one, if the registry records one. */
  supersededBy: string | null;
  /** The chain could not be asked (endpoint down, no endpoint): the check did not happen. */
  unreachable?: boolean;
}

/** Port to the chain: checks a receipt's anchor (RECEIPT.md §3 steps 6–7). Never throws for a failed check. */
export interface ChainVerifier {
  verifyAnchor(receipt: ReceiptStatement): Promise<ChainCheck>;
  /**
   * ERC-1271 (https://eips.ethereum.org/EIPS/eip-1271): true when `author` is a contract
   * whose `isValidSignature(digest, signature)` returned the magic value at the anchoring
   * block. False for an EOA or a rejected signature.
   */
  isValidContractSignature(receipt: ReceiptStatement, author: string, digest: string, signature: string): Promise<boolean>;
}

export interface VerifyReport {
  /** True only if every check that ran passed and, unless offline, the chain check passed. */
  ok: boolean;
  /** True when the chain could not be reached: the verdict is incomplete, not negative. */
  incomplete: boolean;
  offline: boolean;
  /** One plain-language sentence for a clerk. */
  summary: string;
  receipt: {
    path: string;
    /** 'excerpt': a receipt excerpt (docs/RECEIPT.md §6), without the manifest. */
    kind: 'full' | 'excerpt';
    /** SHA-256 of the receipt file's bytes (names the receipt in printed reports). */
    sha256: string;
    title: string;
    root: string;
    network: string;
    chainId: string;
    local: boolean;
    contract: string;
    txHash: string;
    blockNumber: number;
    blockTime: number;
  };
  checks: { manifest: Check; root: Check; chain: Check };
  supersededBy: string | null;
  authors: AuthorVerdict[];
  files: FileVerdict[];
  /** EIP-712 digest the authors signed. */
  digest: string;
  /** Manifest digest and Merkle root recomputed from the receipt (compare with receipt.manifestDigest / root). */
  computed: { manifestDigest: string | null; root: string | null };
}

export interface VerifyOptions {
  inputs: string[];
  receiptPath: string;
  offline: boolean;
  chain: ChainVerifier | null;
  cwd?: string;
  onProgress?: (p: Progress) => void;
  /** Where the receipt is read (default: a worker thread for large receipts, see readReceiptOffThread). */
  receiptWorker?: ReceiptWorkerOptions;
  /** Receipts of at least this many bytes are read before the files are hashed, not meanwhile; default RECEIPT_FIRST_BYTES. */
  receiptFirstBytes?: number;
}

/**
 * When a folder's paths do not match the receipt's but would under a common prefix
 * (the user gave a sub-folder of the dataset, e.g. `cohort/imaging`), that prefix
 * ("imaging/"), else ''.
 */
function subfolderScope(observed: readonly ObservedFile[], receiptPaths: readonly string[]): string {
  const all = new Set(receiptPaths);
  const direct = observed.filter((o) => all.has(o.path)).length;
  if (direct === observed.length || observed.length === 0) return '';
  const first = observed.find((o) => !all.has(o.path)) as ObservedFile;
  const candidates = receiptPaths.filter((p) => p.endsWith(`/${first.path}`)).map((p) => p.slice(0, p.length - first.path.length));
  let best = '';
  let bestCount = direct;
  for (const prefix of new Set(candidates)) {
    const count = observed.filter((o) => all.has(`${prefix}${o.path}`)).length;
    if (count > bestCount) [best, bestCount] = [prefix, count];
  }
  return best;
}

/** Bytes read from the receipt at a time (tokenizing one chunk takes a few ms). */
const RECEIPT_CHUNK_BYTES = 256 * 1024;

/** A receipt read and checked entry by entry (see readReceipt). */
export interface ReadReceipt {
  checked: CheckedReceipt;
  /** SHA-256 of the receipt file's bytes, 0x-hex. */
  sha256: string;
}

/**
 * Reads the receipt at `receiptPath` as a stream (shared/receipt/stream.ts): each file
 * entry is validated and added to a ReceiptChecker as it arrives, then dropped, so a
 * 196 MB receipt of 100,000 files is never held whole.
 * @throws NotariumError('NOT_FOUND') for a missing receipt, ('INVALID_INPUT') for a
 *   folder, ('RECEIPT_INVALID') for a receipt that cannot be parsed.
 */
export async function readReceipt(receiptPath: string): Promise<ReadReceipt> {
  const handle = await open(receiptPath, 'r').catch((e: unknown) => {
    throw new NotariumError('NOT_FOUND', `Receipt not found: ${receiptPath}`, { cause: e });
  });
  let checker: ReceiptChecker | undefined;
  // The embedded manifest is read into a packed table as its bytes pass (issue 7: its text
  // is 36 MB for 100,000 files), never built as a string.
  let manifest: ManifestReader | undefined;
  const reader = new ReceiptStreamReader({
    manifest: () => (manifest = new ManifestReader()),
    head: (head) => {
      const streamed = manifest;
      checker = new ReceiptChecker(head, streamed === undefined ? openManifestPacked : () => openedManifest(streamed));
      manifest = undefined;
    },
    file: (entry) => (checker as ReceiptChecker).add(entry),
  });
  const hash = createHash('sha256');
  try {
    for await (const chunk of handle.createReadStream({ highWaterMark: RECEIPT_CHUNK_BYTES }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      reader.write(chunk);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw new NotariumError('INVALID_INPUT', `--receipt ${receiptPath} is a folder: give the receipt's JSON file.`, { cause: e });
    throw e;
  } finally {
    await handle.close().catch(() => undefined);
  }
  reader.end();
  return { checked: (checker as ReceiptChecker).result(), sha256: `0x${hash.digest('hex')}` };
}

/** The worker module of readReceiptOffThread, next to this one when running from sources (CLI, tests). */
export const RECEIPT_WORKER_URL = new URL('./receipt-worker.ts', import.meta.url);

/**
 * Young generation of the receipt worker (MiB). Tokenizing allocates a string or an
 * object per token, dead by the end of the entry: with the CLI's 1 MB semi-space
 * (--max-semi-space-size=1) more of them outlive scavenges; 24 MiB cut the thread's CPU
 * time by ~15% at 100,000 files.
 */
const RECEIPT_WORKER_YOUNG_MIB = 24;

/**
 * Old-generation budget of the receipt worker: this plus 0.75 × the receipt's size (MiB).
 * What it holds peaks while the manifest is parsed (its text, its JSON tree, the canonical
 * text it is compared with: ~0.7 × the receipt for 100,000 files, ~150 MiB). Left alone,
 * V8 let the heap grow to 2–3 × that before collecting. A receipt that needs more than
 * the budget is read again in this thread (see readReceiptOffThread).
 */
const RECEIPT_WORKER_BASE_MIB = 64;

/**
 * Receipts of this size (bytes, ≈ 16,000 files) and more are read before the files are
 * hashed: the receipt worker's heap (≈ 100 MiB at 100,000 files) is then given back
 * before the files' records (≈ 30 MB) pile up, instead of peaking on top of them. It
 * costs the receipt's reading time (≈ 3 s at 100,000 files) where the files would have
 * been hashed meanwhile.
 */
export const RECEIPT_FIRST_BYTES = 32 << 20;

/** Receipts smaller than this (bytes, ~4,000 files) are read in this thread: starting the worker would cost more than it saves. */
const RECEIPT_WORKER_MIN_BYTES = 8 << 20;

/** Options of readReceiptOffThread (tests use them to force each path). */
export interface ReceiptWorkerOptions {
  /** The worker module (default RECEIPT_WORKER_URL); null: always in this thread. */
  workerUrl?: URL | null;
  /** Receipts smaller than this are read in this thread (default 8 MiB). */
  minBytes?: number;
}

/** What receipt-worker.ts receives. */
export interface ReceiptWorkerData {
  receiptPath: string;
}

/** What receipt-worker.ts posts: the receipt as read, or the error. */
export type ReceiptWorkerMessage =
  | { type: 'done'; read: ReadReceipt }
  | { type: 'error'; error: SerializedError };

/** An error crossing from a worker: a NotariumError's code and details, or an fs error's fields. */
export interface SerializedError {
  name: string;
  message: string;
  notarium?: { code: ErrorCode; details?: Record<string, unknown> };
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
}

/** The fields of `e` that survive a postMessage and let deserializeError rebuild it. */
export function serializeError(e: unknown): SerializedError {
  if (isNotariumError(e)) return { name: e.name, message: e.message, notarium: { code: e.code, ...(e.details === undefined ? {} : { details: e.details }) } };
  const error: NodeJS.ErrnoException = e instanceof Error ? e : new Error(String(e));
  const out: SerializedError = { name: error.name, message: error.message };
  if (typeof error.code === 'string') out.code = error.code;
  if (typeof error.errno === 'number') out.errno = error.errno;
  if (typeof error.syscall === 'string') out.syscall = error.syscall;
  if (typeof error.path === 'string') out.path = error.path;
  return out;
}

/** The error serializeError described: a NotariumError with its code and details, or an Error with the fs fields. */
export function deserializeError(s: SerializedError): Error {
  if (s.notarium !== undefined) return new NotariumError(s.notarium.code, s.message, s.notarium.details === undefined ? undefined : { details: s.notarium.details });
  const { name, message, notarium: _notarium, ...fields } = s;
  const error = Object.assign(new Error(message), fields);
  error.name = name;
  return error;
}

/**
 * readReceipt in a worker thread (receipt-worker.ts), so that this thread hashes the files
 * meanwhile: with two cores both run at once, and the worker's heap is sized for the
 * parsing (RECEIPT_WORKER_YOUNG_MIB, RECEIPT_WORKER_BASE_MIB). Reads in this thread
 * instead for a small receipt, when the worker module is not there (a bundle that does
 * not ship it), or when the worker fails (it cannot start, or the receipt needs more than
 * its heap budget): the work is then redone here.
 * @throws as readReceipt.
 */
export async function readReceiptOffThread(receiptPath: string, options: ReceiptWorkerOptions = {}): Promise<ReadReceipt> {
  const url = options.workerUrl === undefined ? RECEIPT_WORKER_URL : options.workerUrl;
  const bytes = (await stat(receiptPath).catch(() => null))?.size ?? 0;
  if (url === null || bytes < (options.minBytes ?? RECEIPT_WORKER_MIN_BYTES) || (url.protocol === 'file:' && !existsSync(fileURLToPath(url)))) {
    return readReceipt(receiptPath);
  }
  const data: ReceiptWorkerData = { receiptPath };
  // Never much less: a heap too small for the worker to start aborts the whole process (V8), not just the worker.
  const maxOldGenerationSizeMb = Math.ceil(RECEIPT_WORKER_BASE_MIB + (0.75 * bytes) / 2 ** 20);
  const worker = new Worker(url, { workerData: data, execArgv: workerExecArgv(process.execArgv), resourceLimits: { maxYoungGenerationSizeMb: RECEIPT_WORKER_YOUNG_MIB, maxOldGenerationSizeMb } });
  const outcome = await new Promise<{ read: ReadReceipt } | { error: Error } | { workerFailed: unknown }>((resolve) => {
    worker.on('message', (m: ReceiptWorkerMessage) => {
      if (m.type === 'done') resolve({ read: m.read });
      else resolve({ error: deserializeError(m.error) });
    });
    worker.on('error', (e) => resolve({ workerFailed: e }));
    worker.on('exit', (code) => resolve({ workerFailed: new Error(`the receipt worker stopped (exit code ${code})`) }));
  });
  // Awaited: the worker's heap (≈ 100 MiB for 100,000 files) is given back before what follows allocates.
  await worker.terminate();
  if ('read' in outcome) return outcome.read;
  if ('error' in outcome) throw outcome.error;
  // The worker itself failed (ERR_WORKER_OUT_OF_MEMORY, or it could not start): the same work here.
  return readReceipt(receiptPath);
}

/** What verifyFiles keeps of the receipt and the files once they are judged. */
interface Judged {
  offline: OfflineVerdict;
  statement: ReceiptStatement;
  excerpt: boolean;
  /** SHA-256 of the receipt file's bytes, 0x-hex. */
  receiptSha256: string;
}

/**
 * Reads the receipt (readReceiptOffThread) while the inputs are hashed (a receipt of
 * RECEIPT_FIRST_BYTES or more: before they are), then judges the
 * files against it (judgeReceipt). Its own function so that the receipt's columns and the
 * files' records (≈ 40 MB for 100,000 files) are garbage once it returns: only the verdict is kept.
 * @param onRead called once the receipt is read, before the files may be done.
 * @throws as verifyFiles.
 */
async function readAndJudge(opts: VerifyOptions, cwd: string, receiptPath: string, onRead: (read: ReadReceipt) => void): Promise<Judged> {
  const stopHashing = new AbortController();
  const receiptBytes = (await stat(receiptPath).catch(() => null))?.size ?? 0;
  const reading = readReceiptOffThread(receiptPath, opts.receiptWorker).then(
    (read) => {
      onRead(read);
      return read;
    },
    (error: unknown) => {
      stopHashing.abort();
      throw error;
    },
  );
  // A large receipt is read first, its worker gone, before the files' records pile up.
  if (receiptBytes >= (opts.receiptFirstBytes ?? RECEIPT_FIRST_BYTES)) await reading;
  const hashing = (async () => {
    const single = opts.inputs.length === 1 ? await lstat(path.resolve(cwd, opts.inputs[0] as string)).catch(() => null) : null;
    const matchBy: 'path' | 'content' = single?.isDirectory() === true ? 'path' : 'content';
    const collected = await collectInputs(opts.inputs, cwd);
    const meter = new ProgressMeter('verifying', collected.files.length, collected.totalBytes, opts.onProgress);
    // Files hashed concurrently: a dataset of many small files is bound by syscall latency.
    const digests = await sha256Files(collected.files, { onBytes: (n) => meter.bytes(n), onFileDone: () => meter.fileDone(), signal: stopHashing.signal });
    const observed: ObservedFile[] = collected.files.map((f, i) => ({ path: f.path, ...(digests[i] as FileDigest) }));
    return { matchBy, observed };
  })();
  const [read, hashed] = await Promise.allSettled([reading, hashing]);
  if (read.status === 'rejected') throw read.reason;
  if (hashed.status === 'rejected') throw hashed.reason;
  const { checked, sha256: receiptSha256 } = read.value;
  const { matchBy, observed } = hashed.value;
  const scope = matchBy === 'path' ? subfolderScope(observed, checked.paths) : '';
  const scoped = scope === '' ? observed : observed.map((o) => ({ ...o, path: `${scope}${o.path}` }));
  return { offline: judgeReceipt(checked, scoped, matchBy, scope), statement: checked.statement, excerpt: checked.excerpt, receiptSha256 };
}

/**
 * Verifies `inputs` (one folder: matched by path; files: matched by content) against the receipt.
 * The receipt is read and checked (streaming, in a worker thread) while the files are
 * hashed, or first when it is large (RECEIPT_FIRST_BYTES); the chain is asked once the
 * receipt is read (of fewer than 1,000 files), else once the files are judged.
 * @throws NotariumError('NOT_FOUND') for a missing receipt or input, ('RECEIPT_INVALID')
 *   for a receipt that cannot be parsed (this error wins when the inputs fail too).
 *   Failed checks are reported, not thrown.
 */
export async function verifyFiles(opts: VerifyOptions): Promise<VerifyReport> {
  const cwd = opts.cwd ?? process.cwd();
  const receiptPath = path.resolve(cwd, opts.receiptPath);

  // The anchor check needs only the receipt's head. For a receipt of a few files it starts
  // as soon as the receipt is read (milliseconds), and runs (RPC round trips, or the
  // embedded devnet starting) while the files are hashed. For a large one it waits until
  // the files are judged and what that took is collected: the devnet adds ≈ 45 MiB, which
  // on top of the receipt worker and the per-file records made the peak of verifying
  // 100,000 files (issue 7). Settled here, so a rejection waits for its turn.
  let chainCheck: Promise<{ value: ChainCheck } | { error: unknown }> | undefined;
  const startChainCheck = (statement: ReceiptStatement): void => {
    const chain = opts.chain;
    if (opts.offline || chain === null || chainCheck !== undefined) return;
    chainCheck = chain.verifyAnchor(statement).then((value) => ({ value }), (error: unknown) => ({ error }));
  };
  const judged = await readAndJudge(opts, cwd, receiptPath, (read) => {
    if (read.checked.paths.length < FRUGAL_HEAP_MIN_FILES) startChainCheck(read.checked.statement);
  });
  const { offline, statement: receipt } = judged;
  if (chainCheck === undefined && !opts.offline && opts.chain !== null) {
    collectGarbage();
    startChainCheck(receipt);
  }
  let chain: ChainCheck;
  if (opts.offline) {
    chain = { check: { status: 'skipped', message: 'Not checked (offline): the anchor on the chain and its time are NOT verified.' }, supersededBy: null };
  } else if (opts.chain === null) {
    chain = { check: { status: 'fail', code: 'CHAIN_FAILED', message: `No RPC endpoint for chain ${receipt.network.chainId} (${receipt.network.name}); pass --rpc <url>, or --offline.` }, supersededBy: null, unreachable: true };
  } else {
    const settled = await (chainCheck as Promise<{ value: ChainCheck } | { error: unknown }>);
    if ('error' in settled) throw settled.error;
    chain = settled.value;
  }

  // A signature that is not an ECDSA signature by its author can only be a contract
  // wallet's (ERC-1271): ask that contract, on the chain, at the anchoring block.
  const authors: AuthorVerdict[] = [];
  for (const a of offline.authors) {
    if (a.signature.status !== 'skipped' || opts.offline || opts.chain === null) {
      authors.push(a);
      continue;
    }
    const signature = receipt.authors.find((r) => r.address.toLowerCase() === a.address.toLowerCase())?.signature ?? '0x';
    const valid = await opts.chain.isValidContractSignature(receipt, a.address, offline.digest, signature).catch(() => false);
    authors.push({
      ...a,
      signature: valid
        ? { status: 'pass', message: `Signed by the contract wallet ${a.address} (ERC-1271, checked on-chain).` }
        : { status: 'fail', code: 'SIGNATURE_INVALID', message: `The signature is not by ${a.address}: neither its key nor (for a contract wallet) ERC-1271 accepts it.` },
    });
  }

  // A file whose content or proof check failed has the status 'fail' (or 'missing').
  const anyFail = [offline.receipt.manifest, offline.receipt.root, ...authors.map((a) => a.signature)].some((c) => c.status === 'fail') || offline.files.some((f) => f.status === 'fail' || f.status === 'missing');
  // Offline, a signature that is not plain ECDSA stays unverified: the verdict cannot be positive.
  const unverifiedAuthors = authors.filter((a) => a.signature.status !== 'pass');
  const matched = offline.files.filter((f) => f.status === 'pass').length;
  const ok = !anyFail && unverifiedAuthors.length === 0 && chain.check.status !== 'fail' && matched > 0 && (opts.offline || chain.check.status === 'pass');
  // Only the chain is missing from a positive verdict: "not checked". A failed file or
  // signature is a failed verification whether or not the chain could be reached.
  const incomplete = !ok && chain.unreachable === true && !anyFail && unverifiedAuthors.length === 0 && matched > 0;

  const when = new Date(receipt.anchor.blockTime * 1000).toISOString();
  const names = receipt.authors.map((a) => a.name ?? a.address).join(', ');
  let summary: string;
  if (ok && !opts.offline) {
    summary = `${formatCount(matched, 'file')} ${agree(matched, 'matches', 'match')} the dataset "${receipt.title}", which existed no later than ${when} (block ${receipt.anchor.blockNumber} on ${receipt.network.name}) and was signed by ${names}.${receipt.network.local ? ' This anchor is on a LOCAL devnet and proves nothing to third parties.' : ''}${chain.supersededBy === null ? '' : ` A newer version exists (root ${chain.supersededBy}).`}`;
  } else if (ok) {
    summary = `${formatCount(matched, 'file')} ${agree(matched, 'matches', 'match')} the receipt and its signatures; the chain was NOT checked (offline), so the time ${when} is unproven.`;
  } else if (incomplete) {
    summary = `Could not check the chain: ${chain.check.message.replace(/\.$/, '')}. The ${formatCount(matched, 'file')}, the Merkle proofs and the signatures match the receipt; run again when the chain is reachable, or use --offline.`;
  } else {
    const failedFiles = offline.files.filter((f) => f.status === 'fail' || f.status === 'missing').length;
    const unlisted = offline.files.filter((f) => f.status === 'unlisted').length;
    const reasons = [
      failedFiles > 0 ? `${formatCount(failedFiles, 'file')} ${agree(failedFiles, 'does', 'do')} not match` : '',
      offline.receipt.manifest.status === 'fail' ? 'the receipt is internally inconsistent' : '',
      offline.receipt.root.status === 'fail' ? 'the Merkle root does not match' : '',
      authors.some((a) => a.signature.status === 'fail') ? 'an author signature is invalid' : '',
      authors.some((a) => a.signature.status === 'skipped') ? 'an author signature could not be checked offline (contract wallet?)' : '',
      chain.check.status === 'fail' ? `the chain check failed (${chain.check.message})` : '',
      matched === 0 && failedFiles === 0 ? 'no file of the receipt was given' : '',
      matched === 0 && unlisted > 0 ? 'none of these files is in this receipt: is it the receipt of another dataset?' : '',
      unlisted > 0 ? `${formatCount(unlisted, 'file')} ${agree(unlisted, 'is', 'are')} not part of the notarized dataset` : '',
    ].filter((s) => s !== '');
    // Shown after "NOT VERIFIED:" (CLI, report): the reasons themselves, capitalised.
    const text = reasons.join('; ');
    summary = `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  }

  return {
    ok,
    incomplete,
    offline: opts.offline,
    summary,
    receipt: {
      path: receiptPath,
      kind: judged.excerpt ? 'excerpt' : 'full',
      sha256: judged.receiptSha256,
      title: receipt.title,
      root: receipt.root,
      network: receipt.network.name,
      chainId: receipt.network.chainId,
      local: receipt.network.local,
      contract: receipt.contract,
      txHash: receipt.anchor.txHash,
      blockNumber: receipt.anchor.blockNumber,
      blockTime: receipt.anchor.blockTime,
    },
    checks: { manifest: offline.receipt.manifest, root: offline.receipt.root, chain: chain.check },
    supersededBy: chain.supersededBy,
    authors,
    files: offline.files,
    digest: offline.digest,
    computed: offline.computed,
  };
}
