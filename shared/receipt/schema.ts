/**
 * The Notarium receipt (specification: docs/RECEIPT.md).
 *
 * - Version 1, the full receipt: one self-contained JSON file; with it, the files and any
 *   public RPC endpoint, anyone can check content, Merkle inclusion, author signatures and
 *   the on-chain anchor of every file of the dataset.
 * - Version 2 adds `kind`; its only kind is `"excerpt"`: the same signed statement and
 *   anchor with the entries (and proofs) of chosen files only, without the manifest, so a
 *   single file of a 100,000-file dataset is proven by a file of a few kilobytes. A
 *   version 1 verifier refuses it by its version number instead of misreading it.
 */
import { z } from 'zod';

export const RECEIPT_FORMAT = 'notarium-receipt';
/** Version of the full receipt (the only version a full receipt is written in). */
export const RECEIPT_VERSION = 1;
/** Version of the receipt excerpt (`kind: "excerpt"`). */
export const RECEIPT_EXCERPT_VERSION = 2;
/** `kind` of a receipt excerpt. */
export const RECEIPT_EXCERPT_KIND = 'excerpt';

const bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/, 'expected 0x + 64 lowercase hex digits');
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte address');
const hexBytes = z.string().regex(/^0x([0-9a-fA-F]{2})+$/, 'expected 0x-prefixed hex bytes');
const cid = z.string().regex(/^b[a-z2-7]{20,}$/, 'expected a base32 CIDv1');
const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/, 'expected a decimal integer string');

export const receiptAuthorSchema = z.strictObject({
  address,
  name: z.string().optional(),
  orcid: z.string().optional(),
  /** EIP-712 signature over the Notarization typed data: 65-byte ECDSA (r‖s‖v) or ERC-1271 bytes. */
  signature: hexBytes,
});

export const receiptFileSchema = z.strictObject({
  path: z.string().min(1),
  /** Plaintext size in bytes. */
  size: z.number().int().nonnegative(),
  /** SHA-256 of the plaintext, 0x-prefixed. */
  sha256: bytes32,
  /** 32-byte salt of the leaf (all zeros in public mode). */
  salt: bytes32,
  /** StandardMerkleTree proof of the leaf [salt, sha256]: sibling hashes from leaf to root. */
  proof: z.array(bytes32),
});

export const receiptAnchorSchema = z.strictObject({
  txHash: bytes32,
  blockNumber: z.number().int().nonnegative(),
  blockHash: bytes32,
  /** Block timestamp, unix seconds (UTC). */
  blockTime: z.number().int().nonnegative(),
  /** Account that paid for the anchoring transaction. */
  submitter: address,
});

const networkSchema = z.strictObject({
  name: z.string().min(1),
  /** EIP-155 chain id, decimal string. */
  chainId: decimal,
  /** True for the embedded local devnet: the anchor proves nothing to third parties. */
  local: z.boolean(),
});

const storageSchema = z.strictObject({ manifestHeaderCid: cid, manifestPayloadCid: cid });

// Fields are listed in the order they are written (zod's output follows the shape).
export const receiptSchema = z.strictObject({
  format: z.literal(RECEIPT_FORMAT),
  version: z.literal(RECEIPT_VERSION),
  network: networkSchema,
  /** NotaryRegistry address: the EIP-712 verifyingContract. */
  contract: address,
  root: bytes32,
  title: z.string().min(1),
  authors: z.array(receiptAuthorSchema).min(1),
  supersedes: bytes32,
  manifestDigest: bytes32,
  /** The RFC 8785 canonical manifest text; sha256 of its UTF-8 bytes is manifestDigest. */
  manifest: z.string().min(2),
  storage: storageSchema,
  anchor: receiptAnchorSchema,
  files: z.array(receiptFileSchema).min(1),
});

/**
 * A receipt excerpt: a full receipt's signed statement and anchor with only some files'
 * entries (each with its proof) and no manifest. `manifestDigest` is still signed and
 * anchored, but only the full receipt (or the manifest) can show what it covers.
 */
export const receiptExcerptSchema = z.strictObject({
  format: z.literal(RECEIPT_FORMAT),
  version: z.literal(RECEIPT_EXCERPT_VERSION),
  kind: z.literal(RECEIPT_EXCERPT_KIND),
  network: networkSchema,
  contract: address,
  root: bytes32,
  title: z.string().min(1),
  authors: z.array(receiptAuthorSchema).min(1),
  supersedes: bytes32,
  manifestDigest: bytes32,
  storage: storageSchema,
  anchor: receiptAnchorSchema,
  files: z.array(receiptFileSchema).min(1),
});

export type Receipt = z.infer<typeof receiptSchema>;
export type ReceiptExcerpt = z.infer<typeof receiptExcerptSchema>;
/** A full receipt or an excerpt: what `notarium verify` accepts. */
export type AnyReceipt = Receipt | ReceiptExcerpt;
/** What the authors signed and the chain anchored: the fields a full receipt and an excerpt share. */
export type ReceiptStatement = Pick<Receipt, 'network' | 'contract' | 'root' | 'title' | 'authors' | 'supersedes' | 'manifestDigest' | 'storage' | 'anchor'>;
export type ReceiptFile = z.infer<typeof receiptFileSchema>;
export type ReceiptAuthor = z.infer<typeof receiptAuthorSchema>;

/** True for a receipt excerpt (version 2, kind "excerpt"). */
export function isReceiptExcerpt(receipt: AnyReceipt): receipt is ReceiptExcerpt {
  return receipt.version === RECEIPT_EXCERPT_VERSION;
}
