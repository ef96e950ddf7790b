/**
 * The Notarium receipt, format version 1 (specification: docs/RECEIPT.md).
 * One self-contained JSON file: with it, the files and any public RPC endpoint, anyone
 * can check content, Merkle inclusion, author signatures and the on-chain anchor.
 */
import { z } from 'zod';

export const RECEIPT_FORMAT = 'notarium-receipt';
export const RECEIPT_VERSION = 1;

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

export const receiptSchema = z.strictObject({
  format: z.literal(RECEIPT_FORMAT),
  version: z.literal(RECEIPT_VERSION),
  network: z.strictObject({
    name: z.string().min(1),
    /** EIP-155 chain id, decimal string. */
    chainId: decimal,
    /** True for the embedded local devnet: the anchor proves nothing to third parties. */
    local: z.boolean(),
  }),
  /** NotaryRegistry address: the EIP-712 verifyingContract. */
  contract: address,
  root: bytes32,
  title: z.string().min(1),
  authors: z.array(receiptAuthorSchema).min(1),
  supersedes: bytes32,
  manifestDigest: bytes32,
  /** The RFC 8785 canonical manifest text; sha256 of its UTF-8 bytes is manifestDigest. */
  manifest: z.string().min(2),
  storage: z.strictObject({ manifestHeaderCid: cid, manifestPayloadCid: cid }),
  anchor: receiptAnchorSchema,
  files: z.array(receiptFileSchema).min(1),
});

export type Receipt = z.infer<typeof receiptSchema>;
export type ReceiptFile = z.infer<typeof receiptFileSchema>;
export type ReceiptAuthor = z.infer<typeof receiptAuthorSchema>;
