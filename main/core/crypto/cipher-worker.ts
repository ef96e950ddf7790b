/**
 * Worker thread of AgeCipherPool: seals and opens batches of age STREAM chunks with
 * libsodium's ChaCha20-Poly1305-IETF (native via sodium-native, or WASM). It never touches node:crypto's
 * chacha20-poly1305, which Electron's BoringSSL build lacks.
 * Spec: https://github.com/C2SP/C2SP/blob/main/age.md#payload
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CipherBackend, CipherJob, CipherReply } from './cipher-protocol.ts';
import { NativeChaCha } from './native-chacha.ts';
import type { SodiumChaCha } from './sodium-chacha.ts';
import { CHUNK_SIZE, SEALED_CHUNK_SIZE, TAG_SIZE, writeStreamNonce } from './stream-format.ts';

const port = parentPort;
if (port === null) throw new Error('cipher-worker.ts must run in a worker thread');
const wanted = ((workerData as { backend?: CipherBackend | 'auto' } | undefined)?.backend ?? 'auto');

/** Native libsodium when it loads (or is required), else libsodium WASM. */
async function loadBackend(): Promise<{ aead: NativeChaCha | SodiumChaCha; backend: CipherBackend }> {
  if (wanted !== 'wasm') {
    try {
      return { aead: NativeChaCha.load(), backend: 'native' };
    } catch (e) {
      if (wanted === 'native') throw e;
    }
  }
  // Imported only when needed: the WASM module costs memory in every worker.
  const { SodiumChaCha } = await import('./sodium-chacha.ts');
  return { aead: await SodiumChaCha.load(), backend: 'wasm' };
}
const { aead, backend } = await loadBackend();
const nonce = new Uint8Array(12);

interface Outcome {
  /** Output bytes, at the start of the heap output region. */
  length: number;
  failedChunk: number | null;
}

function seal(job: CipherJob): Outcome {
  // An empty payload is one empty final chunk; otherwise only the last chunk may be short.
  const chunks = job.length === 0 ? 1 : Math.ceil(job.length / CHUNK_SIZE);
  if (!job.final && job.length % CHUNK_SIZE !== 0) throw new Error('a non-final batch must hold whole chunks');
  const outLength = job.length + chunks * TAG_SIZE;
  aead.reserve(outLength);
  aead.setKey(job.key);
  aead.setInput(new Uint8Array(job.data, 0, job.length));
  for (let i = 0; i < chunks; i++) {
    writeStreamNonce(nonce, job.firstChunk + i, job.final && i === chunks - 1);
    aead.setNonce(nonce);
    aead.seal(i * CHUNK_SIZE, Math.min(CHUNK_SIZE, job.length - i * CHUNK_SIZE), i * SEALED_CHUNK_SIZE);
  }
  return { length: outLength, failedChunk: null };
}

function tryOpen(counter: number, last: boolean, inOffset: number, length: number, outOffset: number): boolean {
  writeStreamNonce(nonce, counter, last);
  aead.setNonce(nonce);
  return aead.open(inOffset, length, outOffset);
}

/**
 * Opens a batch. Chunk boundaries are positional (every 64 KiB + 16 bytes) and a chunk
 * is "last" when nothing follows it. Like the reference implementation (age
 * internal/stream), a full chunk that only authenticates with the other last-chunk flag
 * is released and ends the stream as a failure: it is genuine, but either data follows
 * a last chunk or the stream stops before its last chunk (truncation).
 */
function open(job: CipherJob): Outcome {
  const chunks = Math.max(1, Math.ceil(job.length / SEALED_CHUNK_SIZE));
  aead.reserve(Math.max(job.length, 1));
  aead.setKey(job.key);
  aead.setInput(new Uint8Array(job.data, 0, job.length));
  let released = 0;
  let failedChunk: number | null = null;
  for (let i = 0; i < chunks && failedChunk === null; i++) {
    const inOffset = i * SEALED_CHUNK_SIZE;
    const length = Math.min(SEALED_CHUNK_SIZE, job.length - inOffset);
    const counter = job.firstChunk + i;
    const last = job.final && i === chunks - 1;
    // A final chunk needs its tag, and may be empty only when it is the whole payload.
    if (length < TAG_SIZE || (length === TAG_SIZE && counter !== 0)) {
      failedChunk = i;
    } else if (tryOpen(counter, last, inOffset, length, i * CHUNK_SIZE)) {
      released += length - TAG_SIZE;
    } else if (length === SEALED_CHUNK_SIZE && tryOpen(counter, !last, inOffset, length, i * CHUNK_SIZE)) {
      released += CHUNK_SIZE;
      failedChunk = i + 1;
    } else {
      failedChunk = i;
    }
  }
  return { length: released, failedChunk };
}

port.on('message', (job: CipherJob) => {
  try {
    const { length, failedChunk } = job.op === 'seal' ? seal(job) : open(job);
    // The input is in the heap by now: its buffer can carry the output back.
    const data = job.data.byteLength >= length ? job.data : new ArrayBuffer(length);
    aead.readOutput(new Uint8Array(data, 0, length));
    const reply: CipherReply = { type: 'done', id: job.id, data, length, failedChunk };
    port.postMessage(reply, [data]);
  } catch (e) {
    const reply: CipherReply = { type: 'error', id: job.id, message: e instanceof Error ? e.message : String(e) };
    port.postMessage(reply);
  } finally {
    // Sealing grows the data by at most one tag per chunk (+1 for the empty final chunk).
    aead.wipe(job.length, job.length + TAG_SIZE * (Math.ceil(job.length / CHUNK_SIZE) + 1));
  }
});

const ready: CipherReply = { type: 'ready', backend };
port.postMessage(ready);
