/**
 * Builds the `window.notarium` object from the contract's operation list: one named
 * function per operation, plus progress subscription and dropped-file paths. Pure (the
 * transport is injected), so the preload (Electron IPC) and its tests share it. The
 * renderer never sees `ipcRenderer` or a generic "send anything" function.
 */
import { OPERATION_LIST } from '../../shared/api/channels.ts';
import type { NotariumApi, ProgressEvent } from '../../shared/api/index.ts';

export interface PreloadTransport {
  invoke(operation: string, request: unknown, callId: unknown): Promise<unknown>;
  subscribe(listener: (event: ProgressEvent) => void): () => void;
  pathForFile(file: object): string;
}

export function buildNotariumApi(transport: PreloadTransport): NotariumApi {
  const api: Record<string, unknown> = {};
  for (const name of OPERATION_LIST) {
    // Only the first two arguments cross: extra arguments cannot smuggle anything through.
    api[name] = (request: unknown, callId?: unknown) => transport.invoke(name, request, callId);
  }
  api['onProgress'] = (listener: (event: ProgressEvent) => void) => {
    if (typeof listener !== 'function') throw new TypeError('onProgress expects a function');
    return transport.subscribe(listener);
  };
  api['pathForFile'] = (file: object) => transport.pathForFile(file);
  return Object.freeze(api) as NotariumApi;
}
