/**
 * THE operation table of Notarium's API: name → request schema → response schema →
 * error codes it may answer with. From this one table come the preload's
 * `window.notarium` (main/app/preload.ts), the main-process IPC registration
 * (main/app/ipc.ts), the core worker's dispatch (main/app/core-host) and the test
 * bridge (main/bridge). Adding an operation here is the only way to add one.
 *
 * `host` says which side implements it: 'core' runs in the worker hosting the services
 * (main/core); 'shell' needs the desktop (dialogs, keychain, external links, PDF) and is
 * implemented by the Electron shell — and, differently, by the test bridge.
 * `progress: true` operations take a call id and stream progress events; they can be cancelled.
 */
import { z } from 'zod';
import type { ErrorCode } from '../errors.ts';
import {
  anchorDraftRequestSchema,
  draftRequestSchema,
  draftStatusRequestSchema,
  notarizeRequestSchema,
  passphraseSchema,
  retrieveRequestSchema,
  rpcUrlSchema,
  shareRequestSchema,
  signDraftRequestSchema,
  verifyRequestSchema,
} from './schemas.ts';
import {
  consentCheckRequestSchema,
  consentExportRequestSchema,
  consentImportRequestSchema,
  consentLinkRequestSchema,
  consentListRequestSchema,
  consentLogEntriesRequestSchema,
  consentSubsetRequestSchema,
  consentWithdrawRequestSchema,
} from './consent-schemas.ts';
import {
  consentCheckResultSchema,
  consentExportResultSchema,
  consentFlagSchema,
  consentImportResultSchema,
  consentLinkResultSchema,
  consentListResultSchema,
  consentLogAnchorSchema,
  consentLogEntriesSchema,
  consentLogVerifySchema,
  consentSubsetResultSchema,
  consentWithdrawResultSchema,
} from './consent-responses.ts';
import { callIdSchema } from './progress.ts';
import {
  exportAccountRequestSchema,
  exportAccountResultSchema,
  importAccountRequestSchema,
  pendingAnchorSchema,
  pendingJobSchema,
  resumeAnchorRequestSchema,
  resumeJobRequestSchema,
  setPinningTokenRequestSchema,
} from './desktop-schemas.ts';
import {
  accountSchema,
  datasetSummarySchema,
  draftResultSchema,
  draftStatusSchema,
  inputsReviewSchema,
  networkInfoSchema,
  notarizeResultSchema,
  retrieveResultSchema,
  shareResultSchema,
  signDraftResultSchema,
  statusSchema,
  verifyReportSchema,
} from './responses.ts';

export interface OperationSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  request: Req;
  response: Res;
  /** Codes this operation may fail with, besides INVALID_INPUT, FORBIDDEN and INTERNAL (any operation). */
  errors: readonly ErrorCode[];
  host: 'core' | 'shell';
  progress: boolean;
}

function op<Req extends z.ZodType, Res extends z.ZodType>(spec: OperationSpec<Req, Res>): OperationSpec<Req, Res> {
  return spec;
}

const empty = z.strictObject({});

export const unlockRequestSchema = z.strictObject({
  passphrase: passphraseSchema,
  /** Keep the passphrase in the OS keychain (Electron safeStorage) to unlock at the next start. */
  remember: z.boolean().default(false),
});

export const inspectInputsRequestSchema = z.strictObject({
  inputs: z.array(z.string().min(1)).min(1, 'give at least one file or folder').max(10_000),
});

export const setNetworkRequestSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('devnet') }),
  z.strictObject({
    mode: z.literal('rpc'),
    name: z.string().trim().min(1).max(100),
    rpcUrl: rpcUrlSchema,
    /** EIP-155 chain id the endpoint must report (checked before saving). */
    chainId: z.number().int().positive(),
    /** NotaryRegistry address on that chain. */
    registry: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected the NotaryRegistry address (0x + 40 hex digits)'),
    registryDeployBlock: z.number().int().nonnegative().optional(),
  }),
]);

