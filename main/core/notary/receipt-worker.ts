/**
 * Worker thread of readReceiptOffThread (verify.ts): reads and checks the receipt of
 * `workerData` (readReceipt) and posts the receipt as read, or the error. Protocol
 * (worker → parent): ReceiptWorkerMessage.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { installNativeTreeHashing } from '../crypto/tree-hashing.ts';
import { readReceipt, serializeError, type ReceiptWorkerData, type ReceiptWorkerMessage } from './verify.ts';

installNativeTreeHashing();

const port = parentPort;
if (port === null) throw new Error('receipt-worker.ts must run in a worker thread');
const post = (m: ReceiptWorkerMessage): void => port.postMessage(m);

const { receiptPath } = workerData as ReceiptWorkerData;
try {
  const read = await readReceipt(receiptPath);
  post({ type: 'done', read });
} catch (e) {
  post({ type: 'error', error: serializeError(e) });
}
