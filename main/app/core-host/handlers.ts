/**
 * The contract's core operations, each a direct call of a main/core service: no logic
 * beyond choosing the service and shaping its answer. Runs inside the core worker
 * (worker.ts); tests run it in plain Node.
 */
import { NotariumError, isNotariumError } from '../../../shared/errors.ts';
import type { Handlers, NetworkInfo, Status } from '../../../shared/api/index.ts';
import { AccountStore } from '../../core/keys/index.ts';
import { collectInputs } from '../../core/notary/inputs.ts';
import { readSettings } from '../../core/settings.ts';
import type { Notarium } from '../../core/notarium.ts';
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
}

export type CoreHandlers = Pick<Handlers, 'status' | 'createAccount' | 'unlock' | 'lock' | 'listDatasets' | 'inspectInputs' | 'notarize' | 'verify' | 'retrieve' | 'cancel' | 'setNetwork'>;

/** Keychain facts as the core sees them: the shell, which owns safeStorage, replaces them. */
const NO_KEYCHAIN: Status['keychain'] = { available: false, backend: 'none', remembered: false, refusal: 'The OS keychain is only reachable from the desktop app.' };

async function networkInfo(dataDir: string): Promise<NetworkInfo> {
  const net = (await readSettings(dataDir)).network;
  if (net?.rpcUrl === undefined) return { mode: 'devnet', name: 'devnet', chainId: DEVNET_CHAIN_ID, rpcUrl: null, registry: null, local: true };
  return { mode: 'rpc', name: net.name, chainId: String(net.chainId), rpcUrl: net.rpcUrl, registry: net.registry ?? null, local: false };
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

export function createCoreHandlers(state: CoreState): CoreHandlers {
  const accounts = (): AccountStore => new AccountStore(state.notarium.layout.keysDir);
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
        network: await networkInfo(state.notarium.layout.root),
        ipfs: { mode: 'embedded', dir: state.notarium.layout.ipfsDir },
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
      return networkInfo(state.notarium.layout.root);
    },
  };
}
