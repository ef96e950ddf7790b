/**
 * Offline receipt verification: everything except the chain (docs/RECEIPT.md §3), for a
 * full receipt or a receipt excerpt (§6: no manifest, so steps 2 and the whole-tree root
 * are reported as not included), on a parsed receipt or entry by entry as a receipt is
 * streamed (ReceiptChecker, judgeReceipt). Pure: the caller hashes the files (in
 * main/core) and checks the chain.
 */
import { TypedDataEncoder, recoverAddress, getAddress, getBytes, hexlify } from 'ethers';
import { formatCount } from '../format.ts';
import { NOTARIZATION_TYPES, notaryDomain, type NotarizationMessage } from '../notary/typed-data.ts';
import { manifestDigest, parseManifest, type ManifestFile } from '../notary/manifest.ts';
import { datasetProver, PUBLIC_SALT, verifyLeafProof } from '../notary/leaf.ts';
import { RECEIPT_EXCERPT_VERSION, type AnyReceipt, type Receipt, type ReceiptAuthor, type ReceiptExcerpt, type ReceiptFile, type ReceiptStatement } from './schema.ts';

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

/**
 * The checks of a file that matches, and of a proof: one shared, frozen object each
 * rather than one per file (a verdict of 100,000 files held ≈ 200,000 of them, each with
 * its own message). The file's hash is in its verdict's `expectedSha256`.
 */
const CONTENT_MATCHES: Check = Object.freeze(pass('Content matches the notarized file (same SHA-256 and size).'));
const PROOF_LEADS: Check = Object.freeze(pass('The Merkle proof links this file to the anchored root.'));
const PROOF_FAILS: Check = Object.freeze(fail('PROOF_INVALID', 'The Merkle proof in the receipt does not lead to the anchored root.'));

/** What the checker keeps of a manifest file: what a receipt entry must agree with. */
type ManifestLeafFile = Pick<ManifestFile, 'path' | 'size' | 'sha256' | 'salt'>;

/**
 * What ReceiptChecker needs of a parsed manifest: its signed fields, and its files in leaf
 * order by index (an array, or entries made on demand from a packed form).
 */
export interface CheckableManifest {
  title: string;
  authors: readonly { address: string }[];
  public: boolean;
  files: { readonly length: number; at(index: number): ManifestLeafFile | undefined };
}

/**
 * How ReceiptChecker reads the embedded manifest text: its digest (manifestDigest: SHA-256
 * of the UTF-8 bytes), and a parse asked for only when the digest is the signed one.
 * `parse` throws NotariumError('RECEIPT_INVALID') as parseManifest does. The default parses
 * the whole text (parseManifest); main/core streams it into a packed table instead
 * (manifest-reader.ts), a fraction of the memory for 100,000 files.
 */
export type ManifestOpener = (text: string) => { digest: string; parse: () => CheckableManifest };

/** The default ManifestOpener: manifestDigest and parseManifest over the whole text. */
export const openManifestText: ManifestOpener = (text) => ({ digest: manifestDigest(text), parse: () => parseManifest(text) });

/**
 * Runs `build` with V8's stack trace capture off. The Merkle library's ABI encoder
 * (@metamask/abi-utils, under standardLeafHash) constructs an Error for its assertion
 * message on every value it encodes, thrown or not; capturing their stacks was ~20% of
 * building a 100,000-leaf tree. Restored before returning, also on a throw.
 */
function withoutStackTraces<T>(build: () => T): T {
  const ErrorWithLimit = Error as { stackTraceLimit?: number };
  const limit = ErrorWithLimit.stackTraceLimit;
  ErrorWithLimit.stackTraceLimit = 0;
  try {
    return build();
  } finally {
    ErrorWithLimit.stackTraceLimit = limit;
  }
}

/** Whether `entry`'s Merkle proof leads from its leaf to `root`, as the library's StandardMerkleTree.verify says. */
function libraryProofLeads(root: string, entry: ReceiptFile): boolean {
  return withoutStackTraces(() => verifyLeafProof(root, [entry.salt, entry.sha256], entry.proof));
}

