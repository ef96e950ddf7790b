/**
 * Worker-thread entry hosting the services (main/core): hashing, encryption, IPFS import
 * and chain calls all run here, so the Electron main thread only routes messages and
 * the window stays responsive during a multi-GB notarization. Holds the session passphrase.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { dispatch, PROGRESS_OPERATIONS, type CallContext, type ProgressData } from '../../../shared/api/index.ts';
import { NotariumError } from '../../../shared/errors.ts';
import type { SecretStore } from '../../core/ipfs/secret-store.ts';
import { Notarium, type NotariumOptions } from '../../core/notarium.ts';
import { FeePrompts } from './fee-prompts.ts';
import { createCoreHandlers, type CoreState } from './handlers.ts';
import type { CoreWorkerData, FromWorker, ToWorker } from './protocol.ts';
import { PassphraseSession } from './session.ts';

if (parentPort === null) throw new Error('core worker must run in a worker thread');
const port: MessagePort = parentPort;
const post = (m: FromWorker): void => port.postMessage(m);
const data = workerData as CoreWorkerData;

/** Secrets live in the shell's OS keychain: each read is a round trip, nothing is cached here. */
const secretAnswers = new Map<number, (value: string | null) => void>();
let nextSecretId = 1;
const shellSecrets: SecretStore = {
  get: (name) =>
    new Promise((resolve) => {
      const id = nextSecretId++;
      secretAnswers.set(id, (value) => resolve(value ?? undefined));
      post({ type: 'secret-get', id, name });
    }),
  set: async (name) => {
    throw new NotariumError('INVALID_INPUT', `'${name}' is stored from Settings in the desktop app, not by the core.`);
  },
};

const options: NotariumOptions = {
  dataDir: data.dataDir,
  secrets: shellSecrets,
  ...(data.scryptN === undefined ? {} : { scryptN: data.scryptN }),
  ...(data.pollIntervalMs === undefined ? {} : { pollIntervalMs: data.pollIntervalMs }),
  ...(data.cipherWorkerHref === undefined ? {} : { cipherWorkerUrl: new URL(data.cipherWorkerHref) }),
  ...(data.managedSettingsFile === undefined ? {} : { managedSettingsFile: data.managedSettingsFile }),
};

const progressOps: ReadonlySet<string> = new Set(PROGRESS_OPERATIONS);

async function main(): Promise<void> {
  const notarium = await Notarium.open(options);
  // Idle auto-lock (issue 6): the lab's managed autoLockMinutes, else the session's default.
  const autoLockMinutes = notarium.effectiveSettings.policy.autoLockMinutes;
  const fees = new FeePrompts();
  const lastProgress = new Map<string, ProgressData>();
  const state: CoreState = {
    notarium,
    fees,
    // The quote rides on a progress event so every transport (IPC, test bridge) relays it as is.
    askFee: (callId, quote, signal) =>
      fees.ask(callId, quote, (feeQuote) => post({ type: 'progress', callId, progress: lastProgress.get(callId) ?? { phase: 'anchoring', filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, bytesPerSecond: 0, etaSeconds: null }, feeQuote }), signal),
    session: new PassphraseSession(autoLockMinutes === null ? {} : { idleMs: autoLockMinutes * 60_000 }),
    running: new Map(),
    reopen: async () => {
      await state.notarium.close();
      state.notarium = await Notarium.open(options);
    },
  };
  const handlers = createCoreHandlers(state);

  port.on('message', (m: ToWorker) => {
    if (m.type === 'secret') {
      const answer = secretAnswers.get(m.id);
      secretAnswers.delete(m.id);
      answer?.(m.value);
      return;
    }
    if (m.type === 'close') {
      for (const c of state.running.values()) c.abort();
      fees.declineAll();
      void state.notarium.close().finally(() => post({ type: 'closed' }));
      return;
    }
    void (async () => {
      const ctx: CallContext = {};
      const callId = m.callId;
      if (callId !== undefined && progressOps.has(m.op) && !state.running.has(callId)) {
        const controller = new AbortController();
        state.running.set(callId, controller);
        ctx.callId = callId;
        ctx.signal = controller.signal;
        ctx.onProgress = (progress) => {
          lastProgress.set(callId, progress);
          post({ type: 'progress', callId, progress });
        };
      }
      try {
        post({ type: 'result', id: m.id, outcome: await dispatch(m.op, m.request, handlers, ctx) });
      } finally {
        if (ctx.callId !== undefined) {
          state.running.delete(ctx.callId);
          lastProgress.delete(ctx.callId);
        }
      }
    })();
  });
  post({ type: 'ready' });
}

main().catch((e: unknown) => post({ type: 'failed', message: e instanceof Error ? e.message : String(e) }));
