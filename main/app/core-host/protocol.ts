/** Messages between the Electron main thread (host.ts) and the core worker (worker.ts). */
import type { FeeQuote, Outcome, ProgressData } from '../../../shared/api/index.ts';

export interface CoreWorkerData {
  dataDir: string;
  /** scrypt N for new accounts; tests only. */
  scryptN?: number;
  /** Chain polling interval, ms; tests only. */
  pollIntervalMs?: number;
  /** href of the bundled age cipher worker (URLs do not cross postMessage). */
  cipherWorkerHref?: string;
  /** The managed settings file; default the OS location. Tests only. */
  managedSettingsFile?: string;
}

export type ToWorker =
  | { type: 'call'; id: number; op: string; request: unknown; callId?: string }
  | { type: 'close' }
  /** The shell's answer to a `secret-get`: the secret, or null when none is stored. */
  | { type: 'secret'; id: number; value: string | null };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'progress'; callId: string; progress: ProgressData; feeQuote?: FeeQuote }
  /**
   * Asks the shell for a secret of its OS keychain (the pinning service token): the worker
   * has no safeStorage, and secrets are never put in workerData, so they are fetched on use.
   */
  | { type: 'secret-get'; id: number; name: string }
  | { type: 'result'; id: number; outcome: Outcome<unknown> }
  | { type: 'closed' };
