/**
 * Request schemas of Notarium's operations: the one boundary contract that the CLI, the
 * Electron IPC handlers and the end-to-end test bridge all parse input with. Bad input
 * is rejected here with NotariumError('INVALID_INPUT') before anything is written.
 */
import { z } from 'zod';
import { NotariumError } from '../errors.ts';
import { orcidSchema } from '../notary/manifest.ts';
import { overrideSchema, useRequestSchema } from '../consent/use-request.ts';

/** An age X25519 recipient (Bech32 `age1…`, https://age-encryption.org/v1). Validated fully by the crypto service. */
export const ageRecipientSchema = z.string().regex(/^age1[02-9ac-hj-np-z]{20,}$/, 'expected an age recipient (age1…)');

/** An EIP-155 chain RPC endpoint (http, https, ws or wss). */
export const rpcUrlSchema = z.url({ protocol: /^(https?|wss?)$/, error: 'expected an http(s) or ws(s) RPC URL' });

export const notarizeRequestSchema = z.strictObject({
  /** Files or folders to notarize (absolute or relative to the working directory). */
  inputs: z.array(z.string().min(1)).min(1, 'give at least one file or folder'),
  title: z.string().trim().min(1, 'a title is required').max(500),
  /** The local author's display name and ORCID iD, recorded in the signed manifest. */
  authorName: z.string().trim().min(1).max(200).optional(),
  authorOrcid: orcidSchema.optional(),
  /** Public mode: no salt, anyone can look a file up by its SHA-256. */
  public: z.boolean().default(false),
  /** Extra age recipients besides the user's own. */
  recipients: z.array(ageRecipientSchema).default([]),
  /** Blocks to wait for, the anchoring block counting as 1. */
  confirmations: z.number({ error: 'confirmations must be a whole number' }).int('confirmations must be a whole number').min(1, 'confirmations count the anchoring block: at least 1').max(100).default(1),
  /** Where to write the receipt JSON; default: next to the inputs' common folder. */
  receiptOut: z.string().min(1).optional(),
});
export type NotarizeRequest = z.input<typeof notarizeRequestSchema>;
export type NotarizeRequestParsed = z.output<typeof notarizeRequestSchema>;

/** An author entry `address[:name[:orcid]]` as typed on the command line, parsed. */
export const authorSchema = z.strictObject({
  address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte Ethereum address'),
  name: z.string().trim().min(1).max(200).optional(),
  orcid: orcidSchema.optional(),
});

/** Parses `address[:name[:orcid]]` (name may not contain ':'). */
export function parseAuthorSpec(spec: string): unknown {
  const [address, name, orcid, ...rest] = spec.split(':');
  if (rest.length > 0) return { address, name, orcid, extra: rest.join(':') };
  return { address, ...(name === undefined || name === '' ? {} : { name }), ...(orcid === undefined || orcid === '' ? {} : { orcid }) };
}

export const draftRequestSchema = z.strictObject({
  inputs: z.array(z.string().min(1)).min(1, 'give at least one file or folder'),
  title: z.string().trim().min(1, 'a title is required').max(500),
  /** Authors in signing order; empty: only this account. */
  authors: z
    .array(authorSchema)
    .max(64)
    .default([])
    .superRefine((authors, ctx) => {
      const first = new Map<string, number>();
      authors.forEach((a, i) => {
        const key = a.address.toLowerCase();
        const at = first.get(key);
        if (at !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'address'], message: `${a.address} is listed twice (also ${fieldLabel([at])})` });
        else first.set(key, i);
      });
    }),
  public: z.boolean().default(false),
  recipients: z.array(ageRecipientSchema).default([]),
  /** Receipt of the version this dataset replaces. */
  supersedes: z.string().min(1).optional(),
  /** Where to write the draft JSON. */
  out: z.string().min(1).optional(),
});
export type DraftRequest = z.input<typeof draftRequestSchema>;

const draftFileSchema = z.string().min(1, 'give the draft file (.notarium-draft.json)');
const signatureFilesSchema = z.array(z.string().min(1)).max(256).default([]);

/** Who has signed a draft: the files given plus the signature files found next to the draft. */
export const draftStatusRequestSchema = z.strictObject({
  draft: draftFileSchema,
  signatures: signatureFilesSchema,
});
export type DraftStatusRequest = z.input<typeof draftStatusRequestSchema>;

