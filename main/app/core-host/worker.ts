/**
 * Worker-thread entry hosting the services (main/core): hashing, encryption, IPFS import
 * and chain calls all run here, so the Electron main thread only routes messages and
 * the window stays responsive during a multi-GB notarization. Holds the session passphrase.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { dispatch, PROGRESS_OPERATIONS, type CallContext } from '../../../shared/api/index.ts';
import { Notarium, type NotariumOptions } from '../../core/notarium.ts';
import { createCoreHandlers, type CoreState } from './handlers.ts';
import type { CoreWorkerData, FromWorker, ToWorker } from './protocol.ts';
import { PassphraseSession } from './session.ts';

if (parentPort === null) throw new Error('core worker must run in a worker thread');
const port: MessagePort = parentPort;
const post = (m: FromWorker): void => port.postMessage(m);
const data = workerData as CoreWorkerData;

const options: NotariumOptions = {
  dataDir: data.dataDir,
  ...(data.scryptN === undefined ? {} : { scryptN: data.scryptN }),
  ...(data.pollIntervalMs === undefined ? {} : { pollIntervalMs: data.pollIntervalMs }),
  ...(data.cipherWorkerHref === undefined ? {} : { cipherWorkerUrl: new URL(data.cipherWorkerHref) }),
};

const progressOps: ReadonlySet<string> = new Set(PROGRESS_OPERATIONS);

async function main(): Promise<void> {
  const notarium = await Notarium.open(options);
  // Idle auto-lock (issue 6): the lab's managed autoLockMinutes, else the session's default.
  const autoLockMinutes = notarium.effectiveSettings.policy.autoLockMinutes;
  const state: CoreState = {
    notarium,
    session: new PassphraseSession(autoLockMinutes === null ? {} : { idleMs: autoLockMinutes * 60_000 }),
    running: new Map(),
    reopen: async () => {
      await state.notarium.close();
      state.notarium = await Notarium.open(options);
    },
  };
  const handlers = createCoreHandlers(state);

  port.on('message', (m: ToWorker) => {
    if (m.type === 'close') {
      for (const c of state.running.values()) c.abort();
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
        ctx.onProgress = (progress) => post({ type: 'progress', callId, progress });
      }
      try {
        post({ type: 'result', id: m.id, outcome: await dispatch(m.op, m.request, handlers, ctx) });
      } finally {
        if (ctx.callId !== undefined) state.running.delete(ctx.callId);
      }
    })();
  });
  post({ type: 'ready' });
}

main().catch((e: unknown) => post({ type: 'failed', message: e instanceof Error ? e.message : String(e) }));
