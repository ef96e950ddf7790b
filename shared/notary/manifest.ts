/**
 * The dataset manifest: one canonical JSON document (RFC 8785, JSON Canonicalization
 * Scheme, https://www.rfc-editor.org/rfc/rfc8785) listing every file with its size, hash,
 * salt and IPFS objects, plus title, authors and the storage/encryption profile.
 *
 * Its SHA-256 over the canonical UTF-8 bytes is the `manifestDigest` every author signs,
 * so `sha256sum manifest.json` on the canonical text reproduces it by hand.
 * The manifest is stored age-encrypted on IPFS (paths are private) and embedded verbatim
 * in the receipt.
 */
import canonicalize from 'canonicalize';
import { sha256 } from 'ethers';
import { z } from 'zod';
import { NotariumError } from '../errors.ts';
import { unsafePathReason } from '../safe-path.ts';
import { textSlices } from '../text-slices.ts';
import { LEAF_ENCODING } from './leaf.ts';
import { isValidOrcid } from './orcid.ts';

export const MANIFEST_FORMAT = 'notarium-manifest';
export const MANIFEST_VERSION = 1;

const bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/, 'expected 0x + 64 lowercase hex digits');
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte address');
const cid = z.string().regex(/^b[a-z2-7]{20,}$/, 'expected a base32 CIDv1');

/** ORCID iD (https://support.orcid.org/hc/en-us/articles/360006897674), e.g. 0000-0002-1825-0097, check character verified (ISO 7064 11,2). */
export const orcidSchema = z
  .string()
  // abort: a malformed iD gets one message, not also the check digit's.
  .regex(/^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/, { message: 'expected an ORCID iD like 0000-0002-1825-0097', abort: true })
  .refine(isValidOrcid, 'the ORCID iD check digit is wrong (ISO 7064 11,2): check for a typo');

/** One author as recorded in the manifest (signed through the manifest digest). */
export const manifestAuthorSchema = z.strictObject({
  address,
  name: z.string().min(1).max(200).optional(),
  orcid: orcidSchema.optional(),
});

/** One file. `sha256` is of the plaintext; sizes in bytes; CIDs are of the age header and payload objects. */
export const manifestFileSchema = z.strictObject({
  path: z.string().superRefine((p, ctx) => {
    const reason = unsafePathReason(p);
    if (reason !== null) ctx.addIssue({ code: 'custom', message: `unsafe path: ${reason}` });
  }),
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  sha256: bytes32,
  salt: bytes32,
  headerCid: cid,
  payloadCid: cid,
});

/** Storage profile: IPFS `unixfs-v1-2025` and age STREAM parameters. */
export const manifestProfileSchema = z.strictObject({
  unixfs: z.strictObject({
    name: z.literal('unixfs-v1-2025'),
    cidVersion: z.literal(1),
    rawLeaves: z.literal(true),
    chunkSize: z.literal(1048576),
    maxLinks: z.literal(1024),
  }),
  encryption: z.strictObject({ format: z.literal('age-encryption.org/v1'), chunkSize: z.literal(65536) }),
});

export const manifestSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(MANIFEST_VERSION),
  title: z.string().min(1).max(500),
  authors: z.array(manifestAuthorSchema).min(1),
  /** Unix seconds when the dataset was prepared (informational: the chain gives the proven time). */
  createdAt: z.number().int().nonnegative(),
  public: z.boolean(),
  leafEncoding: z.tuple([z.literal('bytes32'), z.literal('bytes32')]),
  profile: manifestProfileSchema,
  files: z.array(manifestFileSchema).min(1),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = z.infer<typeof manifestFileSchema>;
export type ManifestAuthor = z.infer<typeof manifestAuthorSchema>;

/** The profile every Notarium manifest v1 uses. */
export const MANIFEST_PROFILE: Manifest['profile'] = {
  unixfs: { name: 'unixfs-v1-2025', cidVersion: 1, rawLeaves: true, chunkSize: 1048576, maxLinks: 1024 },
  encryption: { format: 'age-encryption.org/v1', chunkSize: 65536 },
};

/** The leaf encoding as the manifest records it. */
export const MANIFEST_LEAF_ENCODING = [LEAF_ENCODING[0], LEAF_ENCODING[1]] as Manifest['leafEncoding'];

/** Files serialized per piece of the canonical text (see manifestPieces): pieces of ~20 KB. */
const FILES_PER_PIECE = 64;

/** Stands for the files array while the rest of the manifest is canonicalized. */
const FILES_MARK = '\u0000files\u0000';

function canonical(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new NotariumError('INTERNAL', 'manifest cannot be canonicalized');
  return text;
}

/**
 * The files of a manifest as manifestPieces reads them: an array, or any source of entries
 * made on demand (e.g. a packed table of 100,000 files that never holds them all as objects).
 */
export interface ManifestFiles {
  readonly length: number;
  /** Entries [start, end), as Array.prototype.slice. */
  slice(start: number, end: number): readonly ManifestFile[];
}

/** A manifest whose files come from a {@link ManifestFiles} source. */
export type ManifestOf = Omit<Manifest, 'files'> & { files: ManifestFiles };

