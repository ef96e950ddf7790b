/**
 * Response schemas of Notarium's operations. The shell parses every service result with
 * these before it crosses into the renderer, so the UI can rely on the shapes and a
 * service can never leak an unexpected field (a key, a stack) through the API.
 * Units: sizes in bytes, times in unix seconds, rates in bytes per second.
 */
import { z } from 'zod';
import { managedInfoSchema, NO_MANAGED_SETTINGS, pinningTokenInfoSchema } from './desktop-schemas.ts';

const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

export const accountSchema = z.object({
  /** EIP-55 checksummed Ethereum address. */
  address,
  /** age X25519 recipient (`age1…`) to give collaborators. */
  recipient: z.string(),
  createdAt: z.number().int().nonnegative(),
});
export type AccountInfo = z.infer<typeof accountSchema>;

export const networkInfoSchema = z.object({
  /** 'devnet': the embedded in-process chain of this data folder; 'rpc': a configured JSON-RPC endpoint. */
  mode: z.enum(['devnet', 'rpc']),
  name: z.string(),
  /** EIP-155 chain id (decimal), null while unknown (devnet not opened yet). */
  chainId: z.string().nullable(),
  rpcUrl: z.string().nullable(),
  registry: z.string().nullable(),
  /** True for the embedded devnet: its anchors prove nothing to third parties. */
  local: z.boolean(),
});
export type NetworkInfo = z.infer<typeof networkInfoSchema>;

export const keychainInfoSchema = z.object({
  /** The OS keychain can hold the passphrase (Electron safeStorage with a real backend). */
  available: z.boolean(),
  /** safeStorage backend name on Linux (e.g. gnome_libsecret, kwallet6, basic_text), or the platform. */
  backend: z.string(),
  /** A passphrase is stored in the keychain. */
  remembered: z.boolean(),
  /** Why the keychain is refused, in plain words (null when available). */
  refusal: z.string().nullable(),
});
export type KeychainInfo = z.infer<typeof keychainInfoSchema>;

export const statusSchema = z.object({
  dataDir: z.string(),
  account: accountSchema.nullable(),
  /** The passphrase is held by the core for this session. */
  unlocked: z.boolean(),
  keychain: keychainInfoSchema,
  network: networkInfoSchema,
  ipfs: z.object({ mode: z.literal('embedded'), dir: z.string() }),
  /** The lab's managed settings: locked keys, policy and warnings (issue 6). */
  managed: managedInfoSchema.default(NO_MANAGED_SETTINGS),
  /** The IPFS pinning service token in the OS keychain (the shell fills it in; never the token). */
  pinningToken: pinningTokenInfoSchema.default({ stored: false, writable: false }),
});
export type Status = z.infer<typeof statusSchema>;

export const DATASET_STATUS_VALUES = ['prepared', 'pending', 'anchored', 'failed'] as const;

export const datasetSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  root: bytes32,
  status: z.enum(DATASET_STATUS_VALUES),
  fileCount: z.number().int().nonnegative(),
  totalBytes: z.number().nonnegative(),
  createdAt: z.number().int().nonnegative(),
  receiptPath: z.string().nullable(),
  /** Confirmations counted when the anchor was recorded, or null when not anchored/unknown. */
  confirmations: z.number().int().nonnegative().nullable().default(null),
  /** Id of a newer dataset in this ledger that supersedes this one. */
  supersededBy: z.string().nullable().default(null),
});
export type DatasetSummaryInfo = z.infer<typeof datasetSummarySchema>;

export const inputFileSchema = z.object({ path: z.string(), size: z.number().int().nonnegative() });

export const inputsReviewSchema = z.object({
  fileCount: z.number().int().nonnegative(),
  totalBytes: z.number().nonnegative(),
  /** Plain-language warnings: empty files, skipped symbolic links and special files. */
  warnings: z.array(z.string()),
  /** Folder the receipt is written next to by default. */
  baseDir: z.string(),
  /** Dataset-relative POSIX paths and sizes, in collection order. */
  files: z.array(inputFileSchema),
});
export type InputsReview = z.infer<typeof inputsReviewSchema>;

export const notarizeResultSchema = z.object({
  datasetId: z.string(),
  root: bytes32,
  manifestDigest: bytes32,
  receiptPath: z.string(),
  fileCount: z.number().int().nonnegative(),
  totalBytes: z.number().nonnegative(),
  bytesPerSecond: z.number().nonnegative(),
  network: z.string(),
  chainId: z.string(),
  local: z.boolean(),
  contract: address,
  txHash: bytes32,
  blockNumber: z.number().int().nonnegative(),
  blockTime: z.number().int().nonnegative(),
  gasUsed: z.string(),
  /** Block-explorer link of the transaction (public networks only). */
  explorerUrl: z.string().optional(),
  warnings: z.array(z.string()),
});
export type NotarizeResultInfo = z.infer<typeof notarizeResultSchema>;

