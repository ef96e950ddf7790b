/**
 * Offline receipt verification: everything except the chain (docs/RECEIPT.md §3), for a
 * full receipt or a receipt excerpt (§6: no manifest, so steps 2 and the whole-tree root
 * are reported as not included). Pure: the caller hashes the files (streaming, in
 * main/core) and checks the chain.
 */
import { TypedDataEncoder, recoverAddress, getAddress } from 'ethers';
import { NOTARIZATION_TYPES, notaryDomain, type NotarizationMessage } from '../notary/typed-data.ts';
import { manifestDigest, parseManifest, type Manifest } from '../notary/manifest.ts';
import { PUBLIC_SALT } from '../notary/leaf.ts';
import { datasetRoot, verifyLeafProof } from '../notary/leaf.ts';
import { isReceiptExcerpt, type AnyReceipt, type Receipt, type ReceiptFile, type ReceiptStatement } from './schema.ts';

export type CheckStatus = 'pass' | 'fail' | 'skipped';

/** One check's outcome. `code` is a stable NotariumError code when status is 'fail'. */
export interface Check {
  status: CheckStatus;
  code?: string;
  message: string;
}

/** A file the verifier holds: path relative to the verified folder (or its base name), plaintext size in bytes, SHA-256. */
export interface ObservedFile {
  path: string;
  size: number;
  sha256: string;
}

export interface FileVerdict {
  /** Path in the receipt (or the observed path when the file is not in the receipt). */
  path: string;
  /** 'missing': in the receipt, not given; 'unlisted': given, not in the receipt. */
  status: 'pass' | 'fail' | 'missing' | 'unlisted';
  /** SHA-256 computed from the file the verifier holds (absent when missing). */
  observedSha256?: string;
  /** SHA-256 the receipt records (absent when unlisted). */
  expectedSha256?: string;
  content: Check;
  proof: Check;
}

export interface AuthorVerdict {
  address: string;
  name?: string;
  orcid?: string;
  /** pass: an ECDSA signature by this address. skipped: not an ECDSA signature by it — valid only if it is an ERC-1271 contract wallet, which only the chain can tell. */
  signature: Check;
}

export interface OfflineVerdict {
  receipt: { manifest: Check; root: Check };
  /**
   * Values recomputed from the receipt's own data, to compare by hand (RECEIPT.md §4);
   * null when not computed (an excerpt has no manifest; an invalid manifest gives no root).
   */
  computed: { manifestDigest: string | null; root: string | null };
  authors: AuthorVerdict[];
  files: FileVerdict[];
  /** The typed-data message all authors signed. */
  message: NotarizationMessage;
  /** EIP-712 digest that was signed (0x, 32 bytes). */
  digest: string;
}

/** The EIP-712 message of a receipt (or excerpt). */
export function receiptMessage(receipt: ReceiptStatement): NotarizationMessage {
  return {
    root: receipt.root,
    manifestDigest: receipt.manifestDigest,
    title: receipt.title,
    authors: receipt.authors.map((a) => a.address),
    supersedes: receipt.supersedes,
  };
}

/** EIP-712 digest (https://eips.ethereum.org/EIPS/eip-712) the receipt's authors signed. */
export function receiptDigest(receipt: ReceiptStatement): string {
  return TypedDataEncoder.hash(notaryDomain(BigInt(receipt.network.chainId), receipt.contract), NOTARIZATION_TYPES, receiptMessage(receipt));
}

const pass = (message: string): Check => ({ status: 'pass', message });
const fail = (code: string, message: string): Check => ({ status: 'fail', code, message });
const skipped = (message: string): Check => ({ status: 'skipped', message });

function checkManifest(receipt: Receipt, digest: string): { check: Check; manifest?: Manifest } {
  if (digest !== receipt.manifestDigest) {
    return { check: fail('RECEIPT_INVALID', `The embedded manifest hashes to ${digest}, not to the signed manifest digest ${receipt.manifestDigest}.`) };
  }
  let manifest: Manifest;
  try {
    manifest = parseManifest(receipt.manifest);
  } catch (e) {
    return { check: fail('RECEIPT_INVALID', (e as Error).message) };
  }
  const problems: string[] = [];
  if (manifest.title !== receipt.title) problems.push('title differs from the manifest');
  const mAuthors = manifest.authors.map((a) => a.address.toLowerCase());
  const rAuthors = receipt.authors.map((a) => a.address.toLowerCase());
  if (mAuthors.join() !== rAuthors.join()) problems.push('authors differ from the manifest');
  if (manifest.files.length !== receipt.files.length) problems.push('file count differs from the manifest');
  manifest.files.forEach((f, i) => {
    const r = receipt.files[i];
    if (r === undefined || r.path !== f.path || r.size !== f.size || r.sha256 !== f.sha256 || r.salt !== f.salt) {
      problems.push(`file #${i} (${f.path}) differs from the manifest`);
    }
    if (manifest.public && f.salt !== PUBLIC_SALT) problems.push(`file ${f.path} is salted in a public manifest`);
  });
  if (problems.length > 0) return { check: fail('RECEIPT_INVALID', `Receipt and manifest disagree: ${problems.slice(0, 5).join('; ')}.`), manifest };
  return { check: pass(`The manifest (${manifest.files.length} files) matches its signed digest.`), manifest };
}

