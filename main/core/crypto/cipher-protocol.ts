/**
 * Messages between AgeCipherPool and its workers. One job seals or opens a batch of
 * consecutive STREAM chunks; the batch buffer is transferred, never copied.
 */

/** Which libsodium build runs the AEAD: native (sodium-native) or WebAssembly (libsodium-wrappers). */
export type CipherBackend = 'native' | 'wasm';

/** Main thread -> worker. */
export interface CipherJob {
  id: number;
  op: 'seal' | 'open';
  /** 32-byte payload key. */
  key: Uint8Array;
  /** STREAM counter of the first chunk in `data`. */
  firstChunk: number;
  /** True when the last chunk of `data` is the last chunk of the payload. */
  final: boolean;
  /**
   * Plaintext (seal) or ciphertext (open) chunks, back to back, in bytes [0, length).
   * The worker writes its output back into this buffer when it is large enough
   * (sealing adds 16 bytes per chunk) and returns it, so no buffer is allocated per batch.
   */
  data: ArrayBuffer;
  length: number;
}

/** Worker -> main thread. */
export type CipherReply =
  | { type: 'ready'; backend: CipherBackend }
  | {
      type: 'done';
      id: number;
      /** Sealed or opened bytes of every chunk before `failedChunk` (all chunks when null), in [0, length). */
      data: ArrayBuffer;
      length: number;
      /** Batch index of the first chunk not released because the stream failed there, or null. */
      failedChunk: number | null;
    }
  | { type: 'error'; id: number; message: string };

/** What a crypto worker thread does, chosen by its workerData: payload batches (default) or header re-wrapping. */
export type WorkerRole = 'payload' | 'rewrap';

/** workerData of a RewrapPool worker. `identities` are secrets: they stay in this process. */
export interface RewrapWorkerData {
  role: 'rewrap';
  identities: string[];
  recipients: string[];
}

/** RewrapPool -> worker: re-wrap these headers (age header bytes each). */
export interface RewrapJob {
  id: number;
  headers: Uint8Array[];
}

/** One header's outcome; a failure carries the NotariumError fields to rebuild it. */
export type RewrapOutcome =
  | { ok: true; header: Uint8Array }
  | { ok: false; code: string; message: string; details?: Record<string, unknown> };

/** Worker -> RewrapPool. */
export type RewrapReply = { type: 'ready' } | { type: 'rewrapped'; id: number; outcomes: RewrapOutcome[] };