/** CheckedReceipt.proofs: the proof leads to the root. */
export const PROOF_OK = 1;
/** CheckedReceipt.proofs: not settled while reading; the entry is in `unsettled`, to fold with the library if its file is given. */
export const PROOF_UNSETTLED = 2;
/** CheckedReceipt.proofs: folded with the library while reading (past MAX_UNSETTLED), and it does not lead to the root. */
export const PROOF_BROKEN = 3;
/**
 * Entries kept with their proofs until judgeReceipt (≈ 2 KB each): beyond these, an
 * unsettled proof is folded with the library as it is read and only its outcome kept.
 * Entries are unsettled only in an excerpt or when the receipt disagrees with its manifest
 * (altered): without a bound, the altered receipt of 100,000 files held ≈ 200 MB of them.
 */
export const MAX_UNSETTLED = 1000;
/** Per-file manifest problems listed in the report. */
const MAX_LISTED_PROBLEMS = 5;

/**
 * A receipt read and checked by ReceiptChecker, before the files are compared with it:
 * plain data (structured-clonable: it can cross from a worker thread), one column per
 * field of the entries.
 */
export interface CheckedReceipt {
  /** The signed and anchored fields. */
  statement: ReceiptStatement;
  excerpt: boolean;
  /** Step 2 and the whole-tree root: 'skipped' for an excerpt. */
  manifest: Check;
  root: Check;
  /** Values recomputed from the receipt (see OfflineVerdict.computed). */
  computed: { manifestDigest: string | null; root: string | null };
  /** The entries in receipt order: dataset path, size in bytes. */
  paths: string[];
  sizes: number[];
  /**
   * Their SHA-256, 32 bytes each, entry i at i × 32 (entrySha256 gives it as 0x-hex):
   * 3.2 MB for 100,000 entries, against ≈ 9 MB as strings, on each side of a worker.
   */
  sha256: Uint8Array;
  /** Per entry: PROOF_OK, PROOF_UNSETTLED or PROOF_BROKEN. */
  proofs: Uint8Array;
  /** The unsettled entries by index, with their proofs. */
  unsettled: Map<number, ReceiptFile>;
}

/** The SHA-256 of entry `index` of a checked receipt, 0x-hex (lowercase, as the receipt's schema). */
export function entrySha256(checked: Pick<CheckedReceipt, 'sha256'>, index: number): string {
  return hexlify(checked.sha256.subarray(index * 32, index * 32 + 32));
}

/** The signed and anchored fields of a receipt or excerpt (or of its head), without the manifest text. */
export function statementOf(receipt: ReceiptStatement): ReceiptStatement {
  const { network, contract, root, title, authors, supersedes, manifestDigest, storage, anchor } = receipt;
  return { network, contract, root, title, authors, supersedes, manifestDigest, storage, anchor };
}

/**
 * Offline verification of a receipt read entry by entry (docs/RECEIPT.md §3 steps 1–4,
 * and 5 in judgeReceipt): the head is checked when the checker is made, each `files[]`
 * entry as it is added — keeping only its path, size and hash — and `result` gives what
 * judgeReceipt compares the files with. Memory is a small record per entry plus, for a
 * full receipt, the manifest's leaves and one Merkle tree while entries arrive, whatever
 * the size of the proofs.
 *
 * Inclusion (step 4): for a full receipt whose manifest is valid, the tree is rebuilt once
 * from all manifest files (shared/notary/leaf.ts, which also gives the whole-tree root);
 * when it gives the anchored root and the entry's leaf is the manifest's leaf at the same
 * index, a proof equal to the rebuilt tree's proof of that leaf leads to the root by
 * construction. Any other proof (a damaged one, or another valid one, as two equal leaves
 * of a public dataset allow) and every proof of an excerpt is folded with the library's
 * StandardMerkleTree.verify: the verdict is the library's in every case.
 */
export class ReceiptChecker {
  readonly #statement: ReceiptStatement;
  readonly #excerpt: boolean;
  readonly #computedDigest: string | null;
  /** Set when the manifest could not be used (digest mismatch, invalid): the manifest check's failure. */
  readonly #manifestFailure: Check | undefined;
  /** The manifest's files (what the entries must agree with) while entries arrive; undefined when the manifest is unusable. */
  #manifestFiles: CheckableManifest['files'] | undefined;
  #manifestPublic = false;
  #prover: { root: string; proof: (index: number) => string[] } | undefined;
  /** Title and author problems, then per-file ones by index (capped). */
  readonly #headProblems: string[] = [];
  readonly #fileProblems: string[] = [];
  readonly #paths: string[] = [];
  readonly #sizes: number[] = [];
  /** SHA-256 column (CheckedReceipt.sha256), grown by doubling. */
  #sha256 = new Uint8Array(32 * 256);
  readonly #proofs: number[] = [];
  readonly #unsettled = new Map<number, ReceiptFile>();