/** Purposes whose dialog asks where to save a new file (a save dialog); it answers one path. */
export const SAVE_PURPOSES = ['consent-export', 'subset-output', 'share-ticket', 'account-backup-out'] as const;

/** What a file dialog is for: decides its title, filters and whether it picks files or a folder, or saves. */
export const PICK_PURPOSES = [
  'notarize-files',
  'notarize-folder',
  'verify-files',
  'verify-folder',
  'receipt',
  'retrieve-destination',
  'consent-file',
  'link-source',
  'subset-input',
  'draft',
  'signature-files',
  'account-backup',
  ...SAVE_PURPOSES,
] as const;
export const pickPathsRequestSchema = z.strictObject({ purpose: z.enum(PICK_PURPOSES) });

/** Largest report HTML accepted for saving, characters (a 100,000-file report stays far below). */
export const MAX_REPORT_HTML = 64 * 1024 * 1024;

export const saveReportRequestSchema = z.strictObject({
  html: z.string().min(1).max(MAX_REPORT_HTML),
  format: z.enum(['html', 'pdf']),
  /** File name proposed in the save dialog. */
  suggestedName: z.string().regex(/^[\w.-]{1,120}$/, 'expected a plain file name'),
});

export const openExternalRequestSchema = z.strictObject({ url: z.string().max(2048) });

/** The desktop app always writes the export to a file the user chose (the CLI may print it). */
export const consentExportFileRequestSchema = consentExportRequestSchema.extend({ out: z.string().min(1, 'choose where to write the FHIR Bundle') });

export const confirmFeeRequestSchema = z.strictObject({
  callId: callIdSchema,
  /** true: sign and send as quoted; false: stop with CANCELLED, nothing sent. */
  accept: z.boolean(),
});

/** What a notarization can fail with (notarize, and resumeJob which re-runs one). */
const NOTARIZE_ERRORS: readonly ErrorCode[] = [
  'ACCOUNT_MISSING',
  'ACCOUNT_LOCKED',
  'WRONG_PASSPHRASE',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CANCELLED',
  'IPFS_FAILED',
  'CRYPTO_FAILED',
  'CHAIN_FAILED',
  'CHAIN_ID_MISMATCH',
  'ANCHOR_PENDING',
  'ALREADY_ANCHORED',
  'DEVNET_LOCKED',
  'LEDGER_FAILED',
  'UNSAFE_PATH',
  'POLICY_DENIED',
  'INSUFFICIENT_FUNDS',
  'DISK_FULL',
];

