/** Messages between the Electron main thread (host.ts) and the core worker (worker.ts). */
import type { Outcome, ProgressData } from '../../../shared/api/index.ts';

export interface CoreWorkerData {
  dataDir: string;
  /** scrypt N for new accounts; tests only. */
  scryptN?: number;
  /** Chain polling interval, ms; tests only. */
  pollIntervalMs?: number;
  /** href of the bundled age cipher worker (URLs do not cross postMessage). */
  cipherWorkerHref?: string;
}

export type ToWorker =
  | { type: 'call'; id: number; op: string; request: unknown; callId?: string }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'progress'; callId: string; progress: ProgressData }
  | { type: 'result'; id: number; outcome: Outcome<unknown> }
  | { type: 'closed' };