/**
 * Verifies a receipt against the files the verifier holds, without any network:
 * manifest digest and consistency, Merkle root recomputation, each file's content and
 * Merkle proof, and each author's EIP-712 ECDSA signature. For an excerpt the manifest
 * and root checks are 'skipped' (not included in it): every other check is the same, and
 * the files of the dataset it does not list are neither missing nor outside the dataset.
 *
 * @param observed the files to check, with their SHA-256 computed by the caller.
 * @param matchBy 'path': `observed[].path` is relative to the dataset folder; receipt
 *   files not observed are 'missing'. 'content': single files matched by hash (any
 *   name), receipt files not observed are not reported.
 * @param scope with 'path': the given folder is this sub-folder of the dataset ('' = the
 *   whole dataset, else a prefix ending in '/'), and `observed[].path` already carries it.
 * Never throws for verification failures; they are reported as checks.
 */
export function verifyReceiptOffline(receipt: AnyReceipt, observed: readonly ObservedFile[], matchBy: 'path' | 'content', scope = ''): OfflineVerdict {
  const excerpt = isReceiptExcerpt(receipt);
  let computedDigest: string | null = null;
  let manifestCheck = skipped('Not included in this excerpt: the manifest digest is signed and anchored, but only the full receipt shows the manifest it is the digest of.');
  let manifest: Manifest | undefined;
  if (!isReceiptExcerpt(receipt)) {
    computedDigest = manifestDigest(receipt.manifest);
    ({ check: manifestCheck, manifest } = checkManifest(receipt, computedDigest));
  }

  let rootCheck: Check;
  let computedRoot: string | null = null;
  if (excerpt) {
    rootCheck = skipped(`Not included in this excerpt: the root is not recomputed from all files (the excerpt lists ${receipt.files.length}); each file's proof is checked against it instead.`);
  } else if (manifest === undefined) {
    rootCheck = skipped('The Merkle root was not recomputed: the manifest is invalid.');
  } else {
    const root = datasetRoot(manifest.files.map((f) => [f.salt, f.sha256]));
    computedRoot = root;
    rootCheck = root === receipt.root
      ? pass(`All ${manifest.files.length} files together give the anchored Merkle root.`)
      : fail('PROOF_INVALID', `The files of the manifest give the Merkle root ${root}, not the receipt's ${receipt.root}.`);
  }

  const message = receiptMessage(receipt);
  const digest = receiptDigest(receipt);
  const authors: AuthorVerdict[] = receipt.authors.map((a) => {
    const base = { address: getAddress(a.address), ...(a.name === undefined ? {} : { name: a.name }), ...(a.orcid === undefined ? {} : { orcid: a.orcid }) };
    let recovered: string | undefined;
    if ((a.signature.length - 2) / 2 === 65) {
      try {
        recovered = recoverAddress(digest, a.signature);
      } catch {
        recovered = undefined;
      }
    }
    if (recovered !== undefined && recovered.toLowerCase() === a.address.toLowerCase()) {
      return { ...base, signature: pass(`Signed by ${base.address}.`) };
    }
    return {
      ...base,
      signature: skipped(`Not an ordinary (ECDSA) signature by ${base.address}; it is valid only if this address is a contract wallet (ERC-1271) that accepted it on-chain.`),
    };
  });

  const byPath = new Map<string, ReceiptFile>(receipt.files.map((f) => [f.path, f]));
  const byHash = new Map<string, ReceiptFile>();
  for (const f of receipt.files) if (!byHash.has(f.sha256)) byHash.set(f.sha256, f);

  const files: FileVerdict[] = [];
  const seen = new Set<string>();
  for (const o of observed) {
    const entry = matchBy === 'path' ? byPath.get(o.path) : byHash.get(o.sha256) ?? byPath.get(o.path);
    if (entry === undefined) {
      files.push({
        path: o.path,
        status: matchBy === 'path' ? 'unlisted' : 'fail',
        observedSha256: o.sha256,
        content: matchBy === 'path'
          ? skipped(excerpt ? 'This file is not in this receipt excerpt.' : 'This file is not part of the notarized dataset.')
          : fail('HASH_MISMATCH', excerpt ? 'No file with this content is in this receipt excerpt.' : 'No file with this content is in the receipt.'),
        proof: skipped('No proof: the file is not in the receipt.'),
      });
      continue;
    }
    seen.add(entry.path);
    const content = o.sha256 === entry.sha256 && o.size === entry.size
      ? pass(`Content matches (SHA-256 ${entry.sha256.slice(2, 18)}…, ${entry.size} bytes).`)
      : fail('HASH_MISMATCH', `Content differs from the notarized file: SHA-256 ${o.sha256} (${o.size} bytes) instead of ${entry.sha256} (${entry.size} bytes).`);
    const proofOk = verifyLeafProof(receipt.root, [entry.salt, entry.sha256], entry.proof);
    const proof = proofOk
      ? pass('The Merkle proof links this file to the anchored root.')
      : fail('PROOF_INVALID', 'The Merkle proof in the receipt does not lead to the anchored root.');
    files.push({ path: entry.path, status: content.status === 'pass' && proof.status === 'pass' ? 'pass' : 'fail', observedSha256: o.sha256, expectedSha256: entry.sha256, content, proof });
  }
  if (matchBy === 'path') {
    // `scope`: a sub-folder of the dataset was given; only files under it can be missing.
    for (const f of receipt.files) {
      if (!seen.has(f.path) && f.path.startsWith(scope)) {
        files.push({
          path: f.path,
          status: 'missing',
          expectedSha256: f.sha256,
          content: fail('NOT_FOUND', 'This notarized file was not found in the given folder.'),
          proof: skipped('Not checked: file missing.'),
        });
      }
    }
  }

  return {
    receipt: { manifest: manifestCheck, root: rootCheck },
    computed: { manifestDigest: computedDigest, root: computedRoot },
    authors,
    files,
    message,
    digest,
  };
}
