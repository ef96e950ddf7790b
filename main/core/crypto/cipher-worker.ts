/**
 * Entry of the crypto worker threads, one file so that bundlers emit one worker module.
 * workerData.role 'payload' (default, AgeCipherPool): seals and opens batches of age
 * STREAM chunks with libsodium's ChaCha20-Poly1305-IETF (native via sodium-native, or
 * WASM), never node:crypto's chacha20-poly1305, which Electron's BoringSSL build lacks.
 * Role 'rewrap' (RewrapPool): re-wraps age headers (rewrap-worker.ts, loaded only then).
 * Spec: https://github.com/C2SP/C2SP/blob/main/age.md#payload
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadAead } from './aead.ts';
import type { CipherBackend, CipherJob, CipherReply, FileSealControl, FileSealJob, WorkerRole } from './cipher-protocol.ts';
import { FileSealCredit, LeafSpares, runFileSeal } from './file-seal.ts';
import { runBatch } from './stream-batch.ts';

const port = parentPort;
if (port === null) throw new Error('cipher-worker.ts must run in a worker thread');
const data = workerData as { role?: WorkerRole; backend?: CipherBackend | 'auto' } | undefined;

if (data?.role === 'rewrap') {
  await import('./rewrap-worker.ts');
} else {
  const { aead, backend } = await loadAead(data?.backend ?? 'auto');
  const files = new Map<number, FileSealCredit>();
  // Enough for the leaves a file has in flight (sealFile's window, the store's write-behind).
  const spares = new LeafSpares(16);
  port.on('message', (message: CipherJob | FileSealJob | FileSealControl) => {
    if ('type' in message) {
      if (message.type === 'seal-file') {
        const credit = new FileSealCredit(message.window);
        files.set(message.id, credit);
        void runFileSeal(aead, message, credit, port, spares).finally(() => files.delete(message.id));
      } else if (message.type === 'recycle') {
        spares.give(message.data);
      } else if (message.type === 'ack') {
        files.get(message.id)?.ack(message.count);
      } else {
        files.get(message.id)?.cancel();
      }
      return;
    }
    const job = message;
    try {
      const { data: out, length, failedChunk } = runBatch(aead, job);
      const reply: CipherReply = { type: 'done', id: job.id, data: out, length, failedChunk };
      port.postMessage(reply, [out]);
    } catch (e) {
      const reply: CipherReply = { type: 'error', id: job.id, message: e instanceof Error ? e.message : String(e) };
      port.postMessage(reply);
    }
  });
  const ready: CipherReply = { type: 'ready', backend };
  port.postMessage(ready);
}