/**
 * The canonical text of `manifest` as consecutive pieces whose concatenation is
 * canonicalize(manifest): the members around `files`, then the file entries
 * FILES_PER_PIECE at a time (~20 KB a piece). RFC 8785 serializes an array as its elements'
 * canonical forms joined by "," inside "[...]", so each entry is canonicalized by the library
 * on its own. Canonicalizing the whole manifest in one call instead appends ~30 small
 * strings per file to one rope, which for 100,000 files holds ~150 MB until it is flattened
 * into the 36 MB text. Pieces end between JSON values, never inside a string, so none
 * splits a surrogate pair. Files must be sorted by path (sortFiles).
 * @throws NotariumError('INTERNAL') for a value JSON cannot carry; Error for a lone surrogate.
 */
export function* manifestPieces(manifest: ManifestOf): Generator<string> {
  const outline = canonical({ ...manifest, files: FILES_MARK });
  // Only the member itself can read `"files":"\u0000files\u0000"` unescaped: a quote
  // inside any other string is escaped as \".
  const member = `"files":${JSON.stringify(FILES_MARK)}`;
  const at = outline.indexOf(member);
  if (at < 0) throw new NotariumError('INTERNAL', 'manifest cannot be canonicalized');
  yield `${outline.slice(0, at)}"files":[`;
  const files = manifest.files;
  for (let i = 0; i < files.length; i += FILES_PER_PIECE) {
    const entries = files.slice(i, i + FILES_PER_PIECE).map(canonical).join(',');
    yield i === 0 ? entries : `,${entries}`;
  }
  yield `]${outline.slice(at + member.length)}`;
}

/**
 * RFC 8785 canonical JSON text of `manifest`. Files must already be sorted by path
 * (byte order), which `sortFiles` does; leaf i of the tree is files[i].
 * Equal to `canonicalize(manifest)` (npm canonicalize), built in pieces so that a manifest
 * of 100,000 files costs little more memory than its text (~36 MB).
 * @throws NotariumError('INTERNAL') for a value JSON cannot carry; Error for a lone surrogate.
 */
export function canonicalManifest(manifest: Manifest): string {
  return [...manifestPieces(manifest)].join('');
}

/** True when `text` is exactly canonicalManifest(manifest), compared piece by piece (no second copy of the text). */
function isCanonicalText(manifest: Manifest, text: string): boolean {
  let offset = 0;
  for (const piece of manifestPieces(manifest)) {
    if (!text.startsWith(piece, offset)) return false;
    offset += piece.length;
  }
  return offset === text.length;
}

/**
 * SHA-256 (FIPS 180-4) of the canonical manifest's UTF-8 bytes, 0x-prefixed. TextEncoder
 * rather than ethers' toUtf8Bytes: the same bytes for canonical JSON (which escapes lone
 * surrogates), ~100x faster on the 36 MB manifest of 100,000 files.
 */
export function manifestDigest(canonicalText: string): string {
  return sha256(new TextEncoder().encode(canonicalText));
}

/** UTF-16 code units of the manifest text encoded at a time by manifestUtf8. */
const UTF8_SLICE_UNITS = 1 << 16;

/**
 * The UTF-8 bytes of `text` (the same bytes as TextEncoder.encode(text) for well-formed
 * text, as canonical text is) in pieces of at most 192 KiB, never splitting a surrogate
 * pair: hashing or encrypting the 36 MB manifest of 100,000 files never holds its bytes whole.
 * @param text the whole text, or its pieces in order (e.g. manifestPieces), none ending
 *   between the two halves of a surrogate pair.
 */
export function* manifestUtf8(text: string | Iterable<string>): Generator<Uint8Array> {
  const encoder = new TextEncoder();
  for (const slice of textSlices(text, UTF8_SLICE_UNITS)) yield encoder.encode(slice);
}

/** Sorts files by path in code-unit order, the order leaves and proofs are indexed in. */
export function sortFiles<T extends { path: string }>(files: T[]): T[] {
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Parses and validates manifest text; also requires it to be in canonical form, so the
 * digest of the text is the digest of the content.
 * @throws NotariumError('RECEIPT_INVALID') with the schema issues.
 */
export function parseManifest(text: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NotariumError('RECEIPT_INVALID', 'manifest is not JSON', { cause: e });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new NotariumError('RECEIPT_INVALID', `manifest is invalid: ${z.prettifyError(parsed.error)}`);
  }
  if (!isCanonicalText(parsed.data, text)) {
    throw new NotariumError('RECEIPT_INVALID', 'manifest text is not in RFC 8785 canonical form');
  }
  // Strictly increasing paths (code-unit order, as sortFiles): sorted and without duplicates.
  const files = parsed.data.files;
  for (let i = 1; i < files.length; i++) {
    if (!((files[i - 1] as ManifestFile).path < (files[i] as ManifestFile).path)) {
      throw new NotariumError('RECEIPT_INVALID', 'manifest files are not sorted by path or contain duplicates');
    }
  }
  return parsed.data;
}
