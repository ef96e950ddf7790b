/**
 * Schemas of the desktop-only settings and chain prompts: managed (lab) settings as the
 * Settings screen shows them, fee quotes asked before a public-chain transaction is
 * signed, unfinished anchorings and notarization jobs, account backups and the
 * pinning-service token.
 * Amounts are decimal strings in wei (bigints do not cross IPC), with the same amounts
 * formatted in the chain's native currency (ether units) next to them.
 */
import { z } from 'zod';
import { passphraseSchema } from './schemas.ts';

const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 0x-prefixed 32-byte hex root');
const wei = z.string().regex(/^\d{1,78}$/, 'expected an amount in wei (decimal digits)');

/** Keys a managed settings file can lock (main/core/managed-settings/merge.ts LockedKey). */
export const LOCKED_KEYS = ['network', 'network.confirmations', 'ipfs', 'allowedNetworks', 'allowPublicMode', 'defaultRecipients', 'autoLockMinutes'] as const;

/** What the lab's managed settings do on this machine (Notarium.effectiveSettings). */
export const managedInfoSchema = z.object({
  /** absent: no file; applied: its values win; refused: untrusted file ignored; invalid: restricted operations blocked. */
  status: z.enum(['absent', 'applied', 'refused', 'invalid']),
  file: z.string(),
  locked: z.array(z.enum(LOCKED_KEYS)),
  /** Plain-language warnings for a refused or invalid file. */
  warnings: z.array(z.string()),
  allowPublicMode: z.boolean(),
  /** age recipients the lab adds to every notarization. */
  defaultRecipients: z.array(z.string()),
  /** EIP-155 chain ids anchoring may use; null: any. */
  allowedChainIds: z.array(z.number().int()).nullable(),
  /** Why anchoring and public mode are blocked (an invalid managed file), or null. */
  blockedReason: z.string().nullable(),
});
export type ManagedInfo = z.infer<typeof managedInfoSchema>;

export const NO_MANAGED_SETTINGS: ManagedInfo = { status: 'absent', file: '', locked: [], warnings: [], allowPublicMode: true, defaultRecipients: [], allowedChainIds: null, blockedReason: null };

/** The IPFS pinning service token as the UI may know it: never the token itself. */
export const pinningTokenInfoSchema = z.object({
  /** A token is stored in the OS keychain. */
  stored: z.boolean(),
  /** A token can be stored here (an OS keychain that is not plain text). */
  writable: z.boolean(),
});
export type PinningTokenInfo = z.infer<typeof pinningTokenInfoSchema>;

/**
 * A fee quote awaiting the user's answer (chain/fees.ts FeeEstimate + FeeContext). Sent with a
 * progress event of the call that will sign; answered with the `confirmFee` operation.
 */
export const feeQuoteSchema = z.strictObject({
  /** What is paid for, e.g. `Anchoring "Cohort 2026" (root 0x1234abcd…)`. */
  action: z.string().max(500),
  network: z.string().max(200),
  /** Native currency symbol (ETH, POL, xDAI). */
  currency: z.string().max(20),
  chainId: z.string().max(80),
  from: z.string().max(42),
  /** Gas units. */
  gasEstimate: wei,
  gasLimit: wei,
  /** Wei per gas; null where the transaction type has none. */
  maxFeePerGas: wei.nullable(),
  gasPrice: wei.nullable(),
  expectedCostWei: wei,
  maxCostWei: wei,
  balanceWei: wei,
  /** The same amounts in the native currency (ether units), decimal strings. */
  expectedCost: z.string().max(100),
  maxCost: z.string().max(100),
  balance: z.string().max(100),
  /** The balance covers the most the transaction can cost. */
  affordable: z.boolean(),
});
export type FeeQuote = z.infer<typeof feeQuoteSchema>;

export const pendingAnchorSchema = z.object({
  root: bytes32,
  title: z.string(),
  network: z.string(),
  chainId: z.string(),
  /** 'not-sent': nothing signed yet (fee declined, funds missing…); else the tracked transaction's state. */
  status: z.enum(['not-sent', 'pending', 'mined', 'confirmed', 'failed']),
  txHash: z.string().nullable(),
  receiptPath: z.string(),
});
export type PendingAnchorInfo = z.infer<typeof pendingAnchorSchema>;

export const resumeAnchorRequestSchema = z.strictObject({ root: bytes32 });

/** A notarization job's id (main/core/notary/job-journal.ts): 8 random bytes as lowercase hex. */
const jobId = z.string().regex(/^[0-9a-f]{16}$/, 'expected a job id (16 lowercase hex digits)');

/**
 * A notarization job that stopped half-way (Notarium.pendingJobs). Its journal is encrypted,
 * so all that is known without the passphrase is its id and when it was last written.
 */
export const pendingJobSchema = z.object({
  id: jobId,
  /** Last write of the job's journal, unix seconds. */
  updatedAt: z.number().int().nonnegative(),
});
export type PendingJobInfo = z.infer<typeof pendingJobSchema>;

export const resumeJobRequestSchema = z.strictObject({ id: jobId });

export const exportAccountRequestSchema = z.strictObject({
  /** The backup file to create; never replaced. */
  out: z.string().min(1, 'choose where to save the backup'),
  /** Protects the backup file; default the account passphrase. */
  backupPassphrase: passphraseSchema.optional(),
});
export const exportAccountResultSchema = z.object({ path: z.string(), address: z.string() });

export const importAccountRequestSchema = z.strictObject({
  file: z.string().min(1, 'choose the backup file'),
  /** The account passphrase it had when it was exported; the account is unlocked with it. */
  passphrase: passphraseSchema,
  /** Opens the backup file when it has its own passphrase; default `passphrase`. */
  backupPassphrase: passphraseSchema.optional(),
});

/** Largest pinning-service token accepted, characters (JWTs of real services are ~1 KiB). */
export const MAX_PINNING_TOKEN_CHARS = 8192;

export const setPinningTokenRequestSchema = z.strictObject({
  token: z
    .string()
    .trim()
    .min(1, 'enter the access token')
    .max(MAX_PINNING_TOKEN_CHARS)
    .regex(/^[\x21-\x7e]+$/, 'a token is printable ASCII without spaces'),
});
