/**
 * Sealing and opening one batch of consecutive age STREAM chunks in a libsodium
 * workspace: the work of one AgeCipherPool job, in a worker thread or in the caller's.
 * Spec: https://github.com/C2SP/C2SP/blob/main/age.md#payload
 */
import type { AeadWorkspace } from './aead.ts';
import type { CipherJob } from './cipher-protocol.ts';
import { CHUNK_SIZE, SEALED_CHUNK_SIZE, TAG_SIZE, writeStreamNonce } from './stream-format.ts';

/** A batch's output: bytes [0, length) of `data`, every chunk before `failedChunk` (all when null). */
export interface BatchOutput {
  data: ArrayBuffer;
  length: number;
  failedChunk: number | null;
}

type BatchInput = Pick<CipherJob, 'op' | 'key' | 'firstChunk' | 'final' | 'data' | 'length'>;

/**
 * Seals or opens `job` with `aead` and wipes the workspace afterwards. The output goes
 * back into `job.data` when it has room (sealing adds 16 bytes per chunk), else into a
 * new ArrayBuffer. Throws Error for a non-final seal batch that does not hold whole chunks.
 */
export function runBatch(aead: AeadWorkspace, job: BatchInput): BatchOutput {
  const nonce = new Uint8Array(12);
  try {
    const { length, failedChunk } = job.op === 'seal' ? seal(aead, nonce, job) : open(aead, nonce, job);
    // The input is in the workspace by now: its buffer can carry the output back.
    const data = job.data.byteLength >= length ? job.data : new ArrayBuffer(length);
    aead.readOutput(new Uint8Array(data, 0, length));
    return { data, length, failedChunk };
  } finally {
    // Sealing grows the data by at most one tag per chunk (+1 for the empty final chunk).
    aead.wipe(job.length, job.length + TAG_SIZE * (Math.ceil(job.length / CHUNK_SIZE) + 1));
  }
}

interface Outcome {
  /** Output bytes, at the start of the workspace's output region. */
  length: number;
  failedChunk: number | null;
}

function seal(aead: AeadWorkspace, nonce: Uint8Array, job: BatchInput): Outcome {
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

function tryOpen(aead: AeadWorkspace, nonce: Uint8Array, counter: number, last: boolean, inOffset: number, length: number, outOffset: number): boolean {
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
function open(aead: AeadWorkspace, nonce: Uint8Array, job: BatchInput): Outcome {
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
    } else if (tryOpen(aead, nonce, counter, last, inOffset, length, i * CHUNK_SIZE)) {
      released += length - TAG_SIZE;
    } else if (length === SEALED_CHUNK_SIZE && tryOpen(aead, nonce, counter, !last, inOffset, length, i * CHUNK_SIZE)) {
      released += CHUNK_SIZE;
      failedChunk = i + 1;
    } else {
      failedChunk = i;
    }
  }
  return { length: released, failedChunk };
}
