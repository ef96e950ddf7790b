/**
 * Verification of files against a receipt (docs/RECEIPT.md §3): hashes the files
 * (streaming), runs the pure offline checks from shared/receipt, then the chain check.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isReceiptExcerpt, parseAnyReceipt, verifyReceiptOffline, type AuthorVerdict, type Check, type FileVerdict, type ObservedFile } from '../../../shared/receipt/index.ts';
import type { ReceiptStatement } from '../../../shared/receipt/schema.ts';
import { NotariumError } from '../../../shared/errors.ts';
import { collectInputs } from './inputs.ts';
import { sha256Files, type FileDigest } from './hash.ts';
import { ProgressMeter, type Progress } from './progress.ts';

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

/**
 * Verifies `inputs` (one folder: matched by path; files: matched by content) against the receipt.
 * @throws NotariumError('NOT_FOUND') for a missing receipt or input, ('RECEIPT_INVALID')
 *   for a receipt that cannot be parsed. Failed checks are reported, not thrown.
 */
export async function verifyFiles(opts: VerifyOptions): Promise<VerifyReport> {
  const cwd = opts.cwd ?? process.cwd();
  const receiptPath = path.resolve(cwd, opts.receiptPath);
  const receiptBytes = await readFile(receiptPath).catch((e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    throw new NotariumError(code === 'EISDIR' ? 'INVALID_INPUT' : 'NOT_FOUND', code === 'EISDIR' ? `--receipt ${receiptPath} is a folder: give the receipt's JSON file.` : `Receipt not found: ${receiptPath}`, { cause: e });
  });
  const receipt = parseAnyReceipt(receiptBytes.toString('utf8'));

  // The anchor check needs only the receipt: it runs (RPC round trips, or the embedded
  // devnet starting) while the files are hashed. Settled here, so a rejection waits for its turn.
  const chainCheck = opts.offline || opts.chain === null
    ? null
    : opts.chain.verifyAnchor(receipt).then((value) => ({ value }), (error: unknown) => ({ error }));

  const single = opts.inputs.length === 1 ? await lstat(path.resolve(cwd, opts.inputs[0] as string)).catch(() => null) : null;
  const matchBy = single?.isDirectory() === true ? 'path' : 'content';
  const collected = await collectInputs(opts.inputs, cwd);
  const meter = new ProgressMeter('verifying', collected.files.length, collected.totalBytes, opts.onProgress);
  // Files hashed concurrently: a dataset of many small files is bound by syscall latency.
  const digests = await sha256Files(collected.files, { onBytes: (n) => meter.bytes(n), onFileDone: () => meter.fileDone() });
  const observed: ObservedFile[] = collected.files.map((f, i) => ({ path: f.path, ...(digests[i] as FileDigest) }));

  const scope = matchBy === 'path' ? subfolderScope(observed, receipt.files.map((f) => f.path)) : '';
  const scoped = scope === '' ? observed : observed.map((o) => ({ ...o, path: `${scope}${o.path}` }));
  const offline = verifyReceiptOffline(receipt, scoped, matchBy, scope);
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

  const checksRan = [offline.receipt.manifest, offline.receipt.root, ...authors.map((a) => a.signature), ...offline.files.flatMap((f) => [f.content, f.proof])];
  const anyFail = checksRan.some((c) => c.status === 'fail') || offline.files.some((f) => f.status === 'fail' || f.status === 'missing');
  // Offline, a signature that is not plain ECDSA stays unverified: the verdict cannot be positive.
  const unverifiedAuthors = authors.filter((a) => a.signature.status !== 'pass');
  const matched = offline.files.filter((f) => f.status === 'pass').length;
  const ok = !anyFail && unverifiedAuthors.length === 0 && chain.check.status !== 'fail' && matched > 0 && (opts.offline || chain.check.status === 'pass');

  const when = new Date(receipt.anchor.blockTime * 1000).toISOString();
  const names = receipt.authors.map((a) => a.name ?? a.address).join(', ');
  let summary: string;
  if (ok && !opts.offline) {
    summary = `${matched} file(s) match the dataset "${receipt.title}", which existed no later than ${when} (block ${receipt.anchor.blockNumber} on ${receipt.network.name}) and was signed by ${names}.${receipt.network.local ? ' This anchor is on a LOCAL devnet and proves nothing to third parties.' : ''}${chain.supersededBy === null ? '' : ` A newer version exists (root ${chain.supersededBy}).`}`;
  } else if (ok) {
    summary = `${matched} file(s) match the receipt and its signatures; the chain was NOT checked (offline), so the time ${when} is unproven.`;
  } else if (chain.unreachable === true && !anyFail && unverifiedAuthors.length === 0 && matched > 0) {
    summary = `Could not check the chain (${chain.check.message}). The ${matched} file(s), the Merkle proofs and the signatures match the receipt; run again when the chain is reachable, or use --offline.`;
  } else {
    const failedFiles = offline.files.filter((f) => f.status === 'fail' || f.status === 'missing').length;
    const reasons = [
      failedFiles > 0 ? `${failedFiles} file(s) do not match` : '',
      offline.receipt.manifest.status === 'fail' ? 'the receipt is internally inconsistent' : '',
      offline.receipt.root.status === 'fail' ? 'the Merkle root does not match' : '',
      authors.some((a) => a.signature.status === 'fail') ? 'an author signature is invalid' : '',
      authors.some((a) => a.signature.status === 'skipped') ? 'an author signature could not be checked offline (contract wallet?)' : '',
      chain.check.status === 'fail' ? `the chain check failed (${chain.check.message})` : '',
      matched === 0 && failedFiles === 0 ? 'no file of the receipt was given' : '',
      matched === 0 && offline.files.some((f) => f.status === 'unlisted') ? 'none of these files is in this receipt: is it the receipt of another dataset?' : '',
      offline.files.some((f) => f.status === 'unlisted') ? `${offline.files.filter((f) => f.status === 'unlisted').length} file(s) are not part of the notarized dataset` : '',
    ].filter((s) => s !== '');
    summary = `Verification failed: ${reasons.join('; ')}.`;
  }

  return {
    ok,
    incomplete: !ok && chain.unreachable === true,
    offline: opts.offline,
    summary,
    receipt: {
      path: receiptPath,
      kind: isReceiptExcerpt(receipt) ? 'excerpt' : 'full',
      sha256: `0x${createHash('sha256').update(receiptBytes).digest('hex')}`,
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
