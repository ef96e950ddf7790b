/**
 * The contract's core operations, each a direct call of a main/core service: no logic
 * beyond choosing the service and shaping its answer. Runs inside the core worker
 * (worker.ts); tests run it in plain Node.
 */
import { readFile } from 'node:fs/promises';
import { NotariumError, isNotariumError } from '../../../shared/errors.ts';
import type { CallContext, FeeQuote, Handlers, ManagedInfo, NetworkInfo, Status } from '../../../shared/api/index.ts';
import { AccountStore, importAccountBackup, MAX_ACCOUNT_BACKUP_CHARS, writeAccountBackup } from '../../core/keys/index.ts';
import { collectInputs } from '../../core/notary/inputs.ts';
import type { FeeConfirmation } from '../../core/chain/fees.ts';
import type { Notarium } from '../../core/notarium.ts';
import { toFeeQuote, type FeePrompts } from './fee-prompts.ts';
import type { ConsentService } from '../../core/consent/index.ts';
import type { PassphraseSession } from './session.ts';
import { writeNetworkSettings } from './settings-file.ts';

/** The devnet's EIP-155 chain id (main/core/chain/networks.ts), without loading the chain service. */
const DEVNET_CHAIN_ID = '31337';

/** What the handlers work on; owned by the worker. */
export interface CoreState {
  notarium: Notarium;
  readonly session: PassphraseSession;
  /** Abort controllers of running progress calls, by call id. */
  readonly running: Map<string, AbortController>;
  /** Closes and reopens the services (settings are read at open). */
  reopen(): Promise<void>;
  /** Fee quotes waiting for the user's answer (confirmFee). */
  readonly fees: FeePrompts;
  /** Shows a fee quote to the user of call `callId` and resolves their answer (false when cancelled). */
  askFee(callId: string, quote: FeeQuote, signal?: AbortSignal): Promise<boolean>;
}

export type CoreHandlers = Pick<
  Handlers,
  | 'status'
  | 'createAccount'
  | 'unlock'
  | 'lock'
  | 'listDatasets'
  | 'inspectInputs'
  | 'notarize'
  | 'verify'
  | 'retrieve'
  | 'cancel'
  | 'setNetwork'
  | 'draft'
  | 'draftStatus'
  | 'signDraft'
  | 'anchorDraft'
  | 'share'
  | 'consentList'
  | 'consentFlagged'
  | 'consentImport'
  | 'consentLink'
  | 'consentCheck'
  | 'consentSubset'
  | 'consentWithdraw'
  | 'consentExport'
  | 'consentLogVerify'
  | 'consentLogEntries'
  | 'consentLogAnchor'
  | 'confirmFee'
  | 'pendingAnchors'
  | 'resumeAnchor'
  | 'pendingJobs'
  | 'resumeJob'
  | 'exportAccount'
  | 'importAccount'
>;

/** Keychain facts as the core sees them: the shell, which owns safeStorage, replaces them. */
const NO_KEYCHAIN: Status['keychain'] = { available: false, backend: 'none', remembered: false, refusal: 'The OS keychain is only reachable from the desktop app.' };

/** The network anchors go to: the managed network when the lab fixes one, else settings.json's. */
function networkInfo(notarium: Notarium): NetworkInfo {
  const net = notarium.effectiveSettings.settings.network;
  if (net?.rpcUrl === undefined) return { mode: 'devnet', name: 'devnet', chainId: DEVNET_CHAIN_ID, rpcUrl: null, registry: null, local: true };
  return { mode: 'rpc', name: net.name, chainId: String(net.chainId), rpcUrl: net.rpcUrl, registry: net.registry ?? null, local: false };
}

/** The lab's managed settings as the Settings screen shows them. */
function managedInfo(notarium: Notarium): ManagedInfo {
  const { locked, policy, managed } = notarium.effectiveSettings;
  return {
    status: managed.status,
    file: managed.file,
    locked: [...locked],
    warnings: [...managed.warnings],
    allowPublicMode: policy.allowPublicMode,
    defaultRecipients: [...policy.defaultRecipients],
    allowedChainIds: policy.allowedChainIds === null ? null : [...policy.allowedChainIds],
    blockedReason: policy.blockedReason,
  };
}

/**
 * The fee prompt of a call that may sign on a public chain: the quote goes to the renderer and
 * the call waits for `confirmFee`. Without a call id nobody could answer, so such a call is
 * declined (CANCELLED, nothing sent) rather than sent unasked. None on a devnet.
 */
function feePrompt(state: CoreState, ctx: CallContext): { confirmFee?: FeeConfirmation } {
  if (!state.notarium.feeConfirmationNeeded) return {};
  const callId = ctx.callId;
  if (callId === undefined) return { confirmFee: () => false };
  return { confirmFee: (estimate, context) => state.askFee(callId, toFeeQuote(estimate, context), ctx.signal) };
}

