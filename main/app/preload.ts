/**
 * The preload of the main window (bundled as CommonJS: sandboxed preloads cannot load ES
 * modules). Exposes `window.notarium`, generated from the contract, through contextBridge.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { PROGRESS_CHANNEL, channelOf } from '../../shared/api/channels.ts';
import type { ProgressEvent } from '../../shared/api/progress.ts';
import { buildNotariumApi } from './preload-api.ts';

const api = buildNotariumApi({
  invoke: (operation, request, callId) => ipcRenderer.invoke(channelOf(operation), request, callId),
  subscribe: (listener) => {
    const handler = (_event: unknown, progress: ProgressEvent): void => listener(progress);
    ipcRenderer.on(PROGRESS_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(PROGRESS_CHANNEL, handler);
    };
  },
  pathForFile: (file) => {
    try {
      return webUtils.getPathForFile(file as File);
    } catch {
      return '';
    }
  },
});

contextBridge.exposeInMainWorld('notarium', api);
