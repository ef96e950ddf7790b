/**
 * Notarization drafts and co-author signature files (format version 1).
 *
 * A draft holds everything a co-author needs to review and sign — title, authors, file
 * list (the manifest), root, chain and contract — and nothing secret: no keys, no file
 * contents (files are on IPFS, encrypted). It can be e-mailed. Each co-author signs the
 * EIP-712 `Notarization` message of the draft offline (no gas, no network) and returns a
 * signature file; the submitter anchors once with all of them.
 */
import { z } from 'zod';
import { TypedDataEncoder } from 'ethers';
import { NotariumError } from '../errors.ts';
import { NOTARIZATION_TYPES, notaryDomain, type NotarizationMessage } from './typed-data.ts';
import { manifestAuthorSchema } from './manifest.ts';

export const DRAFT_FORMAT = 'notarium-draft';
export const SIGNATURE_FORMAT = 'notarium-signature';

const bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/, 'expected 0x + 64 lowercase hex digits');
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte address');
const cid = z.string().regex(/^b[a-z2-7]{20,}$/, 'expected a base32 CIDv1');

export const draftSchema = z.strictObject({
  format: z.literal(DRAFT_FORMAT),
  version: z.literal(1),
  network: z.strictObject({ name: z.string().min(1), chainId: z.string().regex(/^[1-9][0-9]*$/), local: z.boolean() }),
  /** NotaryRegistry address (EIP-712 verifyingContract). */
  contract: address,
  root: bytes32,
  title: z.string().min(1).max(500),
  /** Authors in signing order (address, optional name and ORCID iD). */
  authors: z.array(manifestAuthorSchema).min(1).max(64),
  supersedes: bytes32,
  manifestDigest: bytes32,
  /** RFC 8785 canonical manifest text (file list, sizes, hashes, salts, CIDs). */
  manifest: z.string().min(2),
  storage: z.strictObject({ manifestHeaderCid: cid, manifestPayloadCid: cid }),
  summary: z.strictObject({ fileCount: z.number().int().positive(), totalBytes: z.number().int().nonnegative() }),
});
export type Draft = z.infer<typeof draftSchema>;

export const signatureFileSchema = z.strictObject({
  format: z.literal(SIGNATURE_FORMAT),
  version: z.literal(1),
  root: bytes32,
  /** The EIP-712 digest signed (0x, 32 bytes). */
  digest: bytes32,
  signer: address,
  signature: z.string().regex(/^0x([0-9a-fA-F]{2})+$/),
});
export type SignatureFile = z.infer<typeof signatureFileSchema>;

/** The EIP-712 message of a draft. */
export function draftMessage(d: Pick<Draft, 'root' | 'manifestDigest' | 'title' | 'authors' | 'supersedes'>): NotarizationMessage {
  return { root: d.root, manifestDigest: d.manifestDigest, title: d.title, authors: d.authors.map((a) => a.address), supersedes: d.supersedes };
}

/** EIP-712 digest (https://eips.ethereum.org/EIPS/eip-712) every author of the draft signs. */
export function draftDigest(d: Draft): string {
  return TypedDataEncoder.hash(notaryDomain(BigInt(d.network.chainId), d.contract), NOTARIZATION_TYPES, draftMessage(d));
}

function parseWith<S extends z.ZodType>(schema: S, text: string, what: string, format: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NotariumError('INVALID_INPUT', `The ${what} is not valid JSON.`, { cause: e });
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== format) {
    throw new NotariumError('INVALID_INPUT', `This is not a Notarium ${what} (expected "format": "${format}").`);
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw new NotariumError('INVALID_INPUT', `The ${what} is malformed:\n${z.prettifyError(r.error)}`);
  return r.data;
}

/** Parses draft JSON. @throws NotariumError('INVALID_INPUT'). */
export function parseDraft(text: string): Draft {
  return parseWith(draftSchema, text, 'draft', DRAFT_FORMAT);
}

/** Parses a signature file. @throws NotariumError('INVALID_INPUT'). */
export function parseSignatureFile(text: string): SignatureFile {
  return parseWith(signatureFileSchema, text, 'signature file', SIGNATURE_FORMAT);
}
