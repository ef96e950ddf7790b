/**
 * Receipt excerpts (docs/RECEIPT.md §6): the signed statement and anchor of a receipt with
 * only the chosen files' entries. Building one copies the entries and their proofs as they
 * are in the receipt — no Merkle tree is built — and checks each proof against the root,
 * so a damaged receipt never yields an excerpt that looks valid.
 */
import { NotariumError } from '../errors.ts';
import { verifyLeafProof } from '../notary/leaf.ts';
import { RECEIPT_EXCERPT_KIND, RECEIPT_EXCERPT_VERSION, RECEIPT_FORMAT, receiptExcerptSchema, type ReceiptExcerpt, type ReceiptFile, type ReceiptStatement } from './schema.ts';

/**
 * Assembles an excerpt from a receipt's statement (its signed and anchored fields; a full
 * receipt or an excerpt may be passed as is: other fields are ignored) and the entries of
 * the files to keep, in the given order.
 *
 * @throws NotariumError('INVALID_INPUT') for no entries or the same path twice;
 *   NotariumError('PROOF_INVALID') when an entry's proof does not lead to `statement.root`
 *   (the receipt is damaged); NotariumError('RECEIPT_INVALID') when a field is malformed.
 */
export function assembleExcerpt(statement: ReceiptStatement, files: readonly ReceiptFile[]): ReceiptExcerpt {
  if (files.length === 0) throw new NotariumError('INVALID_INPUT', 'A receipt excerpt needs at least one file.');
  const paths = new Set<string>();
  for (const f of files) {
    if (paths.has(f.path)) throw new NotariumError('INVALID_INPUT', `The file ${f.path} is given twice.`);
    paths.add(f.path);
    if (!verifyLeafProof(statement.root, [f.salt, f.sha256], f.proof)) {
      throw new NotariumError('PROOF_INVALID', `The receipt's Merkle proof of ${f.path} does not lead to its root ${statement.root}: the receipt is damaged.`, { details: { path: f.path } });
    }
  }
  // Written in this key order (the order of the specification's table).
  const excerpt: ReceiptExcerpt = {
    format: RECEIPT_FORMAT,
    version: RECEIPT_EXCERPT_VERSION,
    kind: RECEIPT_EXCERPT_KIND,
    network: statement.network,
    contract: statement.contract,
    root: statement.root,
    title: statement.title,
    authors: statement.authors,
    supersedes: statement.supersedes,
    manifestDigest: statement.manifestDigest,
    storage: statement.storage,
    anchor: statement.anchor,
    files: files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, salt: f.salt, proof: [...f.proof] })),
  };
  const parsed = receiptExcerptSchema.safeParse(excerpt);
  if (!parsed.success) throw new NotariumError('RECEIPT_INVALID', `The receipt cannot give a valid excerpt: ${parsed.error.issues[0]?.message ?? 'malformed'}.`);
  return excerpt;
}

/**
 * The excerpt of `receipt` (full or excerpt, already parsed) for the files at `paths`
 * (paths in the dataset, as in `receipt.files[].path`).
 *
 * @throws NotariumError('NOT_FOUND') for a path not in the receipt (the message suggests
 *   receipt paths with the same file name); otherwise as assembleExcerpt.
 */
export function excerptOf(receipt: ReceiptStatement & { files: readonly ReceiptFile[] }, paths: readonly string[]): ReceiptExcerpt {
  const byPath = new Map(receipt.files.map((f) => [f.path, f]));
  const entries = paths.map((p) => {
    const entry = byPath.get(p);
    if (entry === undefined) throw notInReceipt(p, receipt.files.filter((f) => sameFileName(p, f.path)).map((f) => f.path));
    return entry;
  });
  return assembleExcerpt(receipt, entries);
}

/** True when `candidate` (a receipt path) has the file name of `wanted`: a hint for a mistyped path. */
export function sameFileName(wanted: string, candidate: string): boolean {
  // As Unicode text (NFC): a name typed on macOS (NFD) still finds its entry to suggest.
  const name = wanted.slice(wanted.lastIndexOf('/') + 1).normalize('NFC');
  const other = candidate.normalize('NFC');
  return other === name || other.endsWith(`/${name}`);
}

/**
 * NOT_FOUND for `path`, naming up to 5 of `similar` (receipt paths with the same file
 * name, e.g. when the user gave a path on their disk rather than in the dataset).
 */
export function notInReceipt(path: string, similar: readonly string[]): NotariumError {
  const hint = similar.length === 0 ? '' : ` Paths in the receipt with that file name: ${similar.slice(0, 5).join(', ')}.`;
  return new NotariumError('NOT_FOUND', `The receipt has no file at ${JSON.stringify(path)} (give the path inside the dataset, as the receipt lists it).${hint}`, { details: { path } });
}
