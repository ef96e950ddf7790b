/**
 * Registers one `ipcMain.handle` per contract operation. Every message is checked
 * before anything else: it must come from our own origin's top-level frame (guards.ts);
 * then the request is parsed, the handler runs and the response is parsed
 * (shared/api/dispatch.ts). Answers are Outcome envelopes, never thrown errors.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { NotariumError } from '../../shared/errors.ts';
import { OPERATION_LIST, callIdSchema, channelOf, dispatch, failure, type Handlers, type Outcome } from '../../shared/api/index.ts';
import { isTrustedSender, type SenderFrame } from './guards.ts';

function senderFrameOf(event: IpcMainInvokeEvent): SenderFrame | null {
  const frame = event.senderFrame;
  if (frame === null || frame === undefined || frame.isDestroyed()) return null;
  return { url: frame.url, topLevel: frame.parent === null };
}

/**
 * @param isOurWindow also requires the sender to be the main window's webContents
 * @returns a function removing the handlers
 */
export function registerIpc(ipcMain: IpcMain, handlers: Handlers, isOurWindow: (sender: IpcMainInvokeEvent['sender']) => boolean): () => void {
  for (const name of OPERATION_LIST) {
    ipcMain.handle(channelOf(name), async (event, request: unknown, callId: unknown): Promise<Outcome<unknown>> => {
      if (!isOurWindow(event.sender) || !isTrustedSender(senderFrameOf(event))) {
        return failure(new NotariumError('FORBIDDEN', 'Refused a request from a frame that is not Notarium\'s own window.'));
      }
      if (callId !== undefined && callId !== null && !callIdSchema.safeParse(callId).success) {
        return failure(new NotariumError('INVALID_INPUT', 'Invalid call id.'));
      }
      return dispatch(name, request, handlers, typeof callId === 'string' ? { callId } : {});
    });
  }
  return () => {
    for (const name of OPERATION_LIST) ipcMain.removeHandler(channelOf(name));
  };
}
