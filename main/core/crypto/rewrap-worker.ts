/**
 * The 'rewrap' role of a crypto worker thread (see cipher-worker.ts): re-wraps batches of
 * age headers for RewrapPool with the keys of its workerData, parsed once.
 * Spec: https://github.com/C2SP/C2SP/blob/main/age.md#header
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isNotariumError } from '../../../shared/errors.ts';
import type { RewrapJob, RewrapOutcome, RewrapReply, RewrapWorkerData } from './cipher-protocol.ts';
import { createRewrapper } from './file-key.ts';

const port = parentPort;
if (port === null) throw new Error('rewrap-worker.ts must run in a worker thread');
const data = workerData as RewrapWorkerData;
const rewrap = createRewrapper(data.identities, data.recipients);

async function outcome(header: Uint8Array): Promise<RewrapOutcome> {
  try {
    return { ok: true, header: await rewrap(header) };
  } catch (e) {
    if (isNotariumError(e)) return { ok: false, code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) };
    return { ok: false, code: 'CRYPTO_FAILED', message: e instanceof Error ? e.message : String(e) };
  }
}

port.on('message', (job: RewrapJob) => {
  // All of a batch at once: its deriveBits jobs overlap on libuv's thread pool.
  void Promise.all(job.headers.map(outcome)).then((outcomes) => {
    const reply: RewrapReply = { type: 'rewrapped', id: job.id, outcomes };
    port.postMessage(reply);
  });
});

const ready: RewrapReply = { type: 'ready' };
port.postMessage(ready);
