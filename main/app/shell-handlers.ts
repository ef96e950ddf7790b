/**
 * The full handler table of the contract as the shell serves it: core operations are
 * forwarded to the core worker (CoreHost), desktop operations go to ports (dialogs,
 * keychain, external links, report saving). The Electron shell and the test bridge build
 * it with different ports; neither adds logic of its own. Imports no Electron.
 */
import { NotariumError } from '../../shared/errors.ts';
import { toNotariumError, type CallContext, type Handlers, type OperationName, type ParsedRequestOf, type Status } from '../../shared/api/index.ts';
import { PINNING_TOKEN_SECRET } from '../core/ipfs/secret-store.ts';
import type { PassphraseKeychain } from './keychain.ts';
import type { KeychainSecretStore } from './keychain-secrets.ts';
import { isSafeExternalUrl } from './guards.ts';

/** The core, as the shell reaches it (CoreHost). */
export interface CorePort {
  call(op: string, request: unknown, callId?: string): Promise<{ ok: true; value: unknown } | { ok: false; error: { code: string; message: string; details?: Record<string, unknown> } }>;
}

/** What only a desktop can do. */
export interface ShellPorts {
  /** null where there is no OS keychain (test bridge). */
  keychain: PassphraseKeychain | null;
  /** The OS keychain's named secrets (pinning token); null or absent where there is none (test bridge). */
  secrets?: Pick<KeychainSecretStore, 'set' | 'has' | 'refusal'> | null;
  pickPaths(purpose: ParsedRequestOf<'pickPaths'>['purpose']): Promise<string[]>;
  /** Saves the report; returns the path, or null when the user cancelled. */
  saveReport(req: ParsedRequestOf<'saveReport'>): Promise<string | null>;
  /** Opens an already-checked https URL in the OS browser. */
  openExternal(url: string): Promise<void>;
}

async function forward(core: CorePort, op: OperationName, req: unknown, ctx: CallContext): Promise<unknown> {
  const outcome = await core.call(op, req, ctx.callId);
  if (!outcome.ok) throw toNotariumError(outcome.error as Parameters<typeof toNotariumError>[0]);
  return outcome.value;
}

export function createShellHandlers(core: CorePort, ports: ShellPorts): Handlers {
  const fwd = <K extends OperationName>(op: K) => (req: ParsedRequestOf<K>, ctx: CallContext) => forward(core, op, req, ctx);
  return {
    status: async (req, ctx) => {
      const status = (await forward(core, 'status', req, ctx)) as Status;
      const secrets = ports.secrets ?? null;
      const pinningToken = secrets === null ? { stored: false, writable: false } : { stored: await secrets.has(PINNING_TOKEN_SECRET), writable: secrets.refusal() === null };
      return ports.keychain === null ? { ...status, pinningToken } : { ...status, keychain: await ports.keychain.info(), pinningToken };
    },
    createAccount: async (req, ctx) => {
      const account = await forward(core, 'createAccount', { passphrase: req.passphrase }, ctx);
      if (req.remember) await rememberOrExplain(ports, req.passphrase);
      return account;
    },
    unlock: async (req, ctx) => {
      const account = await forward(core, 'unlock', { passphrase: req.passphrase }, ctx);
      if (req.remember) await rememberOrExplain(ports, req.passphrase);
      return account;
    },
    lock: async (req, ctx) => {
      await ports.keychain?.forget();
      return forward(core, 'lock', req, ctx);
    },
    listDatasets: fwd('listDatasets'),
    inspectInputs: fwd('inspectInputs'),
    notarize: fwd('notarize'),
    verify: fwd('verify'),
    retrieve: fwd('retrieve'),
    cancel: fwd('cancel'),
    setNetwork: fwd('setNetwork'),
    draft: fwd('draft'),
    draftStatus: fwd('draftStatus'),
    signDraft: fwd('signDraft'),
    anchorDraft: fwd('anchorDraft'),
    share: fwd('share'),
    consentList: fwd('consentList'),
    consentFlagged: fwd('consentFlagged'),
    consentImport: fwd('consentImport'),
    consentLink: fwd('consentLink'),
    consentCheck: fwd('consentCheck'),
    consentSubset: fwd('consentSubset'),
    consentWithdraw: fwd('consentWithdraw'),
    consentExport: fwd('consentExport'),
    consentLogVerify: fwd('consentLogVerify'),
    consentLogEntries: fwd('consentLogEntries'),
    consentLogAnchor: fwd('consentLogAnchor'),
    confirmFee: fwd('confirmFee'),
    pendingAnchors: fwd('pendingAnchors'),
    resumeAnchor: fwd('resumeAnchor'),
    pendingJobs: fwd('pendingJobs'),
    resumeJob: fwd('resumeJob'),
    exportAccount: fwd('exportAccount'),
    importAccount: fwd('importAccount'),
    // The token goes to the keychain here, in the shell; the core reads it back through the
    // host when the pinning service needs it. It never crosses back to the renderer.
    setPinningToken: async (req) => {
      const secrets = ports.secrets ?? null;
      if (secrets === null) throw new NotariumError('KEYCHAIN_REFUSED', 'There is no OS keychain here to keep the pinning service token.');
      await secrets.set(PINNING_TOKEN_SECRET, req.token);
      return { stored: true as const };
    },
    pickPaths: async (req) => ({ paths: await ports.pickPaths(req.purpose) }),
    saveReport: async (req) => ({ path: await ports.saveReport(req) }),
    openExternal: async (req) => {
      if (!isSafeExternalUrl(req.url)) throw new NotariumError('FORBIDDEN', 'Only public https links are opened in your browser.');
      await ports.openExternal(req.url);
      return { opened: true };
    },
  };
}

async function rememberOrExplain(ports: ShellPorts, passphrase: string): Promise<void> {
  if (ports.keychain === null) throw new NotariumError('KEYCHAIN_REFUSED', 'Your account is unlocked, but there is no OS keychain here to remember the passphrase.');
  await ports.keychain.store(passphrase);
}