  /**
   * Checks the head of a receipt or excerpt (everything but `files`): the manifest digest
   * and contents (step 2). Keeps neither the head nor the manifest text.
   * Never throws for verification failures; they are reported by `result`.
   * @param openManifest how the embedded manifest is read (default: openManifestText).
   */
  constructor(head: Omit<Receipt, 'files'> | Omit<ReceiptExcerpt, 'files'>, openManifest: ManifestOpener = openManifestText) {
    this.#excerpt = head.version === RECEIPT_EXCERPT_VERSION;
    this.#statement = statementOf(head);
    if (!('manifest' in head) || this.#excerpt) {
      this.#computedDigest = null;
      return;
    }
    const opened = openManifest(head.manifest);
    this.#computedDigest = opened.digest;
    if (this.#computedDigest !== head.manifestDigest) {
      this.#manifestFailure = fail('RECEIPT_INVALID', `The embedded manifest hashes to ${this.#computedDigest}, not to the signed manifest digest ${head.manifestDigest}.`);
      return;
    }
    let manifest: CheckableManifest;
    try {
      manifest = opened.parse();
    } catch (e) {
      this.#manifestFailure = fail('RECEIPT_INVALID', (e as Error).message);
      return;
    }
    if (manifest.title !== head.title) this.#headProblems.push('title differs from the manifest');
    const mAuthors = manifest.authors.map((a) => a.address.toLowerCase());
    const rAuthors = head.authors.map((a) => a.address.toLowerCase());
    if (mAuthors.join() !== rAuthors.join()) this.#headProblems.push('authors differ from the manifest');
    this.#manifestPublic = manifest.public;
    // Only what the entries are compared with: the CIDs are a third of each file's record.
    this.#manifestFiles = Array.isArray(manifest.files) ? (manifest.files as ManifestLeafFile[]).map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, salt: f.salt })) : manifest.files;
  }