export const checkSchema = z.object({
  status: z.enum(['pass', 'fail', 'skipped']),
  code: z.string().optional(),
  message: z.string(),
});
export type CheckInfo = z.infer<typeof checkSchema>;

export const fileVerdictSchema = z.object({
  path: z.string(),
  status: z.enum(['pass', 'fail', 'missing', 'unlisted']),
  content: checkSchema,
  proof: checkSchema,
});
export type FileVerdictInfo = z.infer<typeof fileVerdictSchema>;

export const authorVerdictSchema = z.object({
  address,
  name: z.string().optional(),
  orcid: z.string().optional(),
  signature: checkSchema,
});
export type AuthorVerdictInfo = z.infer<typeof authorVerdictSchema>;

export const verifyReportSchema = z.object({
  ok: z.boolean(),
  /** Not ok only because the chain could not be checked (unreachable, or a LOCAL devnet's receipt elsewhere): "NOT CHECKED". */
  incomplete: z.boolean().optional(),
  offline: z.boolean(),
  summary: z.string(),
  receipt: z.object({
    path: z.string(),
    /** SHA-256 of the receipt file's bytes: names the receipt in printed reports. */
    sha256: z.string(),
    title: z.string(),
    root: bytes32,
    network: z.string(),
    chainId: z.string(),
    local: z.boolean(),
    contract: address,
    txHash: bytes32,
    blockNumber: z.number().int().nonnegative(),
    blockTime: z.number().int().nonnegative(),
  }),
  checks: z.object({ manifest: checkSchema, root: checkSchema, chain: checkSchema }),
  supersededBy: z.string().nullable(),
  authors: z.array(authorVerdictSchema),
  files: z.array(fileVerdictSchema),
  /** EIP-712 digest the authors signed. */
  digest: z.string(),
});
export type VerifyReportInfo = z.infer<typeof verifyReportSchema>;

export const retrieveResultSchema = z.object({
  out: z.string(),
  fileCount: z.number().int().nonnegative(),
  /** Plaintext bytes written; every file's SHA-256 was checked before it was renamed into place. */
  totalBytes: z.number().nonnegative(),
  root: bytes32.optional(),
});
export type RetrieveResultInfo = z.infer<typeof retrieveResultSchema>;

// ---- co-authoring and sharing (issue 4) --------------------------------------------------

export const draftAuthorSchema = z.object({
  address,
  name: z.string().optional(),
  orcid: z.string().optional(),
});
export type DraftAuthorInfo = z.infer<typeof draftAuthorSchema>;

export const draftResultSchema = z.object({
  /** The draft file to send to every co-author. */
  draftPath: z.string(),
  root: bytes32,
  title: z.string(),
  authors: z.array(draftAuthorSchema),
  fileCount: z.number().int().nonnegative(),
  totalBytes: z.number().nonnegative(),
  warnings: z.array(z.string()),
});
export type DraftResultInfo = z.infer<typeof draftResultSchema>;

/**
 * Per author: 'signed' (a valid signature file), 'invalid' (a file that does not verify),
 * 'missing', or 'submitter' (this account, which signs when it anchors).
 */
export const DRAFT_SIGNER_STATES = ['signed', 'invalid', 'missing', 'submitter'] as const;

export const draftStatusSchema = z.object({
  draftPath: z.string(),
  title: z.string(),
  root: bytes32,
  /** EIP-712 digest every author signs. */
  digest: bytes32,
  network: z.object({ name: z.string(), chainId: z.string(), local: z.boolean() }),
  contract: address,
  /** Root of the version this one replaces, or null. */
  supersedes: bytes32.nullable(),
  fileCount: z.number().int().nonnegative(),
  totalBytes: z.number().nonnegative(),
  authors: z.array(
    draftAuthorSchema.extend({
      state: z.enum(DRAFT_SIGNER_STATES),
      /** The signature file that signs for this author (also for 'invalid'). */
      signatureFile: z.string().nullable(),
      problem: z.string().nullable(),
    }),
  ),
  /** Signature files that sign another draft or come from someone who is not an author. */
  problems: z.array(z.object({ file: z.string(), message: z.string() })),
  /** Every author has signed, or is this account (which signs at anchoring). */
  complete: z.boolean(),
  /** This account's address when it is one of the authors. */
  you: address.nullable(),
});
export type DraftStatusInfo = z.infer<typeof draftStatusSchema>;

export const signDraftResultSchema = z.object({
  /** The signature file to send back to the submitter. */
  signaturePath: z.string(),
  signer: address,
  digest: bytes32,
});
export type SignDraftResultInfo = z.infer<typeof signDraftResultSchema>;

export const shareResultSchema = z.object({
  /** The ticket to send to the recipient (it names the envelope only they can open). */
  ticketPath: z.string(),
  root: bytes32,
  title: z.string(),
  recipient: z.string(),
  fileCount: z.number().int().nonnegative(),
  totalBytes: z.number().nonnegative(),
  seconds: z.number().nonnegative(),
});
export type ShareResultInfo = z.infer<typeof shareResultSchema>;