export const OPERATIONS = {
  /** Data folder, account, lock state, keychain, network, IPFS. Never fails for a missing account. */
  status: op({ request: empty, response: statusSchema, errors: ['LEDGER_FAILED'], host: 'shell', progress: false }),
  /** Creates the account under a new passphrase and unlocks it. */
  createAccount: op({ request: unlockRequestSchema, response: accountSchema, errors: ['ACCOUNT_EXISTS', 'KEYCHAIN_REFUSED'], host: 'shell', progress: false }),
  /** Checks the passphrase and keeps it for this session (and in the keychain if asked). */
  unlock: op({ request: unlockRequestSchema, response: accountSchema, errors: ['ACCOUNT_MISSING', 'WRONG_PASSPHRASE', 'KEYCHAIN_REFUSED'], host: 'shell', progress: false }),
  /** Forgets the passphrase, in memory and in the keychain. */
  lock: op({ request: empty, response: z.object({ locked: z.literal(true) }), errors: [], host: 'shell', progress: false }),
  listDatasets: op({ request: empty, response: z.array(datasetSummarySchema), errors: ['LEDGER_FAILED'], host: 'core', progress: false }),
  /** The notarize wizard's review step: what would be notarized, with warnings. Reads no content. */
  inspectInputs: op({ request: inspectInputsRequestSchema, response: inputsReviewSchema, errors: ['NOT_FOUND'], host: 'core', progress: false }),
  notarize: op({
    request: notarizeRequestSchema,
    response: notarizeResultSchema,
    errors: NOTARIZE_ERRORS,
    host: 'core',
    progress: true,
  }),
  verify: op({ request: verifyRequestSchema, response: verifyReportSchema, errors: ['NOT_FOUND', 'RECEIPT_INVALID', 'CANCELLED'], host: 'core', progress: true }),
  retrieve: op({
    request: retrieveRequestSchema,
    response: retrieveResultSchema,
    errors: ['ACCOUNT_LOCKED', 'NOT_FOUND', 'WRONG_PASSPHRASE', 'AGE_DECRYPT_FAILED', 'UNSAFE_PATH', 'HASH_MISMATCH', 'CID_MISMATCH', 'IPFS_FAILED', 'RECEIPT_INVALID', 'CANCELLED'],
    host: 'core',
    progress: true,
  }),
  /** Cancels a running progress operation by its call id; a cancelled notarization leaves no dataset behind. */
  cancel: op({ request: z.strictObject({ callId: callIdSchema }), response: z.object({ cancelled: z.boolean() }), errors: [], host: 'core', progress: false }),
  /** Embedded devnet, or an RPC endpoint whose chain id is checked before it is saved. */
  setNetwork: op({ request: setNetworkRequestSchema, response: networkInfoSchema, errors: ['CHAIN_FAILED', 'CHAIN_ID_MISMATCH', 'POLICY_DENIED'], host: 'core', progress: false }),
  /** Native file/folder dialog; `paths` is empty when the user cancels. */
  pickPaths: op({ request: pickPathsRequestSchema, response: z.object({ paths: z.array(z.string()) }), errors: [], host: 'shell', progress: false }),
  /** Saves a verification report (HTML, or PDF rendered from the same HTML); `path` is null when the user cancels. */
  saveReport: op({ request: saveReportRequestSchema, response: z.object({ path: z.string().nullable() }), errors: [], host: 'shell', progress: false }),
  /** Opens an https link (e.g. a block explorer) in the user's browser, after a URL check. */
  openExternal: op({ request: openExternalRequestSchema, response: z.object({ opened: z.boolean() }), errors: [], host: 'shell', progress: false }),

  // ---- public chains (issue 4): fee prompts and unfinished anchorings
  /** Answers the fee quote a running call is waiting on (its progress event's `feeQuote`); `answered` is false when none waits. */
  confirmFee: op({ request: confirmFeeRequestSchema, response: z.object({ answered: z.boolean() }), errors: [], host: 'core', progress: false }),
  /** Anchorings started here and not finished (Notarium.pendingAnchors); local files only. */
  pendingAnchors: op({ request: empty, response: z.array(pendingAnchorSchema), errors: ['LEDGER_FAILED'], host: 'core', progress: false }),
  /** Finishes one of them (Notarium.resumeAnchor): follows its transaction or quotes and sends one. */
  resumeAnchor: op({
    request: resumeAnchorRequestSchema,
    response: notarizeResultSchema,
    errors: ['ACCOUNT_MISSING', 'ACCOUNT_LOCKED', 'WRONG_PASSPHRASE', 'NOT_FOUND', 'CANCELLED', 'CHAIN_FAILED', 'CHAIN_ID_MISMATCH', 'ANCHOR_PENDING', 'ALREADY_ANCHORED', 'DEVNET_LOCKED', 'LEDGER_FAILED', 'POLICY_DENIED'],
    host: 'core',
    progress: true,
  }),

  // ---- unfinished notarization jobs (issue 7, README "When a job stops half-way")
  /** Notarization jobs that stopped half-way (Notarium.pendingJobs): id and last write only, the journals stay encrypted. */
  pendingJobs: op({ request: empty, response: z.array(pendingJobSchema), errors: [], host: 'core', progress: false }),
  /**
   * Continues one with its original request (Notarium.resumeJob): stored files are reused, the
   * anchor is sent at most once. NOT_FOUND when no job `id` of this account is here.
   */
  resumeJob: op({ request: resumeJobRequestSchema, response: notarizeResultSchema, errors: NOTARIZE_ERRORS, host: 'core', progress: true }),

  // ---- account backup and secrets (main/core/keys/account-backup.ts)
  /** Writes an encrypted backup of the account (age, scrypt) to a new file; needs the account unlocked. */
  exportAccount: op({ request: exportAccountRequestSchema, response: exportAccountResultSchema, errors: ['ACCOUNT_MISSING', 'ACCOUNT_LOCKED', 'WRONG_PASSPHRASE', 'ALREADY_EXISTS'], host: 'core', progress: false }),
  /** Restores an account from a backup file into this data folder (which has none) and unlocks it. */
  importAccount: op({ request: importAccountRequestSchema, response: accountSchema, errors: ['ACCOUNT_EXISTS', 'NOT_FOUND', 'WRONG_PASSPHRASE', 'CRYPTO_FAILED'], host: 'core', progress: false }),
  /** Stores (replaces) the IPFS pinning service's access token in the OS keychain; the token is never read back. */
  setPinningToken: op({ request: setPinningTokenRequestSchema, response: z.object({ stored: z.literal(true) }), errors: ['KEYCHAIN_REFUSED'], host: 'shell', progress: false }),

  // ---- co-authors and sharing (issue 4): Notarium.draft/draftStatus/signDraft/anchorDraft/share
  /** Encrypts and stores the files and writes a draft for co-authors to sign; needs no passphrase. */
  draft: op({
    request: draftRequestSchema,
    response: draftResultSchema,
    errors: ['ACCOUNT_MISSING', 'NOT_FOUND', 'ALREADY_EXISTS', 'CANCELLED', 'IPFS_FAILED', 'CRYPTO_FAILED', 'CHAIN_FAILED', 'CHAIN_ID_MISMATCH', 'DEVNET_LOCKED', 'LEDGER_FAILED', 'RECEIPT_INVALID', 'UNSAFE_PATH'],
    host: 'core',
    progress: true,
  }),
  /** A draft's summary and who has signed it: the given signature files and those next to the draft. Offline for ordinary keys. */
  draftStatus: op({ request: draftStatusRequestSchema, response: draftStatusSchema, errors: ['NOT_FOUND', 'CHAIN_FAILED'], host: 'core', progress: false }),
  /** Signs a draft with this account's key (EIP-712, offline, no gas) and writes a signature file. */
  signDraft: op({ request: signDraftRequestSchema, response: signDraftResultSchema, errors: ['ACCOUNT_MISSING', 'ACCOUNT_LOCKED', 'WRONG_PASSPHRASE', 'NOT_FOUND'], host: 'core', progress: false }),
  /** Checks every signature, then anchors once (this account pays the gas); SIGNATURE_INVALID lists who is missing. Cancellable. */
  anchorDraft: op({
    request: anchorDraftRequestSchema,
    response: notarizeResultSchema,
    errors: ['ACCOUNT_MISSING', 'ACCOUNT_LOCKED', 'WRONG_PASSPHRASE', 'NOT_FOUND', 'SIGNATURE_INVALID', 'CANCELLED', 'CHAIN_FAILED', 'CHAIN_ID_MISMATCH', 'ANCHOR_PENDING', 'ALREADY_ANCHORED', 'DEVNET_LOCKED', 'LEDGER_FAILED'],
    host: 'core',
    progress: true,
  }),
  /** Re-wraps the dataset's file keys for one age recipient and writes a share ticket; runs the consent gate when a purpose is given. */
  share: op({
    request: shareRequestSchema,
    response: shareResultSchema,
    errors: ['ACCOUNT_LOCKED', 'WRONG_PASSPHRASE', 'NOT_FOUND', 'AGE_DECRYPT_FAILED', 'CRYPTO_FAILED', 'IPFS_FAILED', 'RECEIPT_INVALID', 'CONSENT_DENIED', 'CONSENT_REVIEW_REQUIRED', 'LEDGER_FAILED'],
    host: 'core',
    progress: false,
  }),

  // ---- consent (issue 5, docs/CONSENT.md): ConsentService
  /** Consent records (each subject's current one, or the full history), filtered by status, DUO term, subject or dataset. */
  consentList: op({ request: consentListRequestSchema, response: consentListResultSchema, errors: ['LEDGER_FAILED'], host: 'core', progress: false }),
  /** Datasets flagged by withdrawals, oldest first. */
  consentFlagged: op({ request: empty, response: z.array(consentFlagSchema), errors: ['LEDGER_FAILED'], host: 'core', progress: false }),
  /** Imports a consent CSV, a FHIR R4 Consent/Bundle or a disease hierarchy; all or nothing (`details.problems`). */
  consentImport: op({ request: consentImportRequestSchema, response: consentImportResultSchema, errors: ['NOT_FOUND', 'LEDGER_FAILED'], host: 'core', progress: false }),
  /** Links subjects to a dataset: ids, a list file, a CSV column or a VCF's sample ids. */
  consentLink: op({ request: consentLinkRequestSchema, response: consentLinkResultSchema, errors: ['NOT_FOUND', 'LEDGER_FAILED'], host: 'core', progress: false }),
  /** Checks a use request against every subject linked to a dataset; the decision is logged. */
  consentCheck: op({ request: consentCheckRequestSchema, response: consentCheckResultSchema, errors: ['NOT_FOUND', 'LEDGER_FAILED'], host: 'core', progress: false }),
  /** Writes the eligible subset of a dataset's CSV or VCF file, optionally notarized as a new dataset. */
  consentSubset: op({
    request: consentSubsetRequestSchema,
    response: consentSubsetResultSchema,
    errors: ['NOT_FOUND', 'ALREADY_EXISTS', 'CONSENT_DENIED', 'ACCOUNT_LOCKED', 'WRONG_PASSPHRASE', 'IPFS_FAILED', 'CRYPTO_FAILED', 'CHAIN_FAILED', 'CHAIN_ID_MISMATCH', 'ANCHOR_PENDING', 'DEVNET_LOCKED', 'LEDGER_FAILED'],
    host: 'core',
    progress: false,
  }),
  /** Withdraws a subject's current consent: later checks deny, linked datasets are flagged. */
  consentWithdraw: op({ request: consentWithdrawRequestSchema, response: consentWithdrawResultSchema, errors: ['NOT_FOUND', 'LEDGER_FAILED'], host: 'core', progress: false }),
  /** Writes every consent record (history included) as a FHIR R4 Bundle that re-imports to the same state. */
  consentExport: op({ request: consentExportFileRequestSchema, response: consentExportResultSchema, errors: ['ALREADY_EXISTS', 'LEDGER_FAILED'], host: 'core', progress: false }),
  /** Verifies the hash-chained audit log, its checkpoints and the records table against it. */
  consentLogVerify: op({ request: empty, response: consentLogVerifySchema, errors: ['LEDGER_FAILED'], host: 'core', progress: false }),
  /** A page of the audit log, newest first. */
  consentLogEntries: op({ request: consentLogEntriesRequestSchema, response: consentLogEntriesSchema, errors: ['LEDGER_FAILED'], host: 'core', progress: false }),
  /** Notarizes the log's head (only its sequence number and hash) through the normal notarization path. */
  consentLogAnchor: op({
    request: empty,
    response: consentLogAnchorSchema,
    errors: ['ACCOUNT_LOCKED', 'WRONG_PASSPHRASE', 'IPFS_FAILED', 'CRYPTO_FAILED', 'CHAIN_FAILED', 'CHAIN_ID_MISMATCH', 'ANCHOR_PENDING', 'DEVNET_LOCKED', 'LEDGER_FAILED'],
    host: 'core',
    progress: false,
  }),
} as const;

export type Operations = typeof OPERATIONS;
export type OperationName = keyof Operations;
export type RequestOf<K extends OperationName> = z.input<Operations[K]['request']>;
export type ParsedRequestOf<K extends OperationName> = z.output<Operations[K]['request']>;
export type ResponseOf<K extends OperationName> = z.output<Operations[K]['response']>;

export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.hasOwn(OPERATIONS, name);
}
