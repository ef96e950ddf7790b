/**
 * The 'rewrap' role of a crypto worker thread: re-wraps batches of age headers for
 * RewrapPool. It is the worker's entry itself (RewrapPool's default, the lightest start)
 * or loaded by cipher-worker.ts (the one worker module a bundled app ships). The keys come
 * by message (RewrapControl 'keys'), parsed once per pool; between pools the worker is
 * parked without them ('forget'), so a later share reuses it instead of starting a thread.
 * Spec: https://github.com/C2SP/C2SP/blob/main/age.md#header
 */
import { parentPort } from 'node:worker_threads';
import { NotariumError, isNotariumError } from '../../../shared/errors.ts';
import type { RewrapControl, RewrapJob, RewrapOutcome, RewrapReply } from './cipher-protocol.ts';
import { createRewrapper } from './file-key.ts';

const port = parentPort;
if (port === null) throw new Error('rewrap-worker.ts must run in a worker thread');

type Rewrap = (header: Uint8Array) => Promise<Uint8Array>;
const noKeys: Rewrap = () => Promise.reject(new NotariumError('CRYPTO_FAILED', 'this rewrap worker holds no keys'));
let rewrap: Rewrap = noKeys;

function withKeys(identities: string[], recipients: string[]): Rewrap {
  try {
    return createRewrapper(identities, recipients);
  } catch (e) {
    // RewrapPool checked the same keys on its own thread first: not expected, but each
    // header then fails with the reason instead of the worker dying.
    return () => Promise.reject(e as Error);
  }
}

async function outcome(run: Rewrap, header: Uint8Array): Promise<RewrapOutcome> {
  try {
    return { ok: true, header: await run(header) };
  } catch (e) {
    if (isNotariumError(e)) return { ok: false, code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) };
    return { ok: false, code: 'CRYPTO_FAILED', message: e instanceof Error ? e.message : String(e) };
  }
}

port.on('message', (message: RewrapJob | RewrapControl) => {
  if ('type' in message) {
    rewrap = message.type === 'keys' ? withKeys(message.identities, message.recipients) : noKeys;
    return;
  }
  const job = message;
  const run = rewrap;
  // All of a batch at once: its deriveBits jobs overlap on libuv's thread pool.
  void Promise.all(job.headers.map((h) => outcome(run, h))).then((outcomes) => {
    const reply: RewrapReply = { type: 'rewrapped', id: job.id, outcomes };
    port.postMessage(reply);
  });
});

const ready: RewrapReply = { type: 'ready' };
port.postMessage(ready);
