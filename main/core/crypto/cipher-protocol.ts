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

/**
 * Main thread -> worker: read the file at `path` and seal it whole (file-seal.ts). The
 * worker hashes the plaintext (SHA-256), seals every STREAM chunk under `key`, lays the
 * payload (`nonce` ‖ sealed chunks) out in leaves of `leafSize` bytes, hashes each leaf
 * (SHA-256, for its raw-leaf CID) and sends the leaves in order, at most `window` not yet
 * acknowledged.
 */
export interface FileSealJob {
  type: 'seal-file';
  id: number;
  path: string;
  /** 32-byte payload key. */
  key: Uint8Array;
  /** The payload's 16-byte nonce, the first bytes of the first leaf. */
  nonce: Uint8Array;
  /** Payload bytes per leaf (the UnixFS chunk size). */
  leafSize: number;
  /** Leaves sent and not yet acknowledged, at most. */
  window: number;
  /** Hash each leaf here (SHA-256); false leaves that to the receiver. */
  hashLeaves: boolean;
}

/**
 * Main thread -> worker: the consumer took `count` leaves of job `id` ('ack'), or gave up
 * on it ('cancel'); or a stored leaf's buffer (ciphertext only), transferred back for the
 * worker to cut its next leaves into ('recycle', any job).
 */
export type FileSealControl = { type: 'ack'; id: number; count: number } | { type: 'cancel'; id: number } | { type: 'recycle'; data: ArrayBuffer };

/** Worker -> main thread, for a FileSealJob. */
export type FileSealReply =
  | {
      type: 'leaf';
      id: number;
      /** Payload bytes [0, length) of this leaf; its own ArrayBuffer, transferred. */
      data: ArrayBuffer;
      length: number;
      /** SHA-256 of the leaf's bytes (32 bytes): the multihash digest of its raw-leaf CID; null unless the job asked for it. */
      digest: Uint8Array | null;
      /** Plaintext bytes read since the previous leaf. */
      plaintextBytes: number;
    }
  | {
      type: 'file-end';
      id: number;
      /** SHA-256 of the whole plaintext, 32 bytes. */
      sha256: Uint8Array;
      /** Plaintext bytes read. */
      size: number;
    }
  | {
      type: 'file-error';
      id: number;
      message: string;
      /** Node's error fields when reading failed (ENOENT, EACCES, EIO...). */
      code?: string;
      syscall?: string;
      /** True when the job stopped because the main thread cancelled it. */
      cancelled?: boolean;
    };

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
  | { type: 'error'; id: number; message: string }
  | FileSealReply;

/** What a crypto worker thread does, chosen by its workerData: payload batches (default) or header re-wrapping. */
export type WorkerRole = 'payload' | 'rewrap';

/** workerData of a RewrapPool worker. Its keys come by RewrapControl, so one worker serves pool after pool. */
export interface RewrapWorkerData {
  role: 'rewrap';
}

/**
 * RewrapPool -> worker: re-wrap the following jobs with these keys ('keys'; `identities`
 * are secrets: they stay in this process), or drop them while parked ('forget').
 */
export type RewrapControl = { type: 'keys'; identities: string[]; recipients: string[] } | { type: 'forget' };

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