export const signDraftRequestSchema = z.strictObject({
  draft: draftFileSchema,
  /** Where to write the signature file; default next to the draft. */
  out: z.string().min(1).optional(),
  /** Sign for this contract wallet (ERC-1271, e.g. a lab multisig) that accepts this account's signature. */
  asWallet: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected the wallet address (0x + 40 hex digits)').optional(),
});
export type SignDraftRequest = z.input<typeof signDraftRequestSchema>;

export const anchorDraftRequestSchema = z.strictObject({
  draft: draftFileSchema,
  /** Every co-author's signature file; the submitter, if an author, signs at anchoring. */
  signatures: signatureFilesSchema,
  confirmations: z.number({ error: 'confirmations must be a whole number' }).int('confirmations must be a whole number').min(1, 'confirmations count the anchoring block: at least 1').max(100).default(1),
  /** Where to write the receipt; default next to the draft. */
  receiptOut: z.string().min(1).optional(),
});
export type AnchorDraftRequest = z.input<typeof anchorDraftRequestSchema>;

export const verifyRequestSchema = z.strictObject({
  /** Files or one folder to check against the receipt. */
  inputs: z.array(z.string().min(1)).min(1, 'give the file(s) or folder to verify'),
  receipt: z.string().min(1, 'give the receipt file (--receipt)'),
  /** RPC endpoint of the receipt's chain; default: the configured network. */
  rpc: rpcUrlSchema.optional(),
  /** Skip the chain check (and say so). */
  offline: z.boolean().default(false),
});
export type VerifyRequest = z.input<typeof verifyRequestSchema>;

export const retrieveRequestSchema = z.strictObject({
  /** A receipt file path, a dataset id, or a Merkle root (0x…). */
  source: z.string().min(1),
  /** Output folder; created if missing, must be empty if it exists. */
  out: z.string().min(1, 'give the output folder (--out)'),
  /** Consent gate (docs/CONSENT.md): the purpose of this retrieval, checked before decrypting. */
  purpose: useRequestSchema.optional(),
  /** A named person's decision to go ahead when the check asks for review. */
  override: overrideSchema.optional(),
});
export type RetrieveRequest = z.input<typeof retrieveRequestSchema>;

export const shareRequestSchema = z.strictObject({
  /** Dataset id, Merkle root, or receipt file. */
  dataset: z.string().min(1),
  /** The age recipient to share with (X25519 `age1…` or hybrid post-quantum `age1pq1…`). */
  recipient: ageRecipientSchema,
  /** Where to write the share ticket for the recipient. */
  out: z.string().min(1).optional(),
  /** Consent gate: the purpose the recipient will use the data for. */
  purpose: useRequestSchema.optional(),
  override: overrideSchema.optional(),
});
export type ShareRequest = z.input<typeof shareRequestSchema>;

export const cidRequestSchema = z.strictObject({ files: z.array(z.string().min(1)).min(1, 'give at least one file') });
export type CidRequest = z.input<typeof cidRequestSchema>;

export const passphraseSchema = z.string().min(8, 'the passphrase must have at least 8 characters').max(1024);

/**
 * A zod issue path as people read it: list entries counted from 1 after a `#` (not in
 * brackets, which programmers read as zero-based), object keys joined with dots
 * (`['authors', 1, 'orcid']` → `authors #2.orcid`); `(input)` for the whole input.
 */
export function fieldLabel(issuePath: readonly PropertyKey[]): string {
  let label = '';
  for (const key of issuePath) {
    if (typeof key === 'number') label += `${label === '' ? '' : ' '}#${key + 1}`;
    else label += `${label === '' ? '' : '.'}${String(key)}`;
  }
  return label === '' ? '(input)' : label;
}

/**
 * Parses `input` with `schema`.
 * @throws NotariumError('INVALID_INPUT') listing every issue with its field as people
 *   count it ({@link fieldLabel}: `authors #2` is the second author); `details.issues`
 *   keeps, per issue, that `field` and the machine `path` (zod's, zero-based, dot-joined).
 */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), field: fieldLabel(i.path), message: i.message }));
    throw new NotariumError('INVALID_INPUT', `Invalid input:\n${issues.map((i) => `  - ${i.field}: ${i.message}`).join('\n')}`, {
      details: { issues },
    });
  }
  return r.data;
}