  /**
   * The tree over the manifest's leaves, built on first use rather than in the constructor:
   * by then the caller has let go of the head, so the manifest text and its parsed form
   * (half the memory held at this point for 100,000 files) can be collected meanwhile.
   */
  #treeProver(): { root: string; proof: (index: number) => string[] } | undefined {
    const files = this.#manifestFiles;
    if (this.#prover === undefined && files !== undefined) {
      this.#prover = withoutStackTraces(() => datasetProver({ length: files.length, at: (i) => { const f = files.at(i) as ManifestLeafFile; return [f.salt, f.sha256]; } }));
    }
    return this.#prover;
  }

  /** Adds the next `files[]` entry (index = number added before). Never throws for verification failures. */
  add(entry: ReceiptFile): void {
    const index = this.#paths.length;
    const f = index < (this.#manifestFiles?.length ?? 0) ? this.#manifestFiles?.at(index) : undefined;
    const sameLeaf = f !== undefined && f.salt === entry.salt && f.sha256 === entry.sha256;
    const same = sameLeaf && f.path === entry.path && f.size === entry.size;
    // The manifest's strings when they agree: they are held anyway, the entry's are dropped.
    this.#paths.push(same ? f.path : entry.path);
    this.#sizes.push(entry.size);
    if ((index + 1) * 32 > this.#sha256.length) {
      const grown = new Uint8Array(this.#sha256.length * 2);
      grown.set(this.#sha256);
      this.#sha256 = grown;
    }
    this.#sha256.set(getBytes(entry.sha256), index * 32);
    // An entry beyond the manifest's files shows as the file count's difference.
    if (f !== undefined) {
      if (!same) this.#fileProblem(`file #${index} (${f.path}) differs from the manifest`);
      if (this.#manifestPublic && f.salt !== PUBLIC_SALT) this.#fileProblem(`file ${f.path} is salted in a public manifest`);
    }
    const prover = sameLeaf ? this.#treeProver() : undefined;
    const settled = prover !== undefined && prover.root === this.#statement.root && sameProof(prover.proof(index), entry.proof);
    if (settled) this.#proofs.push(PROOF_OK);
    else if (this.#unsettled.size < MAX_UNSETTLED) {
      this.#proofs.push(PROOF_UNSETTLED);
      this.#unsettled.set(index, entry);
    } else {
      this.#proofs.push(libraryProofLeads(this.#statement.root, entry) ? PROOF_OK : PROOF_BROKEN);
    }
  }

  /** The signed and anchored fields of the receipt (its head without the manifest). */
  get statement(): ReceiptStatement {
    return this.#statement;
  }

  /**
   * The receipt as checked, once every entry was added: the manifest and root checks and
   * the entries. The checker lets go of the manifest and the tree (call once).
   */
  result(): CheckedReceipt {
    const count = this.#paths.length;
    const prover = this.#treeProver();
    const manifestFiles = this.#manifestFiles;
    this.#manifestFiles = undefined;
    this.#prover = undefined;

    let manifestCheck: Check;
    let rootCheck: Check;
    let computedRoot: string | null = null;
    if (this.#excerpt) {
      manifestCheck = skipped('Not included in this excerpt: the manifest digest is signed and anchored, but only the full receipt shows the manifest it is the digest of.');
      rootCheck = skipped(`Not included in this excerpt: the root is not recomputed from all files (the excerpt lists ${count}); each file's proof is checked against it instead.`);
    } else if (manifestFiles === undefined || prover === undefined) {
      manifestCheck = this.#manifestFailure ?? fail('RECEIPT_INVALID', 'The receipt has no manifest.');
      rootCheck = skipped('The Merkle root was not recomputed: the manifest is invalid.');
    } else {
      const problems = [...this.#headProblems];
      if (manifestFiles.length !== count) problems.push('file count differs from the manifest');
      const perFile = [...this.#fileProblems];
      // Manifest files beyond the receipt's entries have no entry to agree with.
      for (let i = count; i < manifestFiles.length && perFile.length < MAX_LISTED_PROBLEMS; i++) {
        const f = manifestFiles.at(i) as ManifestLeafFile;
        perFile.push(`file #${i} (${f.path}) differs from the manifest`);
        if (this.#manifestPublic && f.salt !== PUBLIC_SALT) perFile.push(`file ${f.path} is salted in a public manifest`);
      }
      problems.push(...perFile);
      manifestCheck = problems.length > 0
        ? fail('RECEIPT_INVALID', `Receipt and manifest disagree: ${problems.slice(0, MAX_LISTED_PROBLEMS).join('; ')}.`)
        : pass(`The manifest (${formatCount(manifestFiles.length, 'file')}) matches its signed digest.`);
      computedRoot = prover.root;
      rootCheck = prover.root === this.#statement.root
        ? pass(`All ${manifestFiles.length} files together give the anchored Merkle root.`)
        : fail('PROOF_INVALID', `The files of the manifest give the Merkle root ${prover.root}, not the receipt's ${this.#statement.root}.`);
    }
    return {
      statement: this.#statement,
      excerpt: this.#excerpt,
      manifest: manifestCheck,
      root: rootCheck,
      computed: { manifestDigest: this.#computedDigest, root: computedRoot },
      paths: this.#paths,
      sizes: this.#sizes,
      sha256: this.#sha256.slice(0, count * 32),
      proofs: Uint8Array.from(this.#proofs),
      unsettled: this.#unsettled,
    };
  }

  #fileProblem(problem: string): void {
    if (this.#fileProblems.length < MAX_LISTED_PROBLEMS) this.#fileProblems.push(problem);
  }
}

/**
 * The verdict of a checked receipt against the files the verifier holds: each file's
 * content (step 3) and proof (step 4: a proof not settled while reading is folded with
 * StandardMerkleTree.verify now), and each author's EIP-712 ECDSA signature (step 5).
 * @param observed the files to check, with their SHA-256 computed by the caller.
 * @param matchBy 'path': `observed[].path` is relative to the dataset folder; receipt
 *   files not observed are 'missing'. 'content': single files matched by hash (any
 *   name), receipt files not observed are not reported.
 * @param scope with 'path': the given folder is this sub-folder of the dataset ('' = the
 *   whole dataset, else a prefix ending in '/'), and `observed[].path` already carries it.
 * Never throws for verification failures; they are reported as checks.
 */
export function judgeReceipt(checked: CheckedReceipt, observed: readonly ObservedFile[], matchBy: 'path' | 'content', scope = ''): OfflineVerdict {
  const { statement, excerpt, paths, sizes } = checked;
  const message = receiptMessage(statement);
  const digest = receiptDigest(statement);
  const authors = statement.authors.map((a) => authorVerdict(a, digest));

  const byPath = new Map<string, number>();
  paths.forEach((p, i) => byPath.set(p, i));
  // Files matched by content only: by path, a map of 100,000 hashes would go unused.
  const byHash = new Map<string, number>();
  if (matchBy === 'content') {
    for (let i = 0; i < paths.length; i++) {
      const h = entrySha256(checked, i);
      if (!byHash.has(h)) byHash.set(h, i);
    }
  }
  const proofLeads = (index: number): boolean => {
    if (checked.proofs[index] === PROOF_OK) return true;
    const entry = checked.unsettled.get(index);
    return entry !== undefined && libraryProofLeads(statement.root, entry);
  };

  // A name written in another Unicode normalization form (macOS keeps NFD, most other
  // systems NFC) is still the same file: matched on the NFC form when it is unambiguous
  // and no observed file has the receipt's exact name.
  // Built on the first name not found as it is (none, usually).
  let fallback: { byNfc: Map<string, number | null>; exactNames: Set<string> } | undefined;
  const byName = (name: string): number | undefined => {
    const exact = byPath.get(name);
    if (exact !== undefined) return exact;
    if (fallback === undefined) {
      const byNfc = new Map<string, number | null>();
      for (const [p, i] of byPath) {
        const k = p.normalize('NFC');
        byNfc.set(k, byNfc.has(k) ? null : i);
      }
      fallback = { byNfc, exactNames: new Set(observed.map((o) => o.path)) };
    }
    const i = fallback.byNfc.get(name.normalize('NFC'));
    return i === null || i === undefined || fallback.exactNames.has(paths[i] as string) ? undefined : i;
  };

  const files: FileVerdict[] = [];
  /** Per receipt path (by its index in byPath): 1 once an observed file matched it. */
  const seen = new Uint8Array(paths.length);
  for (const o of observed) {
    const index = matchBy === 'path' ? byName(o.path) : byHash.get(o.sha256) ?? byName(o.path);
    if (index === undefined) {
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
    const path = paths[index] as string;
    const expected = entrySha256(checked, index);
    const size = sizes[index] as number;
    seen[byPath.get(path) as number] = 1;
    const matches = o.sha256 === expected && o.size === size;
    const content = matches
      ? CONTENT_MATCHES
      : fail('HASH_MISMATCH', `Content differs from the notarized file: SHA-256 ${o.sha256} (${o.size} bytes) instead of ${expected} (${size} bytes).`);
    const proof = proofLeads(index) ? PROOF_LEADS : PROOF_FAILS;
    // One string for both hashes when they are equal (100,000 files: ≈ 9 MB less).
    files.push({ path, status: matches && proof === PROOF_LEADS ? 'pass' : 'fail', observedSha256: o.sha256, expectedSha256: matches ? o.sha256 : expected, content, proof });
  }
  if (matchBy === 'path') {
    // `scope`: a sub-folder of the dataset was given; only files under it can be missing.
    paths.forEach((p, i) => {
      if (seen[byPath.get(p) as number] === 0 && p.startsWith(scope)) {
        files.push({
          path: p,
          status: 'missing',
          expectedSha256: entrySha256(checked, i),
          content: fail('NOT_FOUND', 'This notarized file was not found in the given folder.'),
          proof: skipped('Not checked: file missing.'),
        });
      }
    });
  }

  return {
    receipt: { manifest: checked.manifest, root: checked.root },
    computed: checked.computed,
    authors,
    files,
    message,
    digest,
  };
}

function sameProof(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Step 5 offline: pass for an ECDSA signature by the author, skipped otherwise (only an ERC-1271 wallet, on-chain, can accept it). */
function authorVerdict(a: ReceiptAuthor, digest: string): AuthorVerdict {
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
}

/**
 * Verifies a receipt against the files the verifier holds, without any network:
 * manifest digest and consistency, Merkle root recomputation, each file's content and
 * Merkle proof, and each author's EIP-712 ECDSA signature. For an excerpt the manifest
 * and root checks are 'skipped' (not included in it): every other check is the same, and
 * the files of the dataset it does not list are neither missing nor outside the dataset.
 * ReceiptChecker and judgeReceipt over a parsed receipt (see there; parameters as judgeReceipt's).
 * Never throws for verification failures; they are reported as checks.
 */
export function verifyReceiptOffline(receipt: AnyReceipt, observed: readonly ObservedFile[], matchBy: 'path' | 'content', scope = ''): OfflineVerdict {
  const { files, ...head } = receipt;
  const checker = new ReceiptChecker(head);
  for (const f of files) checker.add(f);
  return judgeReceipt(checker.result(), observed, matchBy, scope);
}
