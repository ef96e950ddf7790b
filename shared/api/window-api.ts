/**
 * The type of `window.notarium`, derived from the operation table: one named function
 * per operation answering an Outcome envelope, plus progress subscription. The preload
 * (Electron) and the test bridge's browser client both implement it; the renderer uses
 * only this.
 */
import type { OperationName, RequestOf, ResponseOf } from './contract.ts';
import type { PROGRESS_OPERATIONS } from './channels.ts';
import type { Outcome } from './outcome.ts';
import type { ProgressEvent } from './progress.ts';

export type ProgressOperation = (typeof PROGRESS_OPERATIONS)[number];

export type OperationFunction<K extends OperationName> = K extends ProgressOperation
  ? (request: RequestOf<K>, callId?: string) => Promise<Outcome<ResponseOf<K>>>
  : (request: RequestOf<K>) => Promise<Outcome<ResponseOf<K>>>;

export type NotariumApi = { readonly [K in OperationName]: OperationFunction<K> } & {
  /** Subscribes to progress events of every running call; returns the unsubscribe function. */
  readonly onProgress: (listener: (event: ProgressEvent) => void) => () => void;
  /**
   * Absolute path of a dropped `File` (Electron webUtils.getPathForFile); '' where the
   * platform cannot tell (a plain browser).
   */
  readonly pathForFile: (file: object) => string;
};