/** Rejects with CANCELLED when `signal` aborts first. The work itself is read-only or cleans up after itself. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new NotariumError('CANCELLED', 'Cancelled.'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The call options of a cancellable operation, without undefined members (exactOptionalPropertyTypes). */
function callOptions(ctx: CallContext): { onProgress?: CallContext['onProgress']; signal?: AbortSignal } {
  return { ...(ctx.onProgress === undefined ? {} : { onProgress: ctx.onProgress }), ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) };
}

export function createCoreHandlers(state: CoreState): CoreHandlers {
  const accounts = (): AccountStore => new AccountStore(state.notarium.layout.keysDir);
  const consent = (): Promise<ConsentService> => state.notarium.consent();
  return {
    status: async () => {
      const account = await state.notarium.account().catch((e: unknown) => {
        if (isNotariumError(e) && e.code === 'ACCOUNT_MISSING') return null;
        throw e;
      });
      return {
        dataDir: state.notarium.layout.root,
        account: account === null ? null : { address: account.address, recipient: account.recipient, createdAt: account.createdAt },
        unlocked: account !== null && state.session.unlocked,
        keychain: NO_KEYCHAIN,
        network: networkInfo(state.notarium),
        ipfs: { mode: 'embedded', dir: state.notarium.layout.ipfsDir },
        managed: managedInfo(state.notarium),
        pinningToken: { stored: false, writable: false },
      };
    },
    createAccount: async (req) => {
      const acct = await state.notarium.init(req.passphrase);
      state.session.set(req.passphrase);
      return acct;
    },
    unlock: async (req) => {
      const unlocked = await accounts().unlock(req.passphrase);
      state.session.set(req.passphrase);
      const pub = await accounts().readPublic();
      return { address: unlocked.address, recipient: unlocked.recipient, createdAt: pub.createdAt };
    },
    lock: async () => {
      state.session.clear();
      return { locked: true as const };
    },
    listDatasets: async () => state.notarium.datasets(),
    inspectInputs: async (req) => {
      const c = await collectInputs(req.inputs);
      return { fileCount: c.files.length, totalBytes: c.totalBytes, warnings: c.warnings, baseDir: c.baseDir, files: c.files.map((f) => ({ path: f.path, size: f.size })) };
    },
    notarize: async (req, ctx) =>
      state.notarium.notarize(req, {
        passphrase: state.session.require(),
        ...(ctx.onProgress === undefined ? {} : { onProgress: ctx.onProgress }),
        ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
        ...feePrompt(state, ctx),
      }),
    verify: async (req, ctx) => untilAborted(state.notarium.verify(req, ctx.onProgress), ctx.signal),
    // Not cancellable: restoreFiles renames each file into place only after its hash matched,
    // and removes what it wrote on failure; stopping half-way is left to that code path.
    retrieve: async (req, ctx) =>
      state.notarium.retrieve(req, { passphrase: state.session.require(), ...(ctx.onProgress === undefined ? {} : { onProgress: ctx.onProgress }) }),
    cancel: async (req) => {
      const controller = state.running.get(req.callId);
      controller?.abort();
      return { cancelled: controller !== undefined };
    },
    setNetwork: async (req) => {
      const { locked, managed } = state.notarium.effectiveSettings;
      if (locked.includes('network')) throw new NotariumError('POLICY_DENIED', `Your lab fixes the network (managed settings ${managed.file}); ask lab IT to change it.`);
      if (state.running.size > 0) throw new NotariumError('INVALID_INPUT', 'Wait for the running operations to finish before changing the network.');
      if (req.mode === 'rpc') {
        const { connectRpc } = await import('../../core/chain/index.ts');
        const provider = await connectRpc(req.rpcUrl, req.chainId, { pollingIntervalMs: 1000 });
        provider.destroy();
        await writeNetworkSettings(state.notarium.layout.root, {
          name: req.name,
          chainId: req.chainId,
          rpcUrl: req.rpcUrl,
          registry: req.registry,
          ...(req.registryDeployBlock === undefined ? {} : { registryDeployBlock: req.registryDeployBlock }),
        });
      } else {
        await writeNetworkSettings(state.notarium.layout.root, undefined);
      }
      await state.reopen();
      return networkInfo(state.notarium);
    },

    // ---- co-authors and sharing -------------------------------------------------------
    draft: async (req, ctx) => {
      const r = await state.notarium.draft(req, callOptions(ctx));
      return { draftPath: r.draftPath, root: r.draft.root, title: r.draft.title, authors: r.draft.authors, fileCount: r.draft.summary.fileCount, totalBytes: r.draft.summary.totalBytes, warnings: r.warnings };
    },
    draftStatus: async (req) => state.notarium.draftStatus(req.draft, req.signatures),
    signDraft: async (req) => {
      const r = await state.notarium.signDraft(req.draft, { passphrase: state.session.require(), ...(req.out === undefined ? {} : { out: req.out }), ...(req.asWallet === undefined ? {} : { asWallet: req.asWallet }) });
      return { signaturePath: r.signaturePath, signer: r.signer, digest: r.digest };
    },
    anchorDraft: async (req, ctx) => {
      const { signal } = callOptions(ctx);
      return state.notarium.anchorDraft(req.draft, req.signatures, {
        passphrase: state.session.require(),
        confirmations: req.confirmations,
        ...(req.receiptOut === undefined ? {} : { receiptOut: req.receiptOut }),
        ...(signal === undefined ? {} : { signal }),
        ...feePrompt(state, ctx),
      });
    },
    share: async (req) => {
      const r = await state.notarium.share(req, { passphrase: state.session.require() });
      return { ticketPath: r.ticketPath, root: r.ticket.root, title: r.ticket.title, recipient: r.ticket.recipient, fileCount: r.ticket.summary.fileCount, totalBytes: r.ticket.summary.totalBytes, seconds: r.seconds };
    },

    // ---- consent ----------------------------------------------------------------------
    consentList: async (req) => {
      // One more than asked tells whether another page exists.
      const rows = (await consent()).list({ ...req, limit: Math.min(req.limit + 1, 1_000_000) });
      return { records: rows.slice(0, req.limit), hasMore: rows.length > req.limit };
    },
    consentFlagged: async () => (await consent()).flaggedDatasets(),
    consentImport: async (req) => (await consent()).importFile(req),
    consentLink: async (req) => (await consent()).link(req),
    consentCheck: async (req) => {
      const { request: _request, ...decision } = (await consent()).check(req);
      return decision;
    },
    consentSubset: async (req) => {
      const r = await (await consent()).deriveSubset(req, req.notarize ? state.session.require() : undefined);
      const d = r.decision;
      const { keptSubjects, ...subset } = r.subset;
      return { decision: { decision: d.decision, total: d.total, counts: d.counts, logSeq: d.logSeq }, subset: { ...subset, subjects: keptSubjects.length }, dataset: r.dataset, logSeq: r.logSeq };
    },
    consentWithdraw: async (req) => (await consent()).withdraw(req),
    consentExport: async (req) => {
      const r = await (await consent()).exportFhir(req);
      return { count: r.count, out: r.out ?? req.out };
    },
    consentLogVerify: async () => (await consent()).verifyLog(),
    consentLogEntries: async (req) => {
      const rows = (await consent()).logEntries(req.limit + 1, req.offset);
      return { entries: rows.slice(0, req.limit), hasMore: rows.length > req.limit };
    },
    consentLogAnchor: async () => (await consent()).anchorLog(state.session.require(), state.notarium.consentAnchorsDir),

    // ---- public chains ----------------------------------------------------------------
    confirmFee: async (req) => ({ answered: state.fees.answer(req.callId, req.accept) }),
    pendingAnchors: async () => state.notarium.pendingAnchors(),
    resumeAnchor: async (req, ctx) =>
      state.notarium.resumeAnchor(req.root, {
        passphrase: state.session.require(),
        ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
        ...feePrompt(state, ctx),
      }),

    // ---- unfinished notarization jobs ---------------------------------------------------
    // The journal's path stays in the core: the renderer needs only what to show and resume.
    pendingJobs: async () => (await state.notarium.pendingJobs()).map((j) => ({ id: j.id, updatedAt: j.updatedAt })),
    resumeJob: async (req, ctx) =>
      state.notarium.resumeJob(req.id, {
        passphrase: state.session.require(),
        ...callOptions(ctx),
        ...feePrompt(state, ctx),
      }),

    // ---- account backup ---------------------------------------------------------------
    exportAccount: async (req) => {
      const r = await writeAccountBackup(accounts(), state.session.require(), req.out, req.backupPassphrase === undefined ? {} : { backupPassphrase: req.backupPassphrase });
      return { path: r.path, address: r.account.address };
    },
    importAccount: async (req) => {
      const text = await readFile(req.file, 'utf8').catch((e: unknown) => {
        throw new NotariumError('NOT_FOUND', `Cannot read the backup file ${req.file}.`, { cause: e });
      });
      if (text.length > MAX_ACCOUNT_BACKUP_CHARS) throw new NotariumError('INVALID_INPUT', `${req.file} is too large to be a Notarium account backup.`);
      const account = await importAccountBackup(accounts(), text, { backupPassphrase: req.backupPassphrase ?? req.passphrase, passphrase: req.passphrase });
      state.session.set(req.passphrase);
      return { address: account.address, recipient: account.recipient, createdAt: account.createdAt };
    },
  };
}
